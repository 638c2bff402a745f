import Expression
import Graphics
import Imaging
import Live

/// The "why" heat map of the live view's panel face: which track, when it was computed, over which part of
/// the frame (the live pipeline's crop of the face), and the layer to draw there.
struct LiveWhy {
    let track: Int
    let computedAt: Double
    let region: PixelRect
    let emotion: Emotion
    let layer: ImageTexture

    /// How often the map of a moving face is recomputed (each takes a few milliseconds on the main thread).
    static let refreshInterval = 0.25
}

extension App {
    /// Draws the heat map over the panel face, recomputed when the face changes and a few times a second.
    func drawLiveWhy() {
        guard let explainer, let face = model.panelFace, let frame = model.frame,
              let drawn = drawnFaces.first(where: { $0.face.id == face.id }), face.box.width > 0 else { return }
        let now = MonotonicClock.now
        if liveWhy.map({ $0.track != face.id || now - $0.computedAt > LiveWhy.refreshInterval }) ?? true {
            let gray = frame.image.gray()
            let region = faceFraming.region(for: face.box).clamped(toWidth: gray.width, height: gray.height)
            guard !region.isEmpty else { return }
            let explanation = explainer.explain(gray.cropped(to: region))
            guard let layer = try? canvas.makeTexture(from: HeatOverlay.layer(explanation.heat, side: explanation.side)) else { return }
            layer.setSmoothScaling(true)
        layer.setBlended(true)
            liveWhy = LiveWhy(track: face.id, computedAt: now, region: region, emotion: explanation.emotion, layer: layer)
        }
        guard let why = liveWhy, why.track == face.id else { return }
        // The region in screen pixels, from the face box's own mapping (mirrored like the picture when it is).
        let scale = Double(drawn.screenBox.width) / Double(face.box.width)
        let dx = model.mirrored ? face.box.maxX - why.region.maxX : why.region.x - face.box.x
        let rect = PixelRect(x: drawn.screenBox.x + Int(Double(dx) * scale),
                             y: drawn.screenBox.y + Int(Double(why.region.y - face.box.y) * scale),
                             width: Int(Double(why.region.width) * scale), height: Int(Double(why.region.height) * scale))
        canvas.draw(why.layer, in: rect, mirrored: model.mirrored)
    }
}
