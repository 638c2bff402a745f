import Expression
import Graphics
import Imaging
import Live

/// Each face's seven probabilities over time, one panel per face (the longest-seen first), lines in the
/// emotions' colours: the picture `emoscope analyze --plot` writes beside its CSV.
public struct EmotionTimelineChart: Chart {
    public static let maximumPanels = 6
    public let tracks: [TrackSummary.Track]
    public let title: String
    public let size: Size
    public let plots: [PlotArea]

    private static let margin = 28, top = 96, panelHeight = 200, gap = 16

    public init(tracks: [TrackSummary.Track], title: String, width: Int = 1200) {
        self.tracks = Array(tracks.sorted { $0.frames > $1.frames }.prefix(Self.maximumPanels))
        self.title = title
        let count = max(1, self.tracks.count)
        size = Size(width: width, height: Self.top + count * (Self.panelHeight + Self.gap) + Self.margin - Self.gap)
        let times = self.tracks.flatMap { [$0.firstTime, $0.lastTime] }
        let x = AxisScale(covering: times.isEmpty ? [0, 1] : times, includingZero: true, padding: 0)
        let y = AxisScale(lower: 0, upper: 100, ticks: [0, 50, 100])
        plots = (0..<count).map { i in
            let panel = Self.panelRect(i, width: width)
            return PlotArea(rect: PixelRect(x: panel.x + 60, y: panel.y + 40, width: panel.width - 60 - 24,
                                            height: panel.height - 40 - 44), x: x, y: y)
        }
    }

    private static func panelRect(_ i: Int, width: Int) -> PixelRect {
        PixelRect(x: margin, y: top + i * (panelHeight + gap), width: width - 2 * margin, height: panelHeight)
    }

    public func draw(on canvas: Canvas) throws {
        let fonts = try ChartFonts()
        canvas.clear(Theme.background)
        let subtitle = tracks.isEmpty ? "no face was classified"
            : "\(tracks.count) face\(tracks.count == 1 ? "" : "s") · probability of each emotion over time"
        canvas.text(subtitle, font: fonts.subtitle, color: Theme.textDim, x: Self.margin, y: 56)
        var x = size.width - Self.margin
        for emotion in Emotion.allCases.reversed() {
            let width = fonts.tick.measure(emotion.title).width
            x -= width
            canvas.text(emotion.title, font: fonts.tick, color: Theme.color(for: emotion), x: x, y: 30)
            x -= 26
            canvas.fillRoundedRect(PixelRect(x: x, y: 36, width: 18, height: 4), radius: 2, Theme.color(for: emotion))
            x -= Theme.spacingM
        }
        // The legend holds the top right; a long file name in the title stops short of it.
        canvas.text(fonts.title.fitting(title, width: x - Theme.spacingL - Self.margin), font: fonts.title, color: Theme.text,
                    x: Self.margin, y: 22)
        for (i, track) in tracks.enumerated() {
            let panel = Self.panelRect(i, width: size.width), area = plots[i]
            canvas.fillRoundedRect(panel, radius: 10, Theme.panel)
            let face = "Face #\(track.track)", facts = " · \(track.frames) frame\(track.frames == 1 ? "" : "s") · mostly \(track.dominantEmotion)"
            // A long file name gives way; the face's number and facts always show.
            let room = panel.width - 40 - fonts.heading.measure(face + facts).width
            let name = track.file.map { fonts.heading.fitting(" · " + ($0.split(separator: "/").last.map(String.init) ?? $0), width: room) } ?? ""
            canvas.text(face + name + facts, font: fonts.heading, color: Theme.text, x: panel.x + 20, y: panel.y + 12)
            area.drawAxes(on: canvas, fonts: fonts, yLabel: { area.y.label($0) + "%" }, xLabel: { area.x.label($0) + " s" })
            let layer = try SmoothLayer(covering: area.rect.insetBy(dx: -4, dy: -4))
            for emotion in Emotion.allCases {
                let color = Theme.color(for: emotion)
                // A moment seen alone has no line to draw: it shows as a dot.
                func draw(_ run: [(x: Double, y: Double)]) {
                    if run.count == 1 { layer.dot(x: run[0].x, y: run[0].y, radius: 2.5, color) } else { layer.polyline(run, color, width: 2) }
                }
                var run: [(x: Double, y: Double)] = []
                var last = -Double.infinity
                for point in track.series {
                    // A gap of over a second (the face was not seen) breaks the line.
                    if point.time - last > 1 { draw(run); run = [] }
                    last = point.time
                    run.append((area.px(point.time), area.py(Double(point.probabilities[emotion.rawValue]) * 100)))
                }
                draw(run)
            }
            try layer.composite(onto: canvas)
        }
    }
}
