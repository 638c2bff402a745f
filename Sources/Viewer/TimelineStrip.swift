import Expression
import Graphics
import Imaging
import Live

/// The followed face's seven probabilities over the last 30 s, under the bars: a line per emotion in its
/// colour, now at the right edge. When the face's track ends, the chart stops and says so.
struct TimelineStrip {
    let fonts: Fonts
    static let height = 96

    func draw(_ timeline: LiveViewModel.Timeline, x: Int, y: Int, width: Int, on canvas: Canvas) -> Int {
        let title: String
        switch (timeline.track, timeline.ended) {
        case (nil, _): title = "Timeline"
        case let (id?, false): title = "Face #\(id), last \(Int(timeline.window)) s"
        case let (id?, true): title = "Face #\(id) left the view"
        }
        canvas.text(title.uppercased(), font: fonts.small, color: timeline.ended ? Theme.warning : Theme.textDim, x: x, y: y)
        let chart = PixelRect(x: x, y: y + fonts.small.lineHeight + Theme.spacingS, width: width, height: Self.height)
        canvas.fill(chart, Theme.panelRaised)
        canvas.fill(PixelRect(x: chart.x, y: chart.midY, width: chart.width, height: 1), Theme.divider) // 50 %
        if timeline.samples.count >= 2 {
            let start = timeline.now - timeline.window
            // About one point every 2 pixels: enough for the eye, cheap to draw 60 times a second.
            let step = max(1, timeline.samples.count / max(1, width / 2))
            let points = stride(from: 0, to: timeline.samples.count, by: step).map { timeline.samples[$0] }
            for emotion in Emotion.allCases {
                let line = points.map { sample in
                    Point(x: chart.x + Int((sample.time - start) / timeline.window * Double(chart.width - 1)),
                          y: chart.maxY - 1 - Int(Double(sample.probabilities[emotion.rawValue]) * Double(chart.height - 2)))
                }
                canvas.polyline(line, Theme.color(for: emotion), thickness: 2)
            }
        } else {
            canvas.text(timeline.track == nil ? "No face in view" : "Collecting…", font: fonts.small,
                        color: Theme.textFaint, in: chart, align: .center)
        }
        canvas.text("−\(Int(timeline.window)) s", font: fonts.small, color: Theme.textFaint, x: chart.x, y: chart.maxY + 2)
        canvas.text("now", font: fonts.small, color: Theme.textFaint, x: chart.maxX, y: chart.maxY + 2, align: .right)
        return chart.maxY + 2 + fonts.small.lineHeight
    }
}
