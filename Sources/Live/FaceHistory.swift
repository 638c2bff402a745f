/// The recent probabilities of every tracked face, for the live timeline: the last `window` seconds of each
/// track, by capture time. Tracks unseen for longer than the window are forgotten.
public struct FaceHistory: Sendable {
    public typealias Sample = (time: Double, probabilities: [Float])
    public let window: Double
    private var samples: [Int: [Sample]] = [:]
    private var lastSeen: [Int: Double] = [:]

    public init(window: Double = 30) { self.window = window }

    /// Adds the faces classified in a result.
    public mutating func record(_ result: LiveResult) {
        let now = result.capturedAt
        for face in result.faces where face.missed == 0 && !face.probabilities.isEmpty {
            samples[face.id, default: []].append((now, face.probabilities))
            lastSeen[face.id] = now
        }
        for (id, series) in samples {
            if let seen = lastSeen[id], now - seen > window {
                samples[id] = nil
                lastSeen[id] = nil
            } else if let first = series.first, now - first.time > window {
                samples[id] = series.filter { now - $0.time <= window }
            }
        }
    }

    public func series(_ track: Int) -> [Sample] { samples[track] ?? [] }

    public mutating func reset() {
        samples = [:]
        lastSeen = [:]
    }
}
