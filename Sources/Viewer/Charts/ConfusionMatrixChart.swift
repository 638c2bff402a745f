import Imaging
import Graphics
import Expression

/// The confusion matrix as a heat-map: rows are the true class, columns the prediction; each cell shows its
/// count and its share of the row, and is shaded by that share (lighter = larger) so that a rare class such
/// as disgust reads as clearly as a common one. Precision and F1 per class run under the grid.
public struct ConfusionMatrixChart: Chart {
    public let matrix: ConfusionMatrix
    public let classNames: [String]
    public let title: String
    public let cellSize: Int
    public let size: Size

    static let margin = 28
    static let labelColumn = 150
    static let gridTop = 150
    static let legendWidth = 86
    static let footerRows = 2

    /// - classNames: one per class in the matrix's order (Emotion titles when they are emotions).
    public init(matrix: ConfusionMatrix, classNames: [String]? = nil, title: String, cellSize: Int = 84) {
        self.matrix = matrix
        self.classNames = classNames ?? (0..<matrix.classCount).map {
            Emotion(rawValue: $0)?.title ?? "class \($0)"
        }
        self.title = title
        self.cellSize = cellSize
        let n = matrix.classCount
        size = Size(width: Self.margin + Self.labelColumn + n * cellSize + Theme.spacingXL + Self.legendWidth + Self.margin,
                    height: Self.gridTop + n * cellSize + Theme.spacingM + Self.footerRows * 24 + Self.margin)
    }

    /// Where the cell of (true class, predicted class) is drawn.
    public func cellRect(truth: Int, prediction: Int) -> PixelRect {
        PixelRect(x: Self.margin + Self.labelColumn + prediction * cellSize, y: Self.gridTop + truth * cellSize,
             width: cellSize, height: cellSize)
    }

    /// Share of the true class's faces that landed in this cell (0 for a class with no faces).
    public func rowShare(truth: Int, prediction: Int) -> Double {
        let support = matrix.support(truth)
        return support == 0 ? 0 : Double(matrix.counts[truth][prediction]) / Double(support)
    }

    /// The heat-map ramp: from just above the panel colour through deep blue to the accent and near white,
    /// rising in lightness all the way so that order is kept in gray too.
    public static func shade(_ share: Double) -> Color {
        let stops: [(Double, Color)] = [
            (0, Color(hex: 0x20242C)), (0.15, Color(hex: 0x1D3553)), (0.45, Color(hex: 0x2A6CB8)),
            (0.75, Color(hex: 0x5AA9FF)), (1, Color(hex: 0xD4EAFF)),
        ]
        let t = share.isFinite ? min(max(share, 0), 1) : 0
        for i in 1..<stops.count where t <= stops[i].0 {
            let (t0, c0) = stops[i - 1], (t1, c1) = stops[i]
            return c0.mixed(with: c1, amount: (t - t0) / (t1 - t0))
        }
        return stops[stops.count - 1].1
    }

    public func draw(on canvas: Canvas) throws {
        let fonts = try ChartFonts()
        let m = Self.margin, n = matrix.classCount
        canvas.clear(Theme.background)

        // Title block: what was evaluated, then the two numbers people look for.
        canvas.text(fonts.title.fitting(title, width: size.width - 2 * m), font: fonts.title, color: Theme.text, x: m, y: 20)
        var x = m
        for (name, value) in [("accuracy", matrix.accuracy), ("macro-F1", matrix.macroF1)] {
            let drawn = canvas.text(name + " ", font: fonts.label, color: Theme.textDim, x: x, y: 56)
            let number = canvas.text(ChartFormat.percent(value), font: fonts.value, color: Theme.text, x: drawn.maxX, y: 55)
            x = number.maxX + Theme.spacingXL
        }
        // How far the accuracy could be from this split's by chance: a few faces' difference is noise.
        canvas.text(AccuracyInterval(correct: matrix.correct, total: matrix.total).description, font: fonts.tick,
                    color: Theme.textDim, x: m, y: 80)
        canvas.text("\(ChartFormat.count(matrix.total)) faces  ·  cells: count and share of the true class",
                    font: fonts.label, color: Theme.textDim, x: x, y: 56)

        let grid = PixelRect(x: m + Self.labelColumn, y: Self.gridTop, width: n * cellSize, height: n * cellSize)
        canvas.text("predicted class", font: fonts.tick, color: Theme.textDim, x: grid.midX, y: Self.gridTop - 54, align: .center)
        canvas.text("true class", font: fonts.tick, color: Theme.textDim, x: grid.x - Theme.spacingM,
                    y: Self.gridTop - 28, align: .right)
        for c in 0..<n {
            let column = cellRect(truth: 0, prediction: c)
            canvas.text(classNames[c], font: fonts.labelBold, color: labelColor(c), x: column.midX,
                        y: Self.gridTop - 30, align: .center)
            let row = cellRect(truth: c, prediction: 0)
            canvas.text(classNames[c], font: fonts.labelBold, color: labelColor(c), x: grid.x - Theme.spacingM,
                        y: row.midY - 19, align: .right)
            canvas.text("\(ChartFormat.count(matrix.support(c))) faces", font: fonts.tick, color: Theme.textDim,
                        x: grid.x - Theme.spacingM, y: row.midY + 2, align: .right)
        }

        for t in 0..<n {
            for p in 0..<n {
                let cell = cellRect(truth: t, prediction: p).insetBy(dx: 1, dy: 1)
                let share = rowShare(truth: t, prediction: p)
                let background = Self.shade(share)
                canvas.fill(cell, background)
                let ink = Theme.textColor(on: background)
                let count = matrix.counts[t][p]
                canvas.text(ChartFormat.count(count), font: fonts.value, color: count == 0 ? ink.withAlpha(110) : ink,
                            x: cell.midX, y: cell.midY - 21, align: .center)
                canvas.text(ChartFormat.percent(share), font: fonts.tick, color: ink.withAlpha(count == 0 ? 90 : 200),
                            x: cell.midX, y: cell.midY + 3, align: .center)
            }
            // The diagonal (correct answers) framed, so the eye finds recall at once.
            canvas.stroke(cellRect(truth: t, prediction: t), Theme.text.withAlpha(200), thickness: 2)
        }

        // Precision and F1 per predicted class, under their columns.
        for (row, (name, metric)) in [("precision", matrix.precision), ("F1", matrix.f1)].enumerated() {
            let y = grid.maxY + Theme.spacingM + row * 24
            canvas.text(name, font: fonts.tick, color: Theme.textDim, x: grid.x - Theme.spacingM, y: y, align: .right)
            for c in 0..<n {
                canvas.text(ChartFormat.percent(metric(c)), font: fonts.tick, color: Theme.text,
                            x: cellRect(truth: 0, prediction: c).midX, y: y, align: .center)
            }
        }

        drawLegend(on: canvas, fonts: fonts, beside: grid)
    }

    private func labelColor(_ c: Int) -> Color {
        Emotion(rawValue: c).map(Theme.color(for:)) ?? Theme.text
    }

    /// A vertical colour bar from 0% (bottom) to 100% (top) with ticks every 25%.
    private func drawLegend(on canvas: Canvas, fonts: ChartFonts, beside grid: PixelRect) {
        let bar = PixelRect(x: grid.maxX + Theme.spacingXL, y: grid.y, width: 16, height: grid.height)
        for row in 0..<bar.height {
            let share = 1 - Double(row) / Double(max(bar.height - 1, 1))
            canvas.fill(PixelRect(x: bar.x, y: bar.y + row, width: bar.width, height: 1), Self.shade(share))
        }
        for tick in stride(from: 0, through: 100, by: 25) {
            let y = bar.maxY - 1 - Int((Double(tick) / 100 * Double(bar.height - 1)).rounded())
            canvas.fill(PixelRect(x: bar.maxX, y: y, width: 4, height: 1), Theme.textDim)
            canvas.text("\(tick)%", font: fonts.tick, color: Theme.textDim, in: PixelRect(x: bar.maxX + 8, y: y - 10, width: 60, height: 20))
        }
        canvas.text("of row", font: fonts.tick, color: Theme.textDim, x: bar.x, y: Self.gridTop - 28)
    }
}
