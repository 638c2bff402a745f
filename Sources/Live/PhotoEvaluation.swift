import Expression
import Foundation
import Imaging

/// Accuracy on whole photos the way the app sees them: the app's detector finds the faces, the largest is
/// framed and classified as the live view would. A photo in which no face is found counts as wrong.
public struct PhotoEvaluation: Sendable {
    /// Over the photos in which a face was found.
    public var confusion = ConfusionMatrix(classCount: Emotion.allCases.count)
    /// Photos without a detected face, and photos that could not be read (both counted as wrong).
    public var noFace: [(path: String, emotion: Emotion)] = []
    public var unreadable: [(path: String, emotion: Emotion)] = []

    public init() {}

    public var photos: Int { confusion.total + noFace.count + unreadable.count }
    /// Right answers over all photos.
    public var accuracy: Double { photos == 0 ? 0 : Double(confusion.correct) / Double(photos) }

    /// Right answers for class `c` over all its photos.
    public func recall(_ c: Int) -> Double {
        let missed = (noFace + unreadable).filter { $0.emotion.rawValue == c }.count
        let total = confusion.support(c) + missed
        return total == 0 ? 0 : Double(confusion.counts[c][c]) / Double(total)
    }

    public static func run(_ photos: [(path: String, emotion: Emotion)], detector: FaceDetecting,
                           classifier: EmotionClassifying, framing: FaceFraming) -> PhotoEvaluation {
        let found = PhotoFaces.find(photos, detector: detector, framing: framing)
        var result = PhotoEvaluation()
        result.noFace = found.noFace
        result.unreadable = found.unreadable
        let probabilities = found.crops.isEmpty ? [] : classifier.probabilities(for: found.crops)
        for (i, p) in probabilities.enumerated() {
            let photo = (path: found.paths[i], emotion: found.emotions[i])
            // A classifier that gives no answer leaves the photo without a classified face, as the live view would.
            guard let prediction = Emotion.mostProbable(p) else { result.noFace.append(photo); continue }
            result.confusion.add(truth: photo.emotion.rawValue, prediction: prediction.rawValue)
        }
        return result
    }
}
