import Imaging

/// The inner rectangle of a plot and the two scales that map data into it; draws the grid, ticks and
/// tick labels the same way for every chart.
public struct PlotArea: Sendable {
    public let rect: PixelRect
    public let x: AxisScale
    public let y: AxisScale

    public init(rect: PixelRect, x: AxisScale, y: AxisScale) {
        self.rect = rect
        self.x = x
        self.y = y
    }

    /// Pixel column of `value` on the x axis (fractional: curves are drawn antialiased).
    public func px(_ value: Double) -> Double { Double(rect.x) + x.fraction(value) * Double(rect.width - 1) }
    /// Pixel row of `value` on the y axis; larger values are higher up.
    public func py(_ value: Double) -> Double { Double(rect.maxY - 1) - y.fraction(value) * Double(rect.height - 1) }

    /// Horizontal grid lines at the y ticks with their labels on the left, the baseline, and x tick marks
    /// with labels below (when `xLabel` is given).
    public func drawAxes(on canvas: Canvas, fonts: ChartFonts, yLabel: (Double) -> String, xLabel: ((Double) -> String)?) {
        for tick in y.ticks {
            let row = Int(py(tick).rounded())
            canvas.fill(PixelRect(x: rect.x, y: row, width: rect.width, height: 1), Theme.divider)
            canvas.text(yLabel(tick), font: fonts.tick, color: Theme.textDim,
                        in: PixelRect(x: rect.x - 60, y: row - 10, width: 60 - Theme.spacingS, height: 20), align: .right)
        }
        canvas.fill(PixelRect(x: rect.x, y: rect.maxY - 1, width: rect.width, height: 1), Theme.textFaint)
        guard let xLabel else { return }
        for tick in x.ticks {
            let column = Int(px(tick).rounded())
            canvas.fill(PixelRect(x: column, y: rect.maxY, width: 1, height: 5), Theme.textFaint)
            canvas.text(xLabel(tick), font: fonts.tick, color: Theme.textDim, x: column, y: rect.maxY + 7, align: .center)
        }
    }
}
