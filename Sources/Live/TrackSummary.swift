import Expression

/// What each face did over a recording or a video: when it was first and last seen, how many frames it
/// was classified in, its mean probabilities and dominant emotion. Fed the same faces as the CSV, so its
/// frame counts equal the CSV's rows per track.
public struct TrackSummary: Sendable {
    public struct Track: Codable, Sendable {
        public var track: Int
        public var file: String?
        public var firstTime: Double
        public var lastTime: Double
        public var frames: Int
        public var meanProbabilities: [String: Double]
        public var dominantEmotion: String
        /// Time and probabilities of each classified frame, for the timeline plot (not written to JSON).
        public var series: [(time: Double, probabilities: [Float])] = []

        enum CodingKeys: String, CodingKey {
            case track, file, firstTime, lastTime, frames, meanProbabilities, dominantEmotion
        }
    }

    private var sums: [String: (track: Track, sum: [Double])] = [:]
    private var order: [String] = []

    public init() {}

    public mutating func add(file: String? = nil, time: Double, faces: [TrackedFace]) {
        for face in faces where face.missed == 0 && face.probabilities.count == Emotion.allCases.count {
            let key = "\(file ?? "")#\(face.id)"
            if sums[key] == nil {
                order.append(key)
                sums[key] = (Track(track: face.id, file: file, firstTime: time, lastTime: time, frames: 0,
                                   meanProbabilities: [:], dominantEmotion: ""), [Double](repeating: 0, count: 7))
            }
            sums[key]!.track.lastTime = time
            sums[key]!.track.frames += 1
            // At most ten points a second for the plot: memory stays small however long the video.
            if time - (sums[key]!.track.series.last?.time ?? -1) >= 0.1 { sums[key]!.track.series.append((time, face.probabilities)) }
            for (i, p) in face.probabilities.enumerated() { sums[key]!.sum[i] += Double(p) }
        }
    }

    /// Every track, in the order first seen, with its means and dominant emotion.
    public var tracks: [Track] {
        order.compactMap { key in
            guard case (var track, let sum)? = sums[key] else { return nil }
            let means = sum.map { $0 / Double(max(1, track.frames)) }
            track.meanProbabilities = Dictionary(uniqueKeysWithValues: zip(Emotion.allCases.map(\.name), means))
            let best = means.indices.max { means[$0] < means[$1] } ?? 0
            track.dominantEmotion = Emotion.allCases[best].name
            return track
        }
    }
}
