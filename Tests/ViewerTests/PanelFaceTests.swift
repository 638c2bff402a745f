import Imaging
import Live
import Testing
import Viewer

/// The side panel follows one face: the one clicked, else the largest, which keeps the panel (with its bars,
/// timeline and why map) until another face is clearly larger, not whenever two faces of about one size
/// differ by a few pixels.
struct PanelFaceTests {
    private static let frame = Frame(image: BGRAImage(width: 64, height: 48, fill: Color(hex: 0x000000)), sequence: 1, capturedAt: 0)

    private static func result(_ sides: [Int: Int]) -> LiveResult {
        let faces = sides.sorted { $0.key < $1.key }.map { id, side in
            TrackedFace(id: id, box: PixelRect(x: id * 10, y: 0, width: side, height: side),
                        probabilities: [Float](repeating: 1 / 7, count: 7))
        }
        return LiveResult(frame: frame, finishedAt: 0, faces: faces, detectSeconds: 0, classifySeconds: 0)
    }

    @Test func facesOfAboutOneSizeDoNotTakeTurns() {
        var model = LiveViewModel(sourceDescription: "test")
        model.result = Self.result([1: 100, 2: 96])
        #expect(model.panelFace?.id == 1)
        for round in 0..<10 {
            model.result = Self.result(round.isMultiple(of: 2) ? [1: 97, 2: 101] : [1: 100, 2: 96])
            #expect(model.panelFace?.id == 1, "round \(round)")
        }
        // Clearly larger (a third more area) takes the panel, and keeps it the same way.
        model.result = Self.result([1: 100, 2: 116])
        #expect(model.panelFace?.id == 2)
        model.result = Self.result([1: 104, 2: 100])
        #expect(model.panelFace?.id == 2)
    }

    @Test func aClickedFaceWinsAndALeavingFaceGivesWay() {
        var model = LiveViewModel(sourceDescription: "test")
        model.result = Self.result([1: 100, 2: 50, 3: 80])
        model.selectedFaceID = 2
        #expect(model.panelFace?.id == 2)
        model.selectedFaceID = nil
        #expect(model.panelFace?.id == 1)
        model.result = Self.result([2: 50, 3: 80])
        #expect(model.panelFace?.id == 3)
        model.result = nil
        #expect(model.panelFace == nil)
    }
}
