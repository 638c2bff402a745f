import Expression
import Graphics
import Imaging
import Live

/// The "why" heat map of the live view's panel face: which track, when it was asked for, over which part of
/// the frame (the live pipeline's crop of the face), and the layer to draw there.
struct LiveWhy {
    let track: Int
    let askedAt: Double
    let region: PixelRect
    let emotion: Emotion
    let layer: ImageTexture

    /// A map asked of the explanation worker and not back yet.
    struct Pending {
        let ticket: Int
        let track: Int
        let region: PixelRect
        let askedAt: Double
    }

    /// How often the map of a moving face is asked for again.
    static let refreshInterval = 0.25
}

extension App {
    /// Maps of faces that are gone or of a view that was off: never drawn again (a new source numbers its
    /// faces from 1 again).
    func forgetLiveWhys() {
        liveWhys = [:]
        pendingLiveWhy = nil
    }

    /// Draws the heat map over the panel face. The map is computed on the explanation worker's thread for the
    /// label the face shows, asked for again when the face changes and a few times a second; until it is
    /// back, the previous map of the same face stays.
    func drawLiveWhy() {
        guard let explainer, let face = model.panelFace, let frame = model.frame,
              let drawn = drawnFaces.first(where: { $0.face.id == face.id }), face.box.width > 0 else { return }
        let now = MonotonicClock.now
        if let pending = pendingLiveWhy {
            switch explainer.status(of: pending.ticket) {
            case .working: break
            case .superseded: pendingLiveWhy = nil
            case let .answered(explanation):
                pendingLiveWhy = nil
                if let layer = try? canvas.makeTexture(from: HeatOverlay.layer(explanation.heat, side: explanation.side)) {
                    layer.setSmoothScaling(true)
                    layer.setBlended(true)
                    liveWhys = liveWhys.filter { id, _ in model.faces.contains { $0.id == id } }
                    liveWhys[pending.track] = LiveWhy(track: pending.track, askedAt: pending.askedAt, region: pending.region,
                                                      emotion: explanation.emotion, layer: layer)
                }
            }
        }
        let stale = liveWhys[face.id].map { now - $0.askedAt > LiveWhy.refreshInterval } ?? true
        if stale, pendingLiveWhy.map({ $0.track != face.id }) ?? true {
            let region = faceFraming.region(for: face.box).clamped(toWidth: frame.image.width, height: frame.image.height)
            guard !region.isEmpty else { return }
            let crop = frame.image.gray().cropped(to: region)
            pendingLiveWhy = LiveWhy.Pending(ticket: explainer.submit(crop, emotion: face.emotion), track: face.id,
                                             region: region, askedAt: now)
        }
        guard let why = liveWhys[face.id] else { return }
        // The region in screen pixels, from the face box's own mapping (mirrored like the picture when it is).
        let scale = Double(drawn.screenBox.width) / Double(face.box.width)
        let dx = model.mirrored ? face.box.maxX - why.region.maxX : why.region.x - face.box.x
        let rect = PixelRect(x: drawn.screenBox.x + Int(Double(dx) * scale),
                             y: drawn.screenBox.y + Int(Double(why.region.y - face.box.y) * scale),
                             width: Int(Double(why.region.width) * scale), height: Int(Double(why.region.height) * scale))
        canvas.draw(why.layer, in: rect, mirrored: model.mirrored)
    }
}
