import Expression
import Imaging

/// Where the browser drew its parts last frame, for mouse hit-testing.
struct BrowserLayout {
    var chips: [(rect: PixelRect, emotion: Emotion?)] = []
    var splitChips: [(rect: PixelRect, split: String)] = []
    var grid = PixelRect(x: 0, y: 0, width: 0, height: 0)
    var cell = 80
    var columns = 1
    var rows = 1
    /// The confusion matrix's grid on screen and the side of one cell there (rows: true class, columns: predicted).
    var confusionGrid: PixelRect?
    var confusionCellSide = 1.0
    /// Thumbnails drawn in the last frame.
    var thumbnailsDrawn = 0

    func confusionCell(at point: Point) -> (Emotion, Emotion)? {
        guard let grid = confusionGrid, grid.contains(point), confusionCellSide > 0 else { return nil }
        let column = Int(Double(point.x - grid.x) / confusionCellSide)
        let row = Int(Double(point.y - grid.y) / confusionCellSide)
        guard let truth = Emotion(rawValue: row), let prediction = Emotion(rawValue: column) else { return nil }
        return (truth, prediction)
    }
}
