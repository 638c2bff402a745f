import Foundation
import NeuralNet

/// Emoscope models averaged into one model file (`NeuralNet.Ensemble`): one network whose probabilities are
/// the mean of its members', which every part of the app (live view, eval, browser, why view, ONNX export)
/// uses as it uses a single model.
public enum ModelEnsemble {
    /// Notes the ensemble's file carries about its members.
    public static let membersNoteKey = "ensemble_members"

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
            let facts = ["architecture_name", "epoch", "seed", "validation_accuracy"].compactMap { key in
                file.notes[key].map { "\(key == "architecture_name" ? "" : key + " ")\($0)" }
            }
            return url.lastPathComponent + (facts.isEmpty ? "" : " (\(facts.joined(separator: ", ")))")
        }.joined(separator: "; ")
        return ModelFile(network: network, classNames: first.classNames, normalization: first.normalization, notes: notes)
    }
}
