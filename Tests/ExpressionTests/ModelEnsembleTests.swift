import Expression
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
}
