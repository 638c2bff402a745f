import Foundation

/// The seven FER2013 expressions, in Emoscope's one canonical class order.
///
/// The order is alphabetical by folder name, as Keras's `flow_from_directory` sorts classes, so a model
/// trained by the original Keras tutorial maps onto it index for index. The FER2013 CSV numbers its
/// classes differently (0=Angry … 4=Sad, 5=Surprise, 6=Neutral): use `init(fer2013Code:)` for those.
public enum Emotion: Int, CaseIterable, Sendable, Codable, Hashable, Comparable {
    case angry, disgust, fear, happy, neutral, sad, surprise

    /// Lower-case name, as used for dataset folders and in model files.
    public var name: String {
        switch self {
        case .angry: "angry"
        case .disgust: "disgust"
        case .fear: "fear"
        case .happy: "happy"
        case .neutral: "neutral"
        case .sad: "sad"
        case .surprise: "surprise"
        }
    }

    /// The most probable of seven probabilities in class order (the first on a tie); nil for any other count.
    public static func mostProbable(_ probabilities: [Float]) -> Emotion? {
        guard probabilities.count == allCases.count else { return nil }
        return probabilities.indices.max { probabilities[$0] < probabilities[$1] }.flatMap { Emotion(rawValue: $0) }
    }

    /// Capitalised name for people.
    public var title: String { name.prefix(1).uppercased() + name.dropFirst() }

    /// Maps a class-folder name to an emotion, case-insensitively and with common synonyms.
    public init?(folderName: String) {
        let key = folderName.trimmingCharacters(in: .whitespaces).lowercased()
        guard let emotion = Emotion.synonyms[key] else { return nil }
        self = emotion
    }

    /// Maps the `emotion` column of the original `fer2013.csv`.
    public init?(fer2013Code: Int) {
        let byCode: [Emotion] = [.angry, .disgust, .fear, .happy, .sad, .surprise, .neutral]
        guard byCode.indices.contains(fer2013Code) else { return nil }
        self = byCode[fer2013Code]
    }

    public static func < (lhs: Emotion, rhs: Emotion) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The canonical class names in output order, as stored in every model file.
    public static let classNames: [String] = allCases.map(\.name)

    /// For each emotion in canonical order, the index of a model's output that names it (by any name
    /// `init(folderName:)` knows); nil when some emotion is missing.
    public static func outputIndices(for classNames: [String]) -> [Int]? {
        var indices: [Int] = []
        for emotion in allCases {
            guard let index = classNames.firstIndex(where: { Emotion(folderName: $0) == emotion }) else { return nil }
            indices.append(index)
        }
        return indices
    }

    private static let synonyms: [String: Emotion] = [
        "angry": .angry, "anger": .angry, "mad": .angry,
        "disgust": .disgust, "disgusted": .disgust, "disgusting": .disgust,
        "fear": .fear, "fearful": .fear, "afraid": .fear, "scared": .fear,
        "happy": .happy, "happiness": .happy, "joy": .happy, "smile": .happy,
        "neutral": .neutral, "calm": .neutral,
        "sad": .sad, "sadness": .sad, "unhappy": .sad,
        "surprise": .surprise, "surprised": .surprise, "suprise": .surprise,
    ]
}
