import Imaging
import Graphics
import Expression

/// Loss and accuracy per epoch, training and validation, side by side: the picture `emoscope train` keeps
/// up to date beside its log, and the model card shows.
public struct TrainingCurvesChart: Chart {
    public static let trainColor = Theme.accent
    public static let validationColor = Theme.warning
    public static let photosColor = Color(hex: 0xC792EA)

    public let history: [EpochRecord]
    public let title: String
    public let size: Size
    /// The loss plot (x: epoch, y: loss) and the accuracy plot (x: epoch, y: accuracy in percent).
    public let loss: PlotArea
    public let accuracy: PlotArea

    private static let margin = 28
    private static let top = 96

    public init(history: [EpochRecord], title: String, size: Size = Size(width: 1200, height: 560)) {
        self.history = history.sorted { $0.epoch < $1.epoch }
        self.title = title
        self.size = size
        let epochs = AxisScale.epochs(self.history.last?.epoch ?? 1)
        let losses = self.history.flatMap { [$0.trainLoss, $0.validationLoss] }
        let accuracies = self.history.flatMap { [$0.trainAccuracy * 100, $0.validationAccuracy * 100] }
            + self.history.compactMap { $0.photoAccuracy.map { $0 * 100 } }
        let panels = TrainingCurvesChart.panelRects(size: size)
        loss = PlotArea(rect: TrainingCurvesChart.plotRect(in: panels.0), x: epochs,
                        y: AxisScale(covering: losses, limits: 0...Double.greatestFiniteMagnitude, padding: 0.04))
        accuracy = PlotArea(rect: TrainingCurvesChart.plotRect(in: panels.1), x: epochs,
                            y: AxisScale(covering: accuracies, limits: 0...100, padding: 0.04))
    }

    private static func panelRects(size: Size) -> (PixelRect, PixelRect) {
        let gap = Theme.spacingL + 4
        let width = (size.width - 2 * margin - gap) / 2
        let height = size.height - top - margin
        return (PixelRect(x: margin, y: top, width: width, height: height),
                PixelRect(x: margin + width + gap, y: top, width: width, height: height))
    }

    /// Room inside a panel for its heading, the tick labels on the left and the epoch axis below.
    private static func plotRect(in panel: PixelRect) -> PixelRect {
        PixelRect(x: panel.x + 68, y: panel.y + 56, width: panel.width - 68 - 24, height: panel.height - 56 - 58)
    }

    public func draw(on canvas: Canvas) throws {
        let fonts = try ChartFonts()
        canvas.clear(Theme.background)
        drawHeader(on: canvas, fonts: fonts)
        let (lossPanel, accuracyPanel) = TrainingCurvesChart.panelRects(size: size)
        try drawPanel(on: canvas, fonts: fonts, panel: lossPanel, area: loss, heading: "Loss",
                      caption: "cross-entropy", yLabel: { loss.y.label($0) },
                      series: [(history.map(\.trainLoss), Self.trainColor), (history.map(\.validationLoss), Self.validationColor)])
        try drawPanel(on: canvas, fonts: fonts, panel: accuracyPanel, area: accuracy, heading: "Accuracy",
                      caption: "% of faces classified correctly", yLabel: { accuracy.y.label($0) + "%" },
                      series: [(history.map { $0.trainAccuracy * 100 }, Self.trainColor),
                               (history.map { $0.validationAccuracy * 100 }, Self.validationColor)]
                          + (hasPhotos ? [(history.map { ($0.photoAccuracy ?? .nan) * 100 }, Self.photosColor)] : []))
    }

    /// Whether any epoch was also measured on whole photos (`train --photos`).
    public var hasPhotos: Bool { history.contains { $0.photoAccuracy != nil } }

    /// The best validation epoch (as model checkpointing keeps it), if any accuracy is finite.
    public var best: EpochRecord? {
        history.filter { $0.validationAccuracy.isFinite }.max { $0.validationAccuracy < $1.validationAccuracy }
    }

    private func drawHeader(on canvas: Canvas, fonts: ChartFonts) {
        let m = TrainingCurvesChart.margin
        canvas.text(fonts.title.fitting(title, width: size.width - 2 * m), font: fonts.title, color: Theme.text, x: m, y: 22)
        var facts: [String] = []
        if let last = history.last { facts.append(last.epoch == 1 ? "1 epoch" : "\(last.epoch) epochs") }
        if let best { facts.append("best validation accuracy \(ChartFormat.percent(best.validationAccuracy)) at epoch \(best.epoch)") }
        let seconds = history.map(\.seconds).filter(\.isFinite).reduce(0, +)
        if seconds > 0 { facts.append(ChartFormat.duration(seconds) + " of training") }
        if let last = history.last, last.imagesPerSecond.isFinite, last.imagesPerSecond > 0 {
            facts.append("\(ChartFormat.count(Int(last.imagesPerSecond.rounded()))) images/s")
        }
        if history.isEmpty { facts.append("no finished epoch yet") }
        canvas.text(facts.joined(separator: "  ·  "), font: fonts.subtitle, color: Theme.textDim, x: m, y: 56)

        // Legend, right-aligned on the title row.
        let entries = [("train", TrainingCurvesChart.trainColor), ("validation", TrainingCurvesChart.validationColor)]
            + (hasPhotos ? [("photos", TrainingCurvesChart.photosColor)] : [])
        let widths = entries.map { fonts.label.measure($0.0).width + 28 + Theme.spacingL }
        var x = size.width - m - widths.reduce(0, +) + Theme.spacingL
        for (i, (name, color)) in entries.enumerated() {
            canvas.fillRoundedRect(PixelRect(x: x, y: 34, width: 20, height: 4), radius: 2, color)
            canvas.text(name, font: fonts.label, color: Theme.text, in: PixelRect(x: x + 28, y: 26, width: 200, height: 20))
            x += widths[i]
        }
    }

    private func drawPanel(on canvas: Canvas, fonts: ChartFonts, panel: PixelRect, area: PlotArea, heading: String,
                           caption: String, yLabel: (Double) -> String, series: [([Double], Color)]) throws {
        canvas.fillRoundedRect(panel, radius: 10, Theme.panel)
        let headingRect = canvas.text(heading, font: fonts.heading, color: Theme.text, x: panel.x + 20, y: panel.y + 16)
        canvas.text(caption, font: fonts.tick, color: Theme.textDim, x: headingRect.maxX + Theme.spacingM, y: panel.y + 19)
        area.drawAxes(on: canvas, fonts: fonts, yLabel: yLabel, xLabel: { String(Int($0)) })
        canvas.text("epoch", font: fonts.tick, color: Theme.textDim, x: area.rect.midX, y: area.rect.maxY + 30, align: .center)
        guard !history.isEmpty else {
            canvas.text("waiting for the first epoch", font: fonts.label, color: Theme.textFaint,
                        in: area.rect, align: .center)
            return
        }

        // The best epoch, marked where it is judged: on the validation accuracy.
        if heading == "Accuracy", let best {
            let column = Int(area.px(Double(best.epoch)).rounded())
            var y = area.rect.y
            while y < area.rect.maxY - 1 {
                canvas.fill(PixelRect(x: column, y: y, width: 1, height: 4), Theme.success.withAlpha(150))
                y += 8
            }
            let label = "best \(ChartFormat.percent(best.validationAccuracy))"
            let width = fonts.tick.measure(label).width
            let left = column + 6 + width <= area.rect.maxX ? column + 6 : column - 6 - width
            canvas.text(label, font: fonts.tick, color: Theme.success, x: left, y: area.rect.y + 2)
        }

        let layer = try SmoothLayer(covering: area.rect.insetBy(dx: -6, dy: -6))
        let epochs = history.map { Double($0.epoch) }
        let showDots = history.count <= 60
        for (values, color) in series {
            // A NaN or infinite value (a diverged step) breaks the line instead of bending the scale.
            var run: [(x: Double, y: Double)] = []
            for (epoch, value) in zip(epochs, values) {
                guard value.isFinite else { layer.polyline(run, color, width: 2.5); run = []; continue }
                let y = min(max(area.py(value), Double(area.rect.y)), Double(area.rect.maxY - 1))
                run.append((area.px(epoch), y))
                if showDots { layer.dot(x: area.px(epoch), y: y, radius: history.count == 1 ? 5 : 3.5, color) }
            }
            layer.polyline(run, color, width: 2.5)
        }
        try layer.composite(onto: canvas)
    }
}
