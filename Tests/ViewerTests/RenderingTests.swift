import Imaging
import Live
import Expression
import Foundation
import Graphics
import Testing
import TestSupport
@testable import Viewer

/// The live screen drawn on SDL's offscreen software renderer. Serialized: SDL is not thread-safe.
extension SDLSuite {
@Suite struct RenderingTests {
    static let frameSize = Size(width: 400, height: 520)
    static let box = PixelRect(x: 60, y: 50, width: 100, height: 80)
    static let surprised: [Float] = [0.02, 0.01, 0.05, 0.02, 0.05, 0.05, 0.80]

    /// A frame shown 1:1 (canvas = frame + panel), one face with known box and probabilities.
    func render(showPanel: Bool = true, mirrored: Bool = false,
                configure: (inout LiveViewModel) -> Void = { _ in }) throws -> (BGRAImage, [DrawnFace], LiveViewModel) {
        let panel = showPanel ? Theme.sidePanelWidth : 0
        let canvas = try Canvas(offscreenWidth: Self.frameSize.width + panel, height: Self.frameSize.height)
        let screen = LiveScreen(fonts: try Fonts())
        var model = LiveViewModel(sourceDescription: "test")
        let frame = Frame(image: BGRAImage(width: Self.frameSize.width, height: Self.frameSize.height, fill: Color(hex: 0x000000)),
                          sequence: 1, capturedAt: 0)
        model.frame = frame
        model.showPanel = showPanel
        model.mirrored = mirrored
        model.modelName = "fixed-test-model"
        configure(&model)
        let face = TrackedFace(id: 7, box: Self.box, probabilities: Self.surprised, classifications: 1)
        model.result = LiveResult(frame: frame, finishedAt: 0, faces: [face], detectSeconds: 0, classifySeconds: 0)
        let drawn = try screen.draw(model, on: canvas)
        return (try canvas.readPixels(), drawn, model)
    }

    @Test func boxPixelsSitExactlyOnTheFaceEdges() throws {
        let (image, drawn, _) = try render()
        let color = Theme.color(for: .surprise)
        let b = Self.box
        #expect(drawn.first?.screenBox == PixelRect(x: b.x, y: b.y, width: b.width, height: b.height))
        // Left and right edges at x and x+w-1, bottom edge at y+h-1 (the label covers the top edge).
        for y in stride(from: b.y + 30, to: b.maxY - 1, by: 7) {
            #expect(image[b.x, y] == color, "left edge at x=\(b.x)")
            #expect(image[b.maxX - 1, y] == color, "right edge at x+w-1")
            #expect(image[b.x - 1, y] != color, "nothing left of the box")
            #expect(image[b.maxX, y] != color, "nothing right of the box")
        }
        for x in stride(from: b.x + 1, to: b.maxX - 1, by: 9) {
            #expect(image[x, b.maxY - 1] == color, "bottom edge at y+h-1")
            #expect(image[x, b.maxY] != color, "nothing below the box")
        }
        // The tutorial drew to (x+y, y+h): its right edge would be at x=110. Nothing is drawn there.
        #expect(image[b.x + b.y, b.y + 40] != color)
        #expect(image[b.x + b.width / 2, b.y + b.height / 2] != color, "the box is an outline")
    }

    @Test func labelTextIsDrawnInTheEmotionColour() throws {
        let (image, drawn, _) = try render()
        #expect(drawn.first?.label == "Surprise 80%")
        // The tag sits above the box: a run of the emotion colour with dark text pixels inside it.
        let color = Theme.color(for: .surprise)
        let tagY = Self.box.y - 10
        var tagPixels = 0, textPixels = 0
        for x in Self.box.x..<(Self.box.x + 100) {
            let p = image[x, tagY]
            if p == color { tagPixels += 1 } else if p.luminance < 0.4 { textPixels += 1 }
        }
        #expect(tagPixels > 30, "label background drawn above the box")
        #expect(textPixels > 5, "label glyphs drawn on it")
    }

    @Test func mirroredViewFlipsTheBox() throws {
        let (image, drawn, _) = try render(mirrored: true)
        let b = Self.box
        let left = Self.frameSize.width - b.maxX
        #expect(drawn.first?.screenBox == PixelRect(x: left, y: b.y, width: b.width, height: b.height))
        #expect(image[left, b.y + 40] == Theme.color(for: .surprise))
    }

    @Test func panelShowsTheProbabilitiesOfTheLargestFace() throws {
        let (image, _, _) = try render()
        if let path = ProcessInfo.processInfo.environment["EMOSCOPE_TEST_DUMP"] { try image.writePNG(to: URL(fileURLWithPath: path)) }
        // The surprise bar (the winner) is drawn in full colour somewhere in the panel.
        let color = Theme.color(for: .surprise)
        var found = 0
        for y in 0..<Self.frameSize.height {
            for x in Self.frameSize.width..<image.width where image[x, y] == color { found += 1 }
        }
        #expect(found > 200)
    }

    @Test func panelSaysHowTheModelReadsEachFace() throws {
        // The model section sits below the timeline and the rates: without them it is inside this short frame.
        func compact(_ model: inout LiveViewModel) { model.showTimeline = false; model.showPerformance = false }
        let (plain, _, _) = try render(configure: compact)
        let (withViews, _, _) = try render { compact(&$0); $0.modelViews = TestTimeAugmentation.zoom.summary }
        // Only the panel changes: a line of text under the model's name, the lines below it moved down.
        var frameChanged = 0, panelChanged = 0
        for y in 0..<Self.frameSize.height {
            for x in 0..<plain.width where plain[x, y] != withViews[x, y] {
                if x < Self.frameSize.width { frameChanged += 1 } else { panelChanged += 1 }
            }
        }
        #expect(frameChanged == 0)
        #expect(panelChanged > 100)
    }
}
}

extension SDLSuite {
@Suite struct SnapshotTests {
    @Test func namesNeverCollideAndFilesAreNeverOverwritten() throws {
        let folder = try TestData.temporaryDirectory("snap")
        defer { try? FileManager.default.removeItem(at: folder) }
        let writer = SnapshotWriter(directory: folder)
        let date = Date(timeIntervalSince1970: 1_700_000_000)
        let base = SnapshotWriter.baseName(for: date)
        #expect(base.hasPrefix("emoscope-2023-11-1"))
        // Someone's own file already holds the first name.
        let existing = folder.appendingPathComponent(base + ".png")
        try Data("not ours".utf8).write(to: existing)
        let image = BGRAImage(width: 4, height: 4, fill: Color(hex: 0x123456))
        var urls: [URL] = []
        for _ in 0..<3 {
            urls.append(try writer.save(image, at: date) { SnapshotRecord(time: date, source: "test", model: nil, image: $0,
                                                                           imageSize: Size(width: 4, height: 4), frameSize: nil,
                                                                           mirrored: false, drawn: []) })
        }
        #expect(urls.map(\.lastPathComponent) == [base + "-2.png", base + "-3.png", base + "-4.png"])
        #expect(try Data(contentsOf: existing) == Data("not ours".utf8), "the existing file is untouched")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(names.count == 7, "3 PNG + 3 JSON + the existing file, no temporary files: \(names)")
        #expect(!names.contains { $0.hasPrefix(".") })
    }

    @Test func jsonMatchesWhatWasDrawn() throws {
        let folder = try TestData.temporaryDirectory("snapjson")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (image, drawn, model) = try SDLSuite.RenderingTests().render()
        let url = try SnapshotWriter(directory: folder).save(image) {
            SnapshotRecord(time: Date(), source: model.sourceDescription, model: model.modelName, image: $0,
                           imageSize: Size(width: image.width, height: image.height), frameSize: SDLSuite.RenderingTests.frameSize,
                           mirrored: false, drawn: drawn)
        }
        let json = url.deletingPathExtension().appendingPathExtension("json")
        let record = try JSONDecoder().decode(SnapshotRecord.self, from: Data(contentsOf: json))
        #expect(record.image == url.lastPathComponent)
        #expect(record.model == "fixed-test-model")
        #expect(record.faces.count == 1)
        let face = try #require(record.faces.first)
        #expect(face.trackID == 7)
        #expect(face.label == "Surprise 80%")
        #expect(face.emotion == "surprise")
        #expect(face.box == .init(x: 60, y: 50, width: 100, height: 80))
        #expect(face.probabilities["surprise"] == 0.80)
        #expect(face.probabilities.count == 7)
        // The PNG holds the very pixels drawn, box included at the recorded screen position.
        let saved = try BGRAImage(contentsOf: url)
        #expect(saved == image)
        #expect(saved[face.screenBox.x, face.screenBox.y + 40] == Theme.color(for: .surprise))
    }
}
}
