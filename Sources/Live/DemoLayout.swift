import Foundation
import Imaging

/// Where the demo scene's faces are: one cell each on the grid that gives the largest faces in the frame, each
/// face wandering inside its own cell (a short last row centred), so that faces never cover one another and
/// the detector can find every one of them, however many there are.
public struct DemoLayout: Sendable, Equatable {
    public let frame: Size
    public let count: Int
    public let columns: Int
    public let rows: Int
    /// Side of every face's square.
    public let faceSide: Int

    public init(frame: Size, count: Int, largestFace: Int = 150) {
        let count = max(1, count)
        var best = (columns: 1, rows: count, side: 0)
        for columns in 1...count {
            let rows = (count + columns - 1) / columns
            let cell = min(frame.width / columns, frame.height / rows)
            let side = min(largestFace, cell * 4 / 5)
            // On a tie the later grid wins: more columns, fewer rows, as a landscape frame suggests.
            if side >= best.side { best = (columns, rows, side) }
        }
        self.frame = frame
        self.count = count
        columns = best.columns
        rows = best.rows
        faceSide = best.side
    }

    /// Face `slot`'s square `seconds` into the scene.
    public func place(_ slot: Int, at seconds: Double) -> PixelRect {
        let cellWidth = frame.width / columns, cellHeight = frame.height / rows
        let row = slot / columns, column = slot % columns
        let inRow = row == rows - 1 ? count - row * columns : columns
        let centreX = (columns - inRow) * cellWidth / 2 + column * cellWidth + cellWidth / 2
        let centreY = row * cellHeight + cellHeight / 2
        let swayX = min(40, (cellWidth - faceSide) / 2), swayY = min(90, (cellHeight - faceSide) / 2)
        let x = centreX + Int(Double(swayX) * sin(seconds * 0.9 + Double(slot) * 2.1)) - faceSide / 2
        let y = centreY + Int(Double(swayY) * sin(seconds * 0.6 + Double(slot) * 1.3)) - faceSide / 2
        return PixelRect(x: x, y: y, width: faceSide, height: faceSide)
    }
}
