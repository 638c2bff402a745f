import Expression
import Imaging
@testable import Live
import NeuralNet
import Testing
import TestSupport

/// The live view's views fitted to the machine: the model's own while a frame's faces fit the budget, fewer
/// when they do not, and back with room to spare.
struct AdaptiveViewsTests {
    static let ladder: [TestTimeAugmentation] = [.contrast, .zoom, .flip, .none]

    static func rung(faces: Int, costs: [Double?], current: Int, budget: Double = 0.04) -> Int {
        AdaptiveViews.chooseRung(faces: faces, secondsPerView: costs, current: current, ladder: ladder, budget: budget)
    }

    @Test func theRichestViewsThatFitTheBudget() {
        let ms = 0.001
        // Nothing measured yet: stay where it is (the model's own views at first).
        #expect(Self.rung(faces: 3, costs: [nil, nil, nil, nil], current: 0) == 0)
        // 2 ms a view: one face with 8 views is 16 ms, three faces 48 ms (too much), with zoom's 4 views 24 ms.
        #expect(Self.rung(faces: 1, costs: [2 * ms, nil, nil, nil], current: 0) == 0)
        #expect(Self.rung(faces: 3, costs: [2 * ms, nil, nil, nil], current: 0) == 1)
        // Ten faces at 3 ms a view: even one view each (30 ms) is the only one that fits.
        #expect(Self.rung(faces: 10, costs: [3 * ms, nil, nil, nil], current: 0) == 3)
        // Nothing fits: the cheapest views.
        #expect(Self.rung(faces: 30, costs: [3 * ms, nil, nil, nil], current: 0) == 3)
    }

    @Test func stepsBackUpOnlyWithRoomToSpare() {
        let ms = 0.001
        // On zoom (rung 1), one face with 8 views at 4.5 ms is 36 ms: inside the budget but not 85 % of it.
        #expect(Self.rung(faces: 1, costs: [4.5 * ms, 4.5 * ms, nil, nil], current: 1) == 1)
        #expect(Self.rung(faces: 1, costs: [4.0 * ms, 4.5 * ms, nil, nil], current: 1) == 0)
        // Staying on a rung needs only the budget itself.
        #expect(Self.rung(faces: 1, costs: [4.5 * ms, nil, nil, nil], current: 0) == 0)
        // A rung not run yet is priced at the nearest rung that has run.
        #expect(Self.rung(faces: 2, costs: [nil, 3 * ms, nil, nil], current: 1) == 1)
        #expect(Self.rung(faces: 1, costs: [nil, 3 * ms, nil, nil], current: 1) == 0)
    }

    static func classifier(_ tta: TestTimeAugmentation) throws -> Classifier {
        let network = try Sequential(EmotionArchitecture.tiny.architecture, seed: 7)
        return try Classifier(model: ModelFile(network: network, classNames: Emotion.classNames,
                                               normalization: .unitRange), tta: tta)
    }

    static func faces(_ count: Int) -> [GrayImage] {
        var generator = SeededGenerator(seed: 9)
        return (0..<count).map { _ in
            GrayImage(width: 48, height: 48, pixels: (0..<48 * 48).map { _ in UInt8(generator.nextUnit() * 255) })
        }
    }

    /// With time to spare the faces get the model's own views and exactly its answers; with none, the
    /// first frame (nothing measured) still gets them, every later one the cheapest views.
    @Test func servesTheModelsViewsWhileTheyFitAndFewerWhenNot() throws {
        let faces = Self.faces(3)
        let reference = try Self.classifier(.contrast).probabilities(for: faces)
        let roomy = AdaptiveViews(try Self.classifier(.contrast), budget: 100)
        #expect(roomy.ladder == [.contrast, .zoom, .flip, .none])
        for _ in 0..<3 {
            let answers = roomy.probabilities(for: faces)
            #expect(roomy.views == .contrast)
            for (a, b) in zip(answers, reference) { for (x, y) in zip(a, b) { #expect(abs(x - y) < 1e-6) } }
        }
        let hurried = AdaptiveViews(try Self.classifier(.contrast), budget: 0)
        _ = hurried.probabilities(for: faces)
        #expect(hurried.views == .contrast)
        let answers = hurried.probabilities(for: faces)
        #expect(hurried.views == TestTimeAugmentation.none)
        let plain = try Self.classifier(.none).probabilities(for: faces)
        for (a, b) in zip(answers, plain) { for (x, y) in zip(a, b) { #expect(abs(x - y) < 1e-6) } }
        #expect(AdaptiveViews(try Self.classifier(.zoom)).ladder == [.zoom, .flip, .none])
        #expect(AdaptiveViews(try Self.classifier(.flip)).ladder == [.flip, .none])
    }
}
