import Imaging

/// Which views of each face are classified and their probabilities averaged: the face as it is (`none`),
/// with its mirror image (`flip`), the face and a view 10 % closer, each with its mirror (`zoom`: the closer
/// view crops the background and hair a detector's box leaves around the face), or five crops — the centre
/// and the four corners of a crop 46/48 of the side, each scaled back to the full side — each with its
/// mirror (`crops`, ten views), the multi-crop
/// averaging published FER2013 recipes report (they train on crops; a model trained on whole faces with
/// shift and zoom jitter gains little from it, and tighter crops lose context on real photos). `contrast` is
/// `zoom`'s four views and the same four of the face with its contrast evened out region by region (CLAHE):
/// real photos are often flatter or dimmer than FER2013's faces, and the evened views show their brows and
/// creases as FER2013's faces show them.
public enum TestTimeAugmentation: String, Sendable, CaseIterable, Codable {
    case none, flip, zoom, crops, contrast

    /// The key in a model file's notes naming the views it is served with (the ones its card measured).
    public static let noteKey = "tta"
    /// How much closer the second view of `zoom` is.
    static let closerZoom: Float = 1.1
    /// How `contrast` evens a face out: CLAHE over 4 x 4 regions (12 pixels a side on a 48-pixel face),
    /// each region's histogram clipped at twice its mean bin.
    public static let evenedClipLimit = 2.0
    public static let evenedTiles = 4

    /// The views a model's notes ask for, or flip when they name none (or one this version does not know).
    public static func served(by notes: [String: String]) -> TestTimeAugmentation {
        notes[noteKey].flatMap(TestTimeAugmentation.init(rawValue:)) ?? .flip
    }

    /// One view: the face or its contrast-evened version, mirrored or not, then zoomed about the centre and
    /// shifted (in output pixels).
    public struct View: Sendable, Equatable {
        public var flipped: Bool
        public var zoom: Float
        public var shiftX: Float
        public var shiftY: Float
        public var evenedContrast = false

        public var isPlain: Bool { zoom == 1 && shiftX == 0 && shiftY == 0 && !evenedContrast }
    }

    /// The views for faces of `side` pixels, the unchanged face first.
    public func views(side: Int) -> [View] {
        let plain = View(flipped: false, zoom: 1, shiftX: 0, shiftY: 0)
        switch self {
        case .none: return [plain]
        case .flip: return [plain, View(flipped: true, zoom: 1, shiftX: 0, shiftY: 0)]
        case .zoom:
            return [plain, View(flipped: true, zoom: 1, shiftX: 0, shiftY: 0),
                    View(flipped: false, zoom: Self.closerZoom, shiftX: 0, shiftY: 0),
                    View(flipped: true, zoom: Self.closerZoom, shiftX: 0, shiftY: 0)]
        case .contrast:
            let once = Self.zoom.views(side: side)
            return once + once.map { var evened = $0; evened.evenedContrast = true; return evened }
        case .crops:
            // A crop of side·c whose centre sits d pixels off the face's centre, scaled to `side`: zoom 1/c,
            // and the output shifts by −d·zoom so that the crop's centre lands in the middle.
            let crop: Float = 46.0 / 48.0
            let zoom = 1 / crop
            let d = Float(side) * (1 - crop) / 2
            let offsets: [(Float, Float)] = [(0, 0), (-d, -d), (d, -d), (-d, d), (d, d)]
            return [false, true].flatMap { flipped in
                offsets.map { View(flipped: flipped, zoom: zoom, shiftX: -$0.0 * zoom, shiftY: -$0.1 * zoom) }
            }
        }
    }

    /// How many times the network runs per face.
    public var viewCount: Int { views(side: 48).count }

    /// How each face is read, for people (the live view's panel).
    public var summary: String {
        switch self {
        case .none: return "one view a face"
        case .flip: return "2 views a face: mirror averaged"
        case .zoom: return "4 views a face: closer, mirrored"
        case .crops: return "10 views a face: crops, mirrored"
        case .contrast: return "8 views a face: closer, mirrored, evened"
        }
    }

    /// The views taken of the face and then again of its contrast-evened version (`contrast`: zoom's), so
    /// that the two halves can run as batches of their own; nil when no view is of the evened face.
    public var evenedRepeat: TestTimeAugmentation? { self == .contrast ? .zoom : nil }

    /// `face` with its contrast evened out as the evened views see it.
    public static func evened(_ face: GrayImage) -> GrayImage {
        face.locallyEqualized(clipLimit: evenedClipLimit, tiles: evenedTiles)
    }
}
