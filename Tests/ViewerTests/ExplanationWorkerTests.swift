import Expression
import Foundation
import Imaging
import Live
import NeuralNet
import Testing
import TestSupport

/// The why view's worker: the render loop asks and never waits; what comes back is what the explainer
/// itself says of the newest face asked for, for the emotion asked for.
struct ExplanationWorkerTests {
    private static func classifier() throws -> Classifier {
        let network = try Sequential(EmotionArchitecture.tiny.architecture, seed: 5)
        return try Classifier(model: ModelFile(network: network, classNames: Emotion.classNames, normalization: .unitRange), tta: .flip)
    }

    /// Faces of random texture.
    private static func faces(count: Int) -> LabeledFaces {
        var generator = SeededGenerator(seed: 11)
        var faces = LabeledFaces()
        for n in 0..<count {
            faces.append((0..<LabeledFaces.faceSize).map { _ in UInt8(generator.nextUnit() * 255) },
                         label: Emotion.allCases[n % 7], path: "face\(n)")
        }
        return faces
    }

    @Test func answersWithTheExplainersOwnMapForTheEmotionAsked() throws {
        let classifier = try Self.classifier()
        let reference = try FaceExplainer(classifier: classifier)
        let worker = ExplanationWorker(explainer: try FaceExplainer(classifier: classifier))
        defer { worker.stop() }
        let faces = Self.faces(count: 3)
        for i in 0..<faces.count {
            let asked = Emotion.allCases[(i * 3) % Emotion.allCases.count]
            let ticket = worker.submit(faces.face(i), emotion: asked)
            let answer = try #require(worker.wait(for: ticket, timeout: 30), "no answer to face \(i)")
            let expected = reference.explain(faces.face(i), emotion: asked)
            #expect(answer.emotion == asked)
            #expect(answer.heat.count == expected.heat.count)
            #expect(zip(answer.heat, expected.heat).allSatisfy { abs($0 - $1) < 1e-4 })
            guard case .answered = worker.status(of: ticket) else { Issue.record("face \(i): not answered"); continue }
        }
        // Without an emotion, the map is of the explainer's own prediction.
        let ticket = worker.submit(faces.face(0))
        #expect(worker.wait(for: ticket, timeout: 30)?.emotion == reference.explain(faces.face(0)).emotion)
    }

    /// A face the user moved away from before its map was done is never waited for: its ticket is superseded
    /// and the newest face is answered.
    @Test func aNewerRequestSupersedesAnOlderOne() throws {
        let classifier = try Self.classifier()
        let worker = ExplanationWorker(explainer: try FaceExplainer(classifier: classifier))
        defer { worker.stop() }
        let faces = Self.faces(count: 2)
        let first = worker.submit(faces.face(0))
        let second = worker.submit(faces.face(1))
        #expect(worker.wait(for: second, timeout: 30) == (try FaceExplainer(classifier: classifier)).explain(faces.face(1)))
        guard case .superseded = worker.status(of: first) else { Issue.record("the older request still counts"); return }
        #expect(worker.wait(for: first, timeout: 0.1) == nil)
        let third = worker.submit(faces.face(0))
        if case .superseded = worker.status(of: third) { Issue.record("the newest request is superseded") }
    }

    @Test func stopsWhetherOrNotItWasAsked() throws {
        let idle = ExplanationWorker(explainer: try FaceExplainer(classifier: try Self.classifier()))
        idle.stop()
        let busy = ExplanationWorker(explainer: try FaceExplainer(classifier: try Self.classifier()))
        busy.submit(Self.faces(count: 1).face(0))
        let start = Date()
        busy.stop()
        #expect(Date().timeIntervalSince(start) < 5)
    }
}

extension ExplanationWorker {
    /// Polls as the render loop does, for up to `timeout` seconds: the answer, or nil once superseded.
    func wait(for ticket: Int, timeout: Double) -> FaceExplainer.Explanation? {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while Date() < deadline {
            switch status(of: ticket) {
            case let .answered(explanation): return explanation
            case .superseded: return nil
            case .working: Thread.sleep(forTimeInterval: 0.002)
            }
        }
        return nil
    }
}
