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
    /// The photos whose face was classified rightly, by path (for paired comparisons).
    public var rightPaths: Set<String> = []

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

    /// The faces found in a set of photos and the classifier's probabilities for each, before scoring.
    public struct Classified: Sendable {
        public var faces: PhotoFaces
        public var probabilities: [[Float]]
    }

    public static func classify(_ photos: [(path: String, emotion: Emotion)], detector: FaceDetecting,
                                classifier: EmotionClassifying, framing: FaceFraming) -> Classified {
        let found = PhotoFaces.find(photos, detector: detector, framing: framing)
        return Classified(faces: found, probabilities: found.crops.isEmpty ? [] : classifier.probabilities(for: found.crops))
    }

    public static func run(_ photos: [(path: String, emotion: Emotion)], detector: FaceDetecting,
                           classifier: EmotionClassifying, framing: FaceFraming) -> PhotoEvaluation {
        PhotoEvaluation(classify(photos, detector: detector, classifier: classifier, framing: framing))
    }

    /// Scores classified photos. With `personOf` (a photo's path to its person, or nil), each face is first
    /// read against its person's usual face, learned from that person's other photos (`PersonalBaseline`).
    public init(_ classified: Classified, personOf: ((String) -> String?)? = nil) {
        let found = classified.faces
        noFace = found.noFace
        unreadable = found.unreadable
        var probabilities = classified.probabilities
        if let personOf {
            probabilities = PersonalBaseline.adjustEach(probabilities, people: found.paths.map(personOf))
        }
        for (i, p) in probabilities.enumerated() {
            let photo = (path: found.paths[i], emotion: found.emotions[i])
            // A classifier that gives no answer leaves the photo without a classified face, as the live view would.
            guard let prediction = Emotion.mostProbable(p) else { noFace.append(photo); continue }
            confusion.add(truth: photo.emotion.rawValue, prediction: prediction.rawValue)
            if prediction == photo.emotion { rightPaths.insert(photo.path) }
        }
    }
}
