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

    /// What a click in the confusion view chose: a cell, a true class (its row's label, left of the grid) or a
    /// predicted class (its column's label, above the grid).
    enum ConfusionTarget: Equatable {
        case cell(Emotion, Emotion)
        case row(Emotion)
        case column(Emotion)
    }

    func confusionTarget(at point: Point) -> ConfusionTarget? {
        guard let grid = confusionGrid, confusionCellSide > 0 else { return nil }
        let side = confusionCellSide
        let column = Int((Double(point.x - grid.x) / side).rounded(.down))
        let row = Int((Double(point.y - grid.y) / side).rounded(.down))
        // The labels sit within a cell's width left of the rows and half a cell above the columns.
        if grid.contains(point), let truth = Emotion(rawValue: row), let prediction = Emotion(rawValue: column) {
            return .cell(truth, prediction)
        }
        if point.x < grid.x, Double(grid.x - point.x) < 2 * side, let truth = Emotion(rawValue: row), point.y >= grid.y {
            return .row(truth)
        }
        if point.y < grid.y, Double(grid.y - point.y) < side / 2, let prediction = Emotion(rawValue: column), point.x >= grid.x {
            return .column(prediction)
        }
        return nil
    }
}
