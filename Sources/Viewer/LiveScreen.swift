import Imaging
import Live
import Expression
import Foundation
import Graphics

/// Draws the live screen: the video letterboxed in its area, boxes and labels, the side panel, and the
/// status, toast, debug and help layers. The same code draws the window and the headless snapshot.
public final class LiveScreen {
    public let fonts: Fonts
    private var videoTexture: ImageTexture?
    private var uploadedFrame: Int?
    private var overlay: FaceOverlay { FaceOverlay(fonts: fonts) }

    public init(fonts: Fonts) { self.fonts = fonts }

    /// Where the video and the panel go in a canvas of `size`.
    public static func layout(size: Size, showPanel: Bool) -> (video: PixelRect, panel: PixelRect?) {
        let panelWidth = showPanel ? min(Theme.sidePanelWidth, size.width / 2) : 0
        let video = PixelRect(x: 0, y: 0, width: size.width - panelWidth, height: size.height)
        let panel = showPanel ? PixelRect(x: video.maxX, y: 0, width: panelWidth, height: size.height) : nil
        return (video, panel)
    }

    /// Draws one frame; returns the faces as drawn (screen boxes and labels).
    @discardableResult
    public func draw(_ model: LiveViewModel, on canvas: Canvas) throws -> [DrawnFace] {
        let (videoArea, panelRect) = LiveScreen.layout(size: canvas.size, showPanel: model.showPanel)
        canvas.clear(Theme.videoBackground)
        var drawn: [DrawnFace] = []
        if let shown = model.frame {
            let frame = shown.image
            let frameSize = Size(width: frame.width, height: frame.height)
            if videoTexture?.size != frameSize {
                videoTexture = try canvas.makeTexture(size: frameSize)
                videoTexture?.setSmoothScaling(true)
                uploadedFrame = nil
            }
            if let texture = videoTexture {
                if uploadedFrame != shown.sequence {
                    texture.update(with: frame)
                    uploadedFrame = shown.sequence
                }
                let videoRect = videoArea.aspectFit(frameSize)
                canvas.draw(texture, in: videoRect, mirrored: model.mirrored)
                // Boxes belong to the frame the result was computed on; with a different frame size they would lie.
                if let result = model.result, result.frameSize == frameSize {
                    if model.resultAge <= LiveViewModel.maximumResultAge {
                        drawn = overlay.draw(model, frame: frameSize, videoRect: videoRect, on: canvas)
                    } else {
                        let note = String(format: "Face analysis is %.1f s behind the picture (the computer is busy)", model.resultAge)
                        let size = fonts.small.measure(note)
                        let tag = PixelRect(x: videoRect.x + Theme.spacingS, y: videoRect.y + Theme.spacingS,
                                       width: size.width + 2 * Theme.spacingS, height: size.height + Theme.spacingXS)
                        canvas.fill(tag, Theme.overlayScrim)
                        canvas.text(note, font: fonts.small, color: Theme.warning, in: tag, align: .center)
                    }
                }
            }
        }
        drawStatus(model, in: videoArea, hasFrame: model.frame != nil, on: canvas)
        if model.showDebug { drawDebug(model, in: videoArea, on: canvas) }
        if let seconds = model.recordingSeconds { drawRecordingMark(seconds, in: videoArea, on: canvas) }
        if let panelRect { SidePanel(fonts: fonts).draw(model, in: panelRect, on: canvas) }
        if let toast = model.toast { drawToast(toast, in: videoArea, on: canvas) }
        if model.showHelp { HelpOverlay(fonts: fonts).draw(in: canvas.bounds, on: canvas) }
        return drawn
    }

    /// A plain message in the middle of the video area when there is no picture (camera missing, lost, ...).
    private func drawStatus(_ model: LiveViewModel, in area: PixelRect, hasFrame: Bool, on canvas: Canvas) {
        let title: String, detail: String, hint: String
        switch model.captureState {
        case .running where hasFrame, .ended where hasFrame: return
        case .running, .opening:
            title = "Opening \(model.sourceDescription)…"; detail = ""; hint = ""
        case let .unavailable(message):
            // Frozen last picture stays visible under the card, dimmed.
            if hasFrame { canvas.fill(area, Theme.overlayScrim) }
            title = model.sourceDescription.hasPrefix("camera") ? "No picture from \(model.sourceDescription)" : "Cannot show \(model.sourceDescription)"
            detail = message
            hint = "Retrying every second.  Press c to try another camera, or drop a video, an image or a dataset folder here."
        case .ended:
            title = "End of \(model.sourceDescription)"; detail = ""; hint = ""
        }
        let lines = fonts.body.wrap(detail, width: min(area.width - 64, 560))
        let hintLines = fonts.small.wrap(hint, width: min(area.width - 64, 560))
        let height = fonts.headline.lineHeight + lines.count * fonts.body.lineHeight + hintLines.count * fonts.small.lineHeight
            + Theme.spacingL * 2
        var y = area.midY - height / 2
        canvas.text(title, font: fonts.headline, color: Theme.text, x: area.midX, y: y, align: .center)
        y += fonts.headline.lineHeight + Theme.spacingL
        for line in lines {
            canvas.text(line, font: fonts.body, color: Theme.warning, x: area.midX, y: y, align: .center)
            y += fonts.body.lineHeight
        }
        y += Theme.spacingL
        for line in hintLines {
            canvas.text(line, font: fonts.small, color: Theme.textDim, x: area.midX, y: y, align: .center)
            y += fonts.small.lineHeight
        }
    }

    /// A short message near the bottom of the video area, wrapped to its width.
    private func drawToast(_ message: String, in area: PixelRect, on canvas: Canvas) {
        let maxWidth = max(100, min(area.width - 4 * Theme.spacingL, 720))
        let lines = fonts.body.wrap(message, width: maxWidth)
        let width = lines.map { fonts.body.measure($0).width }.max() ?? 0
        let height = lines.count * fonts.body.lineHeight + Theme.spacingM
        let box = PixelRect(x: area.midX - width / 2 - Theme.spacingL, y: area.maxY - height - 2 * Theme.spacingL,
                       width: width + 2 * Theme.spacingL, height: height)
        canvas.fill(box, Theme.panelRaised.withAlpha(235))
        canvas.fill(PixelRect(x: box.x, y: box.y, width: 3, height: box.height), Theme.success)
        for (i, line) in lines.enumerated() {
            canvas.text(line, font: fonts.body, color: Theme.text, x: box.midX,
                        y: box.y + Theme.spacingM / 2 + i * fonts.body.lineHeight, align: .center)
        }
    }

    /// "● REC 00:12" in the top right corner of the video while a recording runs.
    private func drawRecordingMark(_ seconds: Double, in area: PixelRect, on canvas: Canvas) {
        let s = Int(seconds)
        let text = String(format: "REC %02d:%02d", s / 60, s % 60)
        let size = fonts.bodyBold.measure(text)
        let badge = PixelRect(x: area.maxX - size.width - 44 - Theme.spacingL, y: area.y + Theme.spacingL,
                              width: size.width + 44, height: size.height + Theme.spacingS)
        canvas.fillRoundedRect(badge, radius: badge.height / 2, Theme.overlayScrim)
        canvas.fillEllipse(in: PixelRect(x: badge.x + 12, y: badge.midY - 7, width: 14, height: 14), Theme.error)
        canvas.text(text, font: fonts.bodyBold, color: Theme.error, x: badge.x + 34, y: badge.y + Theme.spacingS / 2)
    }

    private func drawDebug(_ model: LiveViewModel, in area: PixelRect, on canvas: Canvas) {
        var lines = ["renderer \(model.rendererName)", "dropped frames \(model.droppedFrames)"]
        if let r = model.result {
            lines.append("frame #\(r.frameSequence)  \(r.frameSize.width)x\(r.frameSize.height)")
            lines.append(String(format: "detect %.1f ms  classify %.1f ms", r.detectSeconds * 1000, r.classifySeconds * 1000))
            lines.append("tracks " + r.faces.map { "#\($0.id)" }.joined(separator: " "))
        }
        if let smoothing = model.smoothing { lines.append("smoothing \(smoothing ? "on" : "off")") }
        if let adaptation = model.adaptation { lines.append("adaptation \(adaptation ? "on" : "off")") }
        let height = lines.count * fonts.small.lineHeight + Theme.spacingS * 2
        let box = PixelRect(x: area.x + Theme.spacingS, y: area.y + Theme.spacingS, width: 280, height: height)
        canvas.fill(box, Theme.overlayScrim)
        var y = box.y + Theme.spacingS
        for line in lines {
            canvas.text(line, font: fonts.small, color: Theme.success, x: box.x + Theme.spacingS, y: y)
            y += fonts.small.lineHeight
        }
    }
}
