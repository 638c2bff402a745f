@testable import Expression
import Foundation
import NeuralNet
import Testing
import TestSupport

/// Model files combined into one (`ModelEnsemble`): served as the mean of the members, explained by them,
/// and members that would not read faces alike refused with the file named.
@Suite struct ModelEnsembleTests {
    static func member(seed: UInt64, notes: [String: String] = [:],
                       normalization: InputNormalization = .unitRange) throws -> ModelFile {
        ModelFile(network: try Sequential(EmotionArchitecture.tiny.architecture, seed: seed), classNames: Emotion.classNames,
                  normalization: normalization, notes: notes)
    }

    static func save(_ files: [ModelFile], in folder: URL) throws -> [URL] {
        try files.enumerated().map { index, file in
            let url = folder.appendingPathComponent("member\(index).safetensors")
            try file.save(to: url)
            return url
        }
    }

    @Test func servesTheMeanOfItsMembers() throws {
        let folder = try TestData.temporaryDirectory("ensemble")
        let members = [try Self.member(seed: 1, notes: ["architecture_name": "tiny", "epoch": "3"]), try Self.member(seed: 2)]
        let urls = try Self.save(members, in: folder)
        let out = folder.appendingPathComponent("ensemble.safetensors")
        try ModelEnsemble.combine(urls).save(to: out)
        let ensemble = try Classifier(contentsOf: out)
        let faces = ServingParityTests.faces(count: 6)
        let served = ensemble.probabilities(for: (0..<6).map { faces.face($0) })
        let each = try urls.map { try Classifier(contentsOf: $0).probabilities(for: (0..<6).map { faces.face($0) }) }
        for n in 0..<6 {
            for c in 0..<7 { #expect(abs(served[n][c] - (each[0][n][c] + each[1][n][c]) / 2) < 1e-5) }
        }
        let notes = try ModelFile.load(out).notes
        #expect(notes["architecture_name"] == "ensemble of tiny + ?")
        #expect(notes[ModelEnsemble.membersNoteKey] == "member0.safetensors (tiny, epoch 3); member1.safetensors")
    }

    /// A pair joined by a third model averages the three equally, and its notes name all three.
    @Test func anEnsembleJoinsAsItsMembers() throws {
        let folder = try TestData.temporaryDirectory("ensemble-nested")
        let tiny = ["architecture_name": "tiny"]
        let urls = try Self.save([try Self.member(seed: 6, notes: tiny), try Self.member(seed: 7, notes: tiny),
                                  try Self.member(seed: 8, notes: tiny)], in: folder)
        let pair = folder.appendingPathComponent("pair.safetensors"), out = folder.appendingPathComponent("three.safetensors")
        try ModelEnsemble.combine(Array(urls[0..<2])).save(to: pair)
        try ModelEnsemble.combine([pair, urls[2]]).save(to: out)
        let faces = { let all = ServingParityTests.faces(count: 4); return (0..<4).map { all.face($0) } }()
        let served = try Classifier(contentsOf: out).probabilities(for: faces)
        let each = try urls.map { try Classifier(contentsOf: $0).probabilities(for: faces) }
        for n in 0..<4 {
            for c in 0..<7 { #expect(abs(served[n][c] - (each[0][n][c] + each[1][n][c] + each[2][n][c]) / 3) < 1e-5) }
        }
        let notes = try ModelFile.load(out).notes
        #expect(notes["architecture_name"] == "ensemble of tiny + tiny + tiny")
        #expect(notes[ModelEnsemble.membersNoteKey]
                == "pair.safetensors (ensemble: member0.safetensors (tiny); member1.safetensors (tiny)); member2.safetensors (tiny)")
    }

    /// An ensemble of a model with itself is that model: the same probabilities, and the same why map.
    @Test func aModelWithItselfExplainsAsItself() throws {
        let folder = try TestData.temporaryDirectory("ensemble-self")
        let url = try Self.save([try Self.member(seed: 3)], in: folder)[0]
        let out = folder.appendingPathComponent("twice.safetensors")
        try ModelEnsemble.combine([url, url]).save(to: out)
        let (single, twice) = (try Classifier(contentsOf: url, tta: .flip), try Classifier(contentsOf: out, tta: .flip))
        let (a, b) = (try FaceExplainer(classifier: single), try FaceExplainer(classifier: twice))
        let faces = ServingParityTests.faces(count: 3)
        for i in 0..<3 {
            let (x, y) = (a.explain(faces.face(i)), b.explain(faces.face(i)))
            #expect(x.emotion == y.emotion)
            #expect(zip(x.probabilities, y.probabilities).allSatisfy { abs($0 - $1) < 1e-5 })
            #expect(zip(x.heat, y.heat).allSatisfy { abs($0 - $1) < 1e-4 })
        }
    }

    /// The why map of two different members is the same whether they run side by side (one core each) or
    /// one after the other on one thread, as the why view's worker runs them.
    @Test func membersExplainedSideBySideGiveTheMapsOfOneThread() throws {
        let folder = try TestData.temporaryDirectory("ensemble-why-threads")
        let urls = try Self.save([try Self.member(seed: 6), try Self.member(seed: 7)], in: folder)
        let out = folder.appendingPathComponent("pair.safetensors")
        try ModelEnsemble.combine(urls).save(to: out)
        let explainer = try FaceExplainer(classifier: try Classifier(contentsOf: out, tta: .flip))
        let faces = ServingParityTests.faces(count: 4)
        for i in 0..<faces.count {
            let sideBySide = explainer.explain(faces.face(i))
            let oneThread = Compute.serially { explainer.explain(faces.face(i)) }
            #expect(sideBySide.emotion == oneThread.emotion)
            #expect(zip(sideBySide.probabilities, oneThread.probabilities).allSatisfy { abs($0 - $1) < 1e-5 })
            #expect(zip(sideBySide.heat, oneThread.heat).allSatisfy { abs($0 - $1) < 1e-4 })
            #expect(sideBySide.heat.max() == 1, "face \(i): an empty map")
        }
    }

    @Test(arguments: ["normalisation", "classes", "bias", "preprocessing"])
    func membersThatDoNotReadFacesAlikeAreRefused(_ difference: String) throws {
        let folder = try TestData.temporaryDirectory("ensemble-refused")
        var other = try Self.member(seed: 5)
        switch difference {
        case "normalisation": other.normalization = InputNormalization(scale: 1 / 127.5, offset: -1)
        case "classes": other.classNames = Array(Emotion.classNames.reversed())
        case "bias": other.notes[DecisionBias.noteKey] = DecisionBias(offsets: [Float](repeating: 0.1, count: 7)).noteValue
        default: other.notes[FacePreprocessing.noteKey] = FacePreprocessing.equalize.rawValue
        }
        let urls = try Self.save([try Self.member(seed: 4), other], in: folder)
        #expect { try ModelEnsemble.combine(urls) } throws: { error in
            "\(error)".contains(urls[1].path)
        }
    }

    /// Unpacking gives back each member as it was combined: the same answers, the name and the facts it was
    /// combined with, a nested pair's members as members, and no decision bias.
    @Test func unpackingGivesBackTheMembers() throws {
        let folder = try TestData.temporaryDirectory("ensemble-unpack")
        let urls = try Self.save([try Self.member(seed: 11, notes: ["architecture_name": "tiny", "epoch": "4", "seed": "11"]),
                                  try Self.member(seed: 12), try Self.member(seed: 13, notes: ["architecture_name": "tiny"])],
                                 in: folder)
        let pair = folder.appendingPathComponent("pair.safetensors"), out = folder.appendingPathComponent("three.safetensors")
        try ModelEnsemble.combine(Array(urls[0..<2])).save(to: pair)
        var three = try ModelEnsemble.combine([pair, urls[2]])
        three.notes[DecisionBias.noteKey] = DecisionBias(offsets: [Float](repeating: 0.2, count: 7)).noteValue
        try three.save(to: out)

        let members = try ModelEnsemble.unpack(out)
        #expect(members.map(\.name) == ["member0.safetensors", "member1.safetensors", "member2.safetensors"])
        #expect(members[0].file.notes["architecture_name"] == "tiny" && members[0].file.notes["epoch"] == "4"
                && members[0].file.notes["seed"] == "11")
        #expect(members[1].file.notes["architecture_name"] == nil)
        #expect(members.allSatisfy { $0.file.notes[DecisionBias.noteKey] == nil })
        #expect(members[2].file.notes["unpacked_from"] == "three.safetensors, member 3 of 3")
        let faces = { let all = ServingParityTests.faces(count: 5); return (0..<5).map { all.face($0) } }()
        for (member, url) in zip(members, urls) {
            let written = folder.appendingPathComponent("unpacked-" + member.name)
            try member.file.save(to: written)
            let (original, unpacked) = (try Classifier(contentsOf: url).probabilities(for: faces),
                                        try Classifier(contentsOf: written).probabilities(for: faces))
            for n in 0..<5 { #expect(original[n] == unpacked[n]) }
        }
    }

    /// Members whose recorded names do not tell them apart are numbered; a single model is refused by name.
    @Test func unnamedMembersAreNumberedAndASingleModelIsRefused() throws {
        let folder = try TestData.temporaryDirectory("ensemble-unpack-unnamed")
        let url = try Self.save([try Self.member(seed: 14)], in: folder)[0]
        let twice = folder.appendingPathComponent("twice.safetensors")
        try ModelEnsemble.combine([url, url]).save(to: twice)
        #expect(try ModelEnsemble.unpack(twice).map(\.name) == ["member-1.safetensors", "member-2.safetensors"])
        #expect { try ModelEnsemble.unpack(url) } throws: { error in
            "\(error)".contains(url.path) && "\(error)".contains("not an ensemble")
        }
    }

    @Test func theMembersNoteIsReadDownToSingleNetworks() {
        let leaves = ModelEnsemble.leaves("a.safetensors (compact, epoch 49, seed 7, validation_accuracy 0.6888); "
                                          + "p.safetensors (ensemble: b (tiny); c); d")
        #expect(leaves.map(\.name) == ["a.safetensors", "b", "c", "d"])
        #expect(leaves[0].facts == ["architecture_name": "compact", "epoch": "49", "seed": "7", "validation_accuracy": "0.6888"])
        #expect(leaves[1].facts == ["architecture_name": "tiny"] && leaves[2].facts.isEmpty)
        let copied = ModelEnsemble.leaves("run (2).safetensors (compact, seed 3); e (ensemble: f (1) (tiny); g)")
        #expect(copied.map(\.name) == ["run (2).safetensors", "f (1)", "g"])
        #expect(copied[0].facts == ["architecture_name": "compact", "seed": "3"] && copied[1].facts == ["architecture_name": "tiny"])
    }
}
