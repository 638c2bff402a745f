import Expression
import Imaging
import NeuralNet
import Testing
import TestSupport
import Foundation

/// The multi-crop views: what each view shows, and that averaging over them gives probabilities.
struct TestTimeAugmentationTests {
    static let side = 48
    static let unit = InputNormalization(scale: 1, offset: 0)

    static func views(of pixels: [UInt8], _ tta: TestTimeAugmentation) -> [[Float]] {
        let input = Tensor(shape: [0])
        pixels.withUnsafeBufferPointer { p in
            FaceBatch.fill(input, count: 1, side: side, normalization: unit, tta: tta) { _ in p.baseAddress! }
        }
        let area = side * side
        return (0..<tta.viewCount).map { v in Array(UnsafeBufferPointer(start: input.data + v * area, count: area)) }
    }

    @Test func viewCounts() {
        #expect(TestTimeAugmentation.none.viewCount == 1)
        #expect(TestTimeAugmentation.flip.viewCount == 2)
        #expect(TestTimeAugmentation.zoom.viewCount == 4)
        #expect(TestTimeAugmentation.crops.viewCount == 10)
        #expect(TestTimeAugmentation.contrast.viewCount == 8)
    }

    @Test(arguments: [TestTimeAugmentation.crops, .zoom])
    func viewsOfAConstantImageAreIdentical(tta: TestTimeAugmentation) {
        let views = Self.views(of: [UInt8](repeating: 93, count: Self.side * Self.side), tta)
        #expect(views.allSatisfy { $0.allSatisfy { abs($0 - 93) < 1e-4 } })
    }

    /// `zoom`: the face, its mirror, then the face 1.1x closer about its centre (a ramp read 1/1.1 as steeply,
    /// so the edge pixels come from inside the face) and that view's mirror.
    @Test func zoomViewsShowTheFaceCloser() {
        let side = Self.side
        let ramp = (0..<side * side).map { UInt8(($0 % side) * 5) }   // value 5·x
        let views = Self.views(of: ramp, .zoom)
        let centre = Double(side - 1) / 2
        for x in [0, 10, 24, side - 1] {
            #expect(abs(Double(views[0][x]) - 5 * Double(x)) < 1e-3)
            #expect(abs(Double(views[1][x]) - 5 * Double(side - 1 - x)) < 1e-3)
            let closer = 5 * (centre + (Double(x) - centre) / 1.1)
            #expect(abs(Double(views[2][x]) - closer) < 1e-3, "x \(x)")
            #expect(abs(Double(views[3][side - 1 - x]) - closer) < 1e-3, "mirrored x \(x)")
        }
    }

    /// `contrast`: zoom's four views of the face, then the same four of the face evened out as OpenCV's CLAHE
    /// does it with clip limit 2 and 4 x 4 tiles (the reference made by Python's OpenCV: a change of the
    /// settings the shipped model was measured with fails here). OpenCV versions may round a level apart.
    @Test func contrastViewsAreZoomsViewsOfTheEvenedFace() throws {
        let folder = TestData.fixtures.appendingPathComponent("clahe")
        let face = try GrayImage(contentsOf: folder.appendingPathComponent("flat-face.png"))
        let reference = try GrayImage(contentsOf: folder.appendingPathComponent("flat-face-evened.png"))
        #expect(face.width == Self.side && face.height == Self.side)
        let views = Self.views(of: face.pixels, .contrast)
        let ofFace = Self.views(of: face.pixels, .zoom)
        let ofEvened = Self.views(of: reference.pixels, .zoom)
        for v in 0..<4 {
            #expect(views[v] == ofFace[v], "view \(v)")
            let worst = zip(views[4 + v], ofEvened[v]).map { abs($0 - $1) }.max() ?? 0
            #expect(worst <= 1, "evened view \(v) is \(worst) levels from OpenCV's")
        }
        // What the evened views are for: the flat face's eyes and mouth stand out far more.
        func spread(_ pixels: [Float]) -> Float {
            let mean = pixels.reduce(0, +) / Float(pixels.count)
            return (pixels.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(pixels.count)).squareRoot()
        }
        #expect(spread(views[4]) > 2 * spread(views[0]))
    }

    /// A model file names the views it is served with; a file naming none, or one this version does not
    /// know, is served with flip.
    @Test func aModelFileNamesItsViews() throws {
        #expect(TestTimeAugmentation.served(by: ["tta": "zoom"]) == .zoom)
        #expect(TestTimeAugmentation.served(by: [:]) == .flip)
        #expect(TestTimeAugmentation.served(by: ["tta": "hologram"]) == .flip)
        let folder = try TestData.temporaryDirectory("tta-note")
        defer { try? FileManager.default.removeItem(at: folder) }
        let network = try Sequential(EmotionArchitecture.tiny.architecture, seed: 3)
        for (name, notes) in [("zoom", ["tta": "zoom"]), ("plain", [:])] {
            try ModelFile(network: network, classNames: Emotion.classNames, normalization: .unitRange, notes: notes)
                .save(to: folder.appendingPathComponent("\(name).safetensors"))
        }
        #expect(try Classifier(opening: folder.appendingPathComponent("zoom.safetensors")).tta == .zoom)
        #expect(try Classifier(opening: folder.appendingPathComponent("plain.safetensors")).tta == .flip)
        #expect(try Classifier(opening: folder.appendingPathComponent("zoom.safetensors"), tta: .none).tta == TestTimeAugmentation.none)
    }

    /// On a linear ramp, bilinear resampling is exact: the top-left crop's first pixel is the source pixel
    /// the crop starts at, and its last is where the 46-pixel crop ends; the mirrored views run backwards.
    @Test func cornerCropsShowTheirCorners() {
        let side = Self.side
        let ramp = (0..<side * side).map { UInt8(($0 % side) * 5) }   // value 5·x
        let views = Self.views(of: ramp, .crops)
        let crop = 46.0 / 48.0, d = Double(side) * (1 - crop) / 2
        let centre = Double(side - 1) / 2
        // Output pixel x of a crop centred d to the left/right comes from centre + (x − centre)·crop ∓ d,
        // edges replicated where that falls a fraction of a pixel outside.
        func expected(_ x: Int, offset: Double) -> Double {
            5 * min(max(centre + (Double(x) - centre) * crop + offset, 0), Double(side - 1))
        }
        for (view, offset) in [(1, -d), (2, d)] {
            for x in [0, 13, side - 1] {
                #expect(abs(Double(views[view][x]) - expected(x, offset: offset)) < 1e-3, "view \(view) x \(x)")
            }
        }
        // The centre crop, mirrored (view 5), is the centre crop (view 0) read right to left.
        for x in 0..<side { #expect(abs(views[5][x] - views[0][side - 1 - x]) < 1e-3) }
    }

    @Test(arguments: TestTimeAugmentation.allCases)
    func averagedProbabilitiesSumToOne(tta: TestTimeAugmentation) throws {
        let network = try Sequential(EmotionArchitecture.tiny.architecture, seed: 3)
        let model = ModelFile(network: network, classNames: Emotion.classNames,
                              normalization: InputNormalization(scale: 1 / 127.5, offset: -1))
        var generator = SeededGenerator(seed: 4)
        let faces = (0..<5).map { _ in
            GrayImage(width: Self.side, height: Self.side,
                      pixels: (0..<Self.side * Self.side).map { _ in UInt8(generator.nextUnit() * 255) })
        }
        let probabilities = try Classifier(model: model, tta: tta).probabilities(for: faces)
        #expect(probabilities.count == 5)
        for p in probabilities { #expect(abs(p.reduce(0, +) - 1) < 1e-5 && p.allSatisfy { $0 >= 0 }) }
    }
}
