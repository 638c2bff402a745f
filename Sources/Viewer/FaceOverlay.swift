import Imaging
import Live
import Expression
import Graphics

/// Draws a box and an emotion label per face over the video, in the emotion's colour.
struct FaceOverlay {
    let fonts: Fonts

    /// Maps a box from frame pixels to the screen rectangle the frame is shown in (mirrored when asked).
    static func screenBox(_ box: PixelRect, frame: Size, videoRect: PixelRect, mirrored: Bool) -> PixelRect {
        let sx = Double(videoRect.width) / Double(frame.width), sy = Double(videoRect.height) / Double(frame.height)
        let left = mirrored ? frame.width - box.maxX : box.x
        let x0 = videoRect.x + Int((Double(left) * sx).rounded())
        let y0 = videoRect.y + Int((Double(box.y) * sy).rounded())
        let x1 = videoRect.x + Int((Double(left + box.width) * sx).rounded())
        let y1 = videoRect.y + Int((Double(box.maxY) * sy).rounded())
        return PixelRect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }

    static func labelText(for face: TrackedFace) -> String? {
        guard let emotion = face.emotion else { return nil }
        return "\(emotion.title) \(Int((face.confidence * 100).rounded()))%"
    }

    func draw(_ model: LiveViewModel, frame: Size, videoRect: PixelRect, on canvas: Canvas) -> [DrawnFace] {
        var drawn: [DrawnFace] = []
        canvas.clip(to: videoRect)
        defer { canvas.clip(to: nil) }
        let highlighted = model.panelFace?.id
        for face in model.faces {
            let rect = FaceOverlay.screenBox(face.box, frame: frame, videoRect: videoRect, mirrored: model.mirrored)
            let color = face.emotion.map(Theme.color(for:)) ?? Theme.accent
            let selected = face.id == model.selectedFaceID
            let faded = face.missed > 0 ? color.withAlpha(150) : color
            canvas.stroke(rect, faded, thickness: selected ? Theme.boxThickness + 2 : Theme.boxThickness)
            let label = FaceOverlay.labelText(for: face)
            var caption = label ?? "Face"
            if model.showDebug { caption = "#\(face.id)  " + caption }
            drawLabel(caption, color: faded, above: rect, emphasised: face.id == highlighted, on: canvas, bounds: videoRect)
            drawn.append(DrawnFace(face: face, screenBox: rect, label: label))
        }
        return drawn
    }

    /// A filled tag over the box's top-left corner (inside the box when there is no room above it).
    private func drawLabel(_ text: String, color: Color, above box: PixelRect, emphasised: Bool, on canvas: Canvas, bounds: PixelRect) {
        let font = fonts.label
        let textSize = font.measure(text)
        let padX = Theme.spacingS, padY = Theme.spacingXS / 2
        let tagHeight = textSize.height + 2 * padY
        var tag = PixelRect(x: box.x, y: box.y - tagHeight, width: textSize.width + 2 * padX, height: tagHeight)
        if tag.y < bounds.y { tag.y = box.y }
        tag.x = min(max(tag.x, bounds.x), max(bounds.x, bounds.maxX - tag.width))
        canvas.fill(tag, color)
        canvas.text(text, font: font, color: Theme.textColor(on: color), x: tag.x + padX, y: tag.y + padY)
        if emphasised { canvas.fill(PixelRect(x: tag.x, y: tag.maxY - 2, width: tag.width, height: 2), Theme.text.withAlpha(200)) }
    }
}
