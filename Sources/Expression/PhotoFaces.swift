import Imaging

/// The face the app would classify in each of a set of whole photos (the largest found, framed as the live
/// view frames it), with the photos in which none was found or which could not be read. Accuracy on photos is
/// counted over all of them, so a missed face is a wrong answer.
public struct PhotoFaces: Sendable {
    /// Each photo's face, cut at the size it has in the photo.
    public var crops: [GrayImage] = []
    public var emotions: [Emotion] = []
    public var paths: [String] = []
    public var noFace: [(path: String, emotion: Emotion)] = []
    public var unreadable: [(path: String, emotion: Emotion)] = []

    public init() {}

    /// Every photo, with a face or not.
    public var photos: Int { crops.count + noFace.count + unreadable.count }

    /// The faces at FER2013's 48x48 (area resampling, as the classifier resizes a crop), for evaluating a
    /// network beside a dataset's faces.
    public var labeled: LabeledFaces {
        let side = LabeledFaces.side
        var pixels: [UInt8] = []
        pixels.reserveCapacity(crops.count * LabeledFaces.faceSize)
        for crop in crops { pixels += crop.resized(width: side, height: side).pixels }
        return LabeledFaces(pixels: pixels, labels: emotions, paths: paths)
    }
}
