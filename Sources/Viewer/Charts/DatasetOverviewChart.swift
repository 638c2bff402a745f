import Imaging
import Graphics
import Expression
import Foundation

/// One picture of a dataset: a bar chart of faces per class for every split (bars in the emotions'
/// colours, counts on top), then a grid of sample faces per class, enlarged without smoothing so the
/// 48x48 pixels stay as the network sees them.
public struct DatasetOverviewChart: Chart {
    public struct SplitCounts: Sendable {
        public let name: String
        /// Faces per class, indexed by `Emotion.rawValue`.
        public let classCounts: [Int]
        public init(name: String, classCounts: [Int]) { self.name = name; self.classCounts = classCounts }
        public var total: Int { classCounts.reduce(0, +) }
    }

    public let title: String
    public let subtitle: String
    public let splits: [SplitCounts]
    /// Faces per class (indexed by `Emotion.rawValue`); the first `samplesPerClass` of each are shown.
    public let samples: [[GrayImage]]
    public let samplesSplit: String
    public let samplesPerClass: Int
    public let faceScale: Int
    public let size: Size
    /// One bar plot per split, in order: x is the class index, y the number of faces.
    public let barPlots: [PlotArea]

    static let margin = 28
    static let barsTop = 124
    static let barPanelHeight = 380
    static let labelColumn = 168
    static let faceGap = 8

    public init(title: String, subtitle: String = "", splits: [SplitCounts], samples: [[GrayImage]],
                samplesSplit: String? = nil, samplesPerClass: Int = 8, faceScale: Int = 2, width: Int? = nil) {
        self.title = title
        self.subtitle = subtitle
        self.splits = splits
        self.samples = samples
        self.samplesSplit = samplesSplit ?? splits.first?.name ?? ""
        self.samplesPerClass = samplesPerClass
        self.faceScale = faceScale
        let face = LabeledFaces.side * faceScale
        let gridWidth = Self.labelColumn + samplesPerClass * (face + Self.faceGap) - Self.faceGap
        // As wide as the face grid (at least 900 px, so bar panels of three splits still breathe).
        let width = max(width ?? 0, 2 * Self.margin + gridWidth, 900)
        let rows = Emotion.allCases.count
        size = Size(width: width, height: Self.barsTop + Self.barPanelHeight + 78 + rows * (face + Self.faceGap) + Self.margin)

        let gap = Theme.spacingL + 4
        let count = max(splits.count, 1)
        let panelWidth = (width - 2 * Self.margin - (count - 1) * gap) / count
        barPlots = splits.enumerated().map { i, split in
            let panel = PixelRect(x: Self.margin + i * (panelWidth + gap), y: Self.barsTop, width: panelWidth, height: Self.barPanelHeight)
            let rect = PixelRect(x: panel.x + 68, y: panel.y + 72, width: panel.width - 68 - 20, height: panel.height - 72 - 44)
            let classes = Double(Emotion.allCases.count)
            return PlotArea(rect: rect, x: AxisScale(lower: 0, upper: classes, ticks: []),
                            y: AxisScale(covering: split.classCounts.map(Double.init), includingZero: true, targetTicks: 6))
        }
    }

    /// The chart of what `data stats` found.
    public init(stats: DatasetStats, samplesPerClass: Int = 8) {
        let root = URL(fileURLWithPath: stats.root)
        let total = stats.splits.reduce(0) { $0 + $1.total }
        var facts = ["\(ChartFormat.count(total)) faces in \(stats.splits.count) split\(stats.splits.count == 1 ? "" : "s")"]
        let undecodable = stats.splits.reduce(0) { $0 + $1.skipped.count }
        facts.append(undecodable == 0 ? "every file decoded" : "\(ChartFormat.count(undecodable)) undecodable files")
        let duplicates = stats.splits.reduce(0) { $0 + $1.duplicates }
        facts.append("\(ChartFormat.count(duplicates)) exact duplicates within splits")
        let shared = stats.overlaps.reduce(0) { $0 + $1.faces }
        if stats.splits.count > 1 { facts.append("\(ChartFormat.count(shared)) shared across splits") }
        self.init(title: "Dataset  \(root.lastPathComponent)", subtitle: facts.joined(separator: "  ·  ") + "  ·  " + root.path,
                  splits: stats.splits.map { SplitCounts(name: $0.name, classCounts: $0.classCounts) },
                  samples: stats.samples, samplesPerClass: samplesPerClass)
    }

    /// The bar of `emotion` in split `split`, as drawn: its top is the count on the plot's scale.
    public func barRect(split: Int, emotion: Emotion) -> PixelRect {
        let plot = barPlots[split]
        let slot = Double(plot.rect.width) / Double(Emotion.allCases.count)
        let barWidth = Int((slot * 0.64).rounded())
        let count = splits[split].classCounts.indices.contains(emotion.rawValue) ? splits[split].classCounts[emotion.rawValue] : 0
        let height = Int((plot.y.fraction(Double(count)) * Double(plot.rect.height - 1)).rounded())
        let x = plot.rect.x + Int((slot * (Double(emotion.rawValue) + 0.5)).rounded()) - barWidth / 2
        return PixelRect(x: x, y: plot.rect.maxY - 1 - height, width: barWidth, height: height)
    }

    /// Where sample `index` of `emotion` is drawn.
    public func sampleRect(emotion: Emotion, index: Int) -> PixelRect {
        let face = LabeledFaces.side * faceScale
        return PixelRect(x: Self.margin + Self.labelColumn + index * (face + Self.faceGap),
                    y: Self.samplesTop + 36 + emotion.rawValue * (face + Self.faceGap), width: face, height: face)
    }

    static var samplesTop: Int { barsTop + barPanelHeight + 30 }

    public func draw(on canvas: Canvas) throws {
        let fonts = try ChartFonts()
        let m = Self.margin
        canvas.clear(Theme.background)
        canvas.text(fonts.title.fitting(title, width: size.width - 2 * m), font: fonts.title, color: Theme.text, x: m, y: 20)
        canvas.text(subtitle, font: fonts.subtitle, color: Theme.textDim, x: m, y: 54)
        canvas.text("Faces per class", font: fonts.heading, color: Theme.text, x: m, y: Self.barsTop - 32)
        for i in splits.indices { drawBars(split: i, on: canvas, fonts: fonts) }
        drawSamples(on: canvas, fonts: fonts, top: Self.samplesTop)
    }

    private func drawBars(split i: Int, on canvas: Canvas, fonts: ChartFonts) {
        let split = splits[i], plot = barPlots[i]
        let panel = PixelRect(x: plot.rect.x - 68, y: Self.barsTop, width: plot.rect.width + 88, height: Self.barPanelHeight)
        canvas.fillRoundedRect(panel, radius: 10, Theme.panel)
        let heading = canvas.text(split.name, font: fonts.heading, color: Theme.text, x: panel.x + 20, y: panel.y + 16)
        var facts = ["\(ChartFormat.count(split.total)) faces"]
        if let smallest = split.classCounts.min(), smallest > 0, let largest = split.classCounts.max() {
            facts.append(String(format: "imbalance %.1fx", Double(largest) / Double(smallest)))
        }
        canvas.text(facts.joined(separator: "  ·  "), font: fonts.tick, color: Theme.textDim,
                    x: heading.maxX + Theme.spacingM, y: panel.y + 19)
        plot.drawAxes(on: canvas, fonts: fonts, yLabel: { ChartFormat.count(Int($0.rounded())) }, xLabel: nil)

        let slot = plot.rect.width / Emotion.allCases.count
        for emotion in Emotion.allCases {
            let bar = barRect(split: i, emotion: emotion)
            let count = split.classCounts.indices.contains(emotion.rawValue) ? split.classCounts[emotion.rawValue] : 0
            canvas.fill(bar, Theme.color(for: emotion))
            canvas.text(ChartFormat.count(count), font: fonts.tick, color: Theme.text, x: bar.midX, y: bar.y - 20, align: .center)
            // Full names when they fit under the bar, else the first three letters.
            let name = fonts.tick.measure(emotion.title).width <= slot - 4 ? emotion.title : String(emotion.title.prefix(3))
            canvas.text(name, font: fonts.tick, color: Theme.textDim, x: bar.midX, y: plot.rect.maxY + 8, align: .center)
        }
    }

    private func drawSamples(on canvas: Canvas, fonts: ChartFonts, top: Int) {
        let m = Self.margin, face = LabeledFaces.side * faceScale
        let heading = canvas.text("Sample faces", font: fonts.heading, color: Theme.text, x: m, y: top)
        if !samplesSplit.isEmpty {
            canvas.text("from \(samplesSplit), shown at \(faceScale)x without smoothing", font: fonts.tick,
                        color: Theme.textDim, x: heading.maxX + Theme.spacingM, y: top + 3)
        }
        let gridTop = top + 36
        for emotion in Emotion.allCases {
            let y = gridTop + emotion.rawValue * (face + Self.faceGap)
            let color = Theme.color(for: emotion)
            canvas.fillRoundedRect(PixelRect(x: m, y: y + face / 2 - 22, width: 6, height: 44), radius: 3, color)
            canvas.text(emotion.title, font: fonts.labelBold, color: color, x: m + 18, y: y + face / 2 - 21)
            let total = splits.first.map { $0.classCounts.indices.contains(emotion.rawValue) ? $0.classCounts[emotion.rawValue] : 0 }
            if let total {
                canvas.text("\(ChartFormat.count(total)) faces", font: fonts.tick, color: Theme.textDim, x: m + 18, y: y + face / 2 + 2)
            }
            let faces = samples.indices.contains(emotion.rawValue) ? samples[emotion.rawValue] : []
            for k in 0..<samplesPerClass {
                let cell = sampleRect(emotion: emotion, index: k)
                guard k < faces.count, let texture = try? canvas.makeTexture(from: BGRAImage(gray: faces[k])) else {
                    canvas.fillRoundedRect(cell, radius: 4, Theme.panel)
                    continue
                }
                texture.setSmoothScaling(false)
                canvas.draw(texture, in: cell)
            }
        }
    }
}
