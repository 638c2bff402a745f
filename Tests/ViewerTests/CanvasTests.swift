import Imaging
import Live
import Foundation
import Graphics
import Testing
import TestSupport

/// SDL drawing on an offscreen software renderer: no display needed. Serialized because SDL is not thread-safe.
extension SDLSuite {
@Suite struct CanvasTests {
    @Test func strokeCoversExactlyTheRectangleEdges() throws {
        let canvas = try Canvas(offscreenWidth: 64, height: 48)
        canvas.clear(Color(hex: 0x000000))
        let box = PixelRect(x: 10, y: 6, width: 30, height: 20)
        let red = Color(hex: 0xFF0000)
        canvas.stroke(box, red, thickness: 2)
        let image = try canvas.readPixels()
        #expect(image[10, 6] == red)          // top-left corner
        #expect(image[39, 25] == red)         // bottom-right corner: x+w-1, y+h-1
        #expect(image[11, 15] == red)         // inside the 2-px band
        #expect(image[12, 15] != red)         // interior stays clear
        #expect(image[9, 15] != red)          // nothing left of x
        #expect(image[40, 15] != red)         // nothing at x+w
        #expect(image[20, 26] != red)         // nothing at y+h
    }

    @Test func textIsDrawnAndMeasured() throws {
        let canvas = try Canvas(offscreenWidth: 200, height: 40)
        canvas.clear(Color(hex: 0x000000))
        let font = try Font(size: 16)
        let drawn = canvas.text("Happy 93%", font: font, color: Color(hex: 0xFFFFFF), x: 4, y: 4)
        #expect(drawn.width == font.measure("Happy 93%").width)
        #expect(drawn.width > 40)
        let image = try canvas.readPixels()
        var lit = 0
        for y in drawn.y..<drawn.maxY { for x in drawn.x..<drawn.maxX where image[x, y].r > 128 { lit += 1 } }
        #expect(lit > 50, "text pixels should be drawn inside the text's rectangle")
        #expect(image[150, 20].r == 0, "nothing drawn beyond the text")
    }

    /// A title too long for its chart ends in "…" inside the width, keeping as much of its start as fits.
    @Test func longTextIsCutToFit() throws {
        let font = try Font(size: 16)
        let title = "Confusion matrix · emoscope-compact.safetensors on test, faces found"
        #expect(font.fitting("Happy 93%", width: 200) == "Happy 93%")
        let cut = font.fitting(title, width: 200)
        #expect(cut.hasSuffix("…") && title.hasPrefix(String(cut.dropLast())))
        #expect(font.measure(cut).width <= 200)
        let longer = String(title.prefix(cut.count)) + "…"
        #expect(font.measure(longer).width > 200, "one more character would not fit")
    }

    @Test func pngIsWrittenAtomicallyAndDecodesToTheSamePixels() throws {
        let folder = try TestData.temporaryDirectory("png")
        defer { try? FileManager.default.removeItem(at: folder) }
        var image = BGRAImage(width: 5, height: 3, fill: Color(hex: 0x336699))
        image.pixels[0] = 7
        let url = folder.appendingPathComponent("out.png")
        try image.writePNG(to: url)
        let back = try BGRAImage(contentsOf: url)
        #expect(back == image)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(leftovers == ["out.png"], "no temporary file remains")
    }

    @Test func aspectFitLetterboxes() {
        let area = PixelRect(x: 0, y: 0, width: 800, height: 400)
        #expect(area.aspectFit(Size(width: 640, height: 480)) == PixelRect(x: 133, y: 0, width: 533, height: 400))
    }
}
}
