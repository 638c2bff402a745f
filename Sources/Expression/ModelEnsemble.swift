import Foundation
import NeuralNet

/// Emoscope models averaged into one model file (`NeuralNet.Ensemble`): one network whose probabilities are
/// the mean of its members', which every part of the app (live view, eval, browser, why view, ONNX export)
/// uses as it uses a single model.
public enum ModelEnsemble {
    /// Notes the ensemble's file carries about its members.
    public static let membersNoteKey = "ensemble_members"
    /// What the members note records of each network after its architecture, in this order.
    static let recordedFacts = ["epoch", "seed", "validation_accuracy"]

    /// A network's facts as the members note writes them, e.g. `compact, epoch 49, seed 7`; nil when its
    /// file records none of them.
    public static func facts(of notes: [String: String]) -> String? {
        let facts = (notes["architecture_name"].map { [$0] } ?? [])
            + recordedFacts.compactMap { key in notes[key].map { "\(key) \($0)" } }
        return facts.isEmpty ? nil : facts.joined(separator: ", ")
    }

    /// The members' model files combined. They must read faces alike (input size, normalisation,
    /// preprocessing) and name the same classes in the same order; a member with a decision bias is refused,
    /// since that bias was measured on its own probabilities, not on the ensemble's. A member that is itself an
    /// ensemble joins as its members, so that every network weighs the same (a pair and a third model average
    /// three ways, not half and half).
    public static func combine(_ urls: [URL]) throws -> ModelFile {
        precondition(urls.count >= 2, "ModelEnsemble.combine: an ensemble needs at least two members")
        let files = try urls.map { try ($0, ModelFile.load($0)) }
        let (firstURL, first) = files[0]
        let preprocessing = try first.facePreprocessing(file: firstURL)
        for (url, file) in files {
            let differs = { (what: String, mine: String, theirs: String) in
                ModelFileError(url, "\(what) \(mine), but \(firstURL.lastPathComponent) has \(theirs): "
                               + "the members of an ensemble must read faces alike")
            }
            if file.network.inputShape != first.network.inputShape {
                throw differs("takes input", "\(file.network.inputShape)", "\(first.network.inputShape)")
            }
            if file.normalization != first.normalization {
                throw differs("normalises pixels as", "\(file.normalization)", "\(first.normalization)")
            }
            if try file.facePreprocessing(file: url) != preprocessing {
                throw differs("has preprocessing", "\(try file.facePreprocessing(file: url).rawValue)", preprocessing.rawValue)
            }
            guard file.classNames == first.classNames else {
                throw ModelFileError(url, "names classes \(file.classNames), but \(firstURL.lastPathComponent) "
                                     + "\(first.classNames): an ensemble averages the same classes in the same order")
            }
            guard file.notes[DecisionBias.noteKey] == nil else {
                throw ModelFileError(url, "has a decision bias (emoscope rebalance), measured on its own probabilities: "
                                     + "combine the model without it, then rebalance the ensemble")
            }
        }
        let network: Network
        do { network = try Ensemble.combine(files.map(\.1.network)) } catch {
            throw ModelFileError(firstURL, "cannot be combined with "
                                 + urls.dropFirst().map(\.lastPathComponent).joined(separator: ", ") + ": \(error)")
        }
        var notes = preprocessing.note
        let prefix = "ensemble of "
        notes["architecture_name"] = prefix + files.map { file in
            let name = file.1.notes["architecture_name"] ?? "?"
            return name.hasPrefix(prefix) ? String(name.dropFirst(prefix.count)) : name
        }.joined(separator: " + ")
        notes[membersNoteKey] = files.map { url, file in
            if let members = file.notes[membersNoteKey] { return "\(url.lastPathComponent) (ensemble: \(members))" }
            return url.lastPathComponent + (facts(of: file.notes).map { " (\($0))" } ?? "")
        }.joined(separator: "; ")
        return ModelFile(network: network, classNames: first.classNames, normalization: first.normalization, notes: notes)
    }
}

extension ModelEnsemble {
    /// One member of an ensemble taken back out: the name it was combined under and its file.
    public struct Member {
        public var name: String
        public var file: ModelFile
    }

    /// The members of an ensemble file, each a model file of its own again: its network and weights, the
    /// ensemble's classes, normalisation and preprocessing, and what the members note recorded of it
    /// (architecture, epoch, seed, validation accuracy). Named as they were combined, or `member-N` when the
    /// note does not name each network. A decision bias is left behind: it was measured on the ensemble.
    public static func unpack(_ url: URL) throws -> [Member] {
        let file = try ModelFile.load(url)
        guard let networks = Ensemble.members(of: file.network) else {
            throw ModelFileError(url, "is not an ensemble (emoscope ensemble writes those): there are no members to take out")
        }
        let recorded = file.notes[membersNoteKey].map(Self.leaves) ?? []
        let names = recorded.map { Self.fileName($0.name) }
        let named = recorded.count == networks.count && Set(names).count == names.count && !names.contains("")
        let preprocessing = try file.facePreprocessing(file: url)
        return networks.enumerated().map { index, network in
            var notes = preprocessing.note
            if named { notes.merge(recorded[index].facts) { $1 } }
            notes["unpacked_from"] = "\(url.lastPathComponent), member \(index + 1) of \(networks.count)"
            return Member(name: named ? names[index] : "member-\(index + 1).safetensors",
                          file: ModelFile(network: network, classNames: file.classNames,
                                          normalization: file.normalization, notes: notes))
        }
    }

    /// The members note's entries down to single networks: `a (compact, epoch 49); b (ensemble: c (...); d)`
    /// gives a, c and d, each with the facts in its brackets.
    static func leaves(_ note: String) -> [(name: String, facts: [String: String])] {
        topLevel(note, separator: "; ").flatMap { entry -> [(name: String, facts: [String: String])] in
            guard entry.hasSuffix(")"), let open = openingBracket(ofLastIn: entry) else {
                return [(entry.trimmingCharacters(in: .whitespaces), [:])]
            }
            let name = entry[..<open].trimmingCharacters(in: .whitespaces)
            let inside = String(entry[entry.index(after: open)..<entry.index(before: entry.endIndex)])
            if inside.hasPrefix("ensemble: ") { return leaves(String(inside.dropFirst("ensemble: ".count))) }
            var facts: [String: String] = [:]
            for (position, fact) in topLevel(inside, separator: ", ").enumerated() {
                let words = fact.split(separator: " ", maxSplits: 1).map(String.init)
                if words.count == 2, recordedFacts.contains(words[0]) {
                    facts[words[0]] = words[1]
                } else if position == 0 {
                    facts["architecture_name"] = fact
                }
            }
            return [(name, facts)]
        }
    }

    /// Where the bracket closed at the end of `text` opens (a file name before it may hold brackets too).
    private static func openingBracket(ofLastIn text: String) -> String.Index? {
        var depth = 0, index = text.endIndex
        while index > text.startIndex {
            index = text.index(before: index)
            if text[index] == ")" { depth += 1 } else if text[index] == "(" {
                depth -= 1
                if depth == 0 { return index }
            }
        }
        return nil
    }

    /// `text` split at `separator` where it is outside brackets.
    private static func topLevel(_ text: String, separator: String) -> [String] {
        var parts: [String] = [], current = "", depth = 0, rest = Substring(text)
        while let character = rest.first {
            if depth == 0 && rest.hasPrefix(separator) {
                parts.append(current); current = ""; rest = rest.dropFirst(separator.count); continue
            }
            if character == "(" { depth += 1 } else if character == ")" { depth = max(0, depth - 1) }
            current.append(character); rest = rest.dropFirst()
        }
        return current.isEmpty ? parts : parts + [current]
    }

    /// A recorded member name as a file name in the folder members are written to.
    private static func fileName(_ recorded: String) -> String {
        let base = URL(fileURLWithPath: recorded).lastPathComponent
        guard !base.isEmpty, base != ".", base != ".." else { return "" }
        return base.hasSuffix(".safetensors") ? base : base + ".safetensors"
    }
}
