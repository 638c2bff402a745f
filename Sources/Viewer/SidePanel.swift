import Imaging
import Live
import Expression
import Foundation
import Graphics

/// The panel beside the video: the probabilities of one face, the frame rates and the model in use.
struct SidePanel {
    let fonts: Fonts

    func draw(_ model: LiveViewModel, in rect: PixelRect, on canvas: Canvas) {
        canvas.fill(rect, Theme.panel)
        canvas.fill(PixelRect(x: rect.x, y: rect.y, width: 1, height: rect.height), Theme.divider)
        let inner = rect.insetBy(dx: Theme.spacingL, dy: Theme.spacingL)
        var y = inner.y

        canvas.text("Emoscope", font: fonts.title, color: Theme.text, x: inner.x, y: y)
        y += fonts.title.lineHeight + Theme.spacingXS
        let status = model.paused ? "\(model.sourceDescription) · paused" : model.sourceDescription
        canvas.text(status, font: fonts.small, color: model.paused ? Theme.warning : Theme.textDim, x: inner.x, y: y)
        y += fonts.small.lineHeight + Theme.spacingL

        y = drawProbabilities(model, x: inner.x, y: y, width: inner.width, on: canvas)
        if model.showTimeline {
            y += Theme.spacingL
            y = TimelineStrip(fonts: fonts).draw(model.timeline, x: inner.x, y: y, width: inner.width, on: canvas)
        }
        if model.showPerformance {
            y += Theme.spacingXL
            y = drawRates(model, x: inner.x, y: y, width: inner.width, on: canvas)
        }
        y += Theme.spacingXL
        y = drawModel(model, x: inner.x, y: y, width: inner.width, on: canvas)

        // The key hint only where it does not collide with the content (short windows).
        let hintY = inner.maxY - fonts.small.lineHeight
        if hintY > y + Theme.spacingL {
            canvas.text("h help   s snapshot   Tab dataset", font: fonts.small, color: Theme.textFaint, x: inner.x, y: hintY)
        }
    }

    private func section(_ title: String, x: Int, y: Int, on canvas: Canvas) -> Int {
        canvas.text(title.uppercased(), font: fonts.small, color: Theme.textDim, x: x, y: y)
        return y + fonts.small.lineHeight + Theme.spacingS
    }

    private func drawProbabilities(_ model: LiveViewModel, x: Int, y: Int, width: Int, on canvas: Canvas) -> Int {
        let face = model.panelFace
        let title: String
        if let face {
            title = (face.id == model.selectedFaceID ? "Selected face #\(face.id)" : "Largest face #\(face.id)")
                + (face.adapted ? " · own baseline" : "")
        } else {
            title = model.faces.isEmpty ? "No face in view" : "Faces"
        }
        var y = section(title, x: x, y: y, on: canvas)
        let probabilities = face?.probabilities ?? []
        ProbabilityBars.draw(probabilities, fonts: fonts, x: x, y: y, width: width, on: canvas)
        y += ProbabilityBars.height(fonts: fonts)
        if face != nil && probabilities.isEmpty {
            canvas.text("No model: emotions unavailable", font: fonts.small, color: Theme.warning, x: x, y: y + Theme.spacingXS)
            y += fonts.small.lineHeight + Theme.spacingXS
        }
        return y
    }

    private func drawRates(_ model: LiveViewModel, x: Int, y: Int, width: Int, on canvas: Canvas) -> Int {
        var y = section("Performance", x: x, y: y, on: canvas)
        let latency = model.latencyMilliseconds.map { String(format: "%.0f ms", $0) } ?? "–"
        let rows: [(String, String)] = [
            ("Display", String(format: "%.0f fps", model.renderFPS)),
            ("Capture", String(format: "%.0f fps", model.captureFPS)),
            ("Inference", String(format: "%.0f fps", model.inferenceFPS)),
            ("Faces classified", String(format: "%.0f /s", model.faceRate)),
            ("Latency", latency),
        ]
        for (name, value) in rows {
            canvas.text(name, font: fonts.body, color: Theme.textDim, x: x, y: y)
            canvas.text(value, font: fonts.body, color: Theme.text, x: x + width, y: y, align: .right)
            y += fonts.body.lineHeight + Theme.spacingXS
        }
        return y
    }

    private func drawModel(_ model: LiveViewModel, x: Int, y: Int, width: Int, on canvas: Canvas) -> Int {
        var y = section("Model", x: x, y: y, on: canvas)
        guard let name = model.modelName else {
            canvas.text("No model found", font: fonts.bodyBold, color: Theme.warning, x: x, y: y)
            y += fonts.body.lineHeight
            canvas.text("Faces are shown without emotions.", font: fonts.small, color: Theme.textDim, x: x, y: y)
            return y + fonts.small.lineHeight
        }
        canvas.text(name, font: fonts.body, color: Theme.text, x: x, y: y)
        y += fonts.body.lineHeight
        let details = [model.modelViews, model.adaptation.map { $0 ? "adapts to each face" : "adaptation off" },
                       model.smoothing.map { $0 ? "smoothing on" : "smoothing off" }]
        for line in details.compactMap({ $0 }) {
            canvas.text(line, font: fonts.small, color: Theme.textDim, x: x, y: y)
            y += fonts.small.lineHeight
        }
        return y
    }
}

/// Seven horizontal bars, one per emotion in the canonical order, in the emotion colours; the winner is
/// drawn bright, the rest dimmed. Shared by the live panel and the dataset browser.
public enum ProbabilityBars {
    public static func height(fonts: Fonts) -> Int { Emotion.allCases.count * rowHeight(fonts) }

    static func rowHeight(_ fonts: Fonts) -> Int { fonts.body.lineHeight + Theme.spacingS }

    public static func draw(_ probabilities: [Float], fonts: Fonts, x: Int, y: Int, width: Int, on canvas: Canvas) {
        let valid = probabilities.count == Emotion.allCases.count
        let best = valid ? probabilities.indices.max { probabilities[$0] < probabilities[$1] } : nil
        let nameWidth = 78, valueWidth = 44
        let barX = x + nameWidth, barWidth = max(10, width - nameWidth - valueWidth - Theme.spacingS)
        for emotion in Emotion.allCases {
            let row = y + emotion.rawValue * rowHeight(fonts)
            let p = valid ? Double(probabilities[emotion.rawValue]) : 0
            let isBest = emotion.rawValue == best
            let color = Theme.color(for: emotion)
            canvas.text(emotion.title, font: isBest ? fonts.bodyBold : fonts.body,
                        color: isBest ? Theme.text : Theme.textDim, x: x, y: row)
            let track = PixelRect(x: barX, y: row + 3, width: barWidth, height: fonts.body.lineHeight - 6)
            canvas.fill(track, Theme.panelRaised)
            let filled = Int((Double(barWidth) * min(max(p, 0), 1)).rounded())
            canvas.fill(PixelRect(x: barX, y: track.y, width: filled, height: track.height),
                        isBest ? color : color.mixed(with: Theme.panel, amount: 0.45))
            let value = valid ? "\(Int((p * 100).rounded()))%" : "–"
            canvas.text(value, font: fonts.body, color: isBest ? Theme.text : Theme.textDim, x: x + width, y: row, align: .right)
        }
    }
}
