import Imaging
import Expression
import Foundation

/// Follows faces from frame to frame by box overlap (IoU), so each keeps its ID, reads each face against
/// its own usual face once it has been seen for a while (`PersonalBaseline`), and smooths each face's
/// probabilities over time so labels do not flicker between two close emotions.
public final class FaceTracker {
    /// Minimum overlap for a detection to continue a track.
    public let iouThreshold: Double
    /// Rounds a track survives without a detection (Haar misses single frames now and then).
    public let maxMissed: Int
    /// Time constant of the exponential smoothing, in seconds: after this long, a change is 63% through.
    public let smoothingTime: Double
    public var smoothing: Bool
    /// Read each face against its own usual face (learned from its track's history), not the network alone.
    public var adaptation: Bool
    /// How often a track's answers are remembered for its usual face: consecutive frames are nearly the
    /// same face, so a minute of them is kept in 120 samples.
    public let baselineInterval: Double

    public private(set) var tracks: [TrackedFace] = []
    private var nextID = 1
    private var lastUpdate: Double?
    private var baselines: [Int: (baseline: PersonalBaseline, lastSample: Double)] = [:]

    public init(iouThreshold: Double = 0.3, maxMissed: Int = 4, smoothingTime: Double = 0.25, smoothing: Bool = true,
                adaptation: Bool = true, baselineInterval: Double = 0.5) {
        self.iouThreshold = iouThreshold
        self.maxMissed = maxMissed
        self.smoothingTime = smoothingTime
        self.smoothing = smoothing
        self.adaptation = adaptation
        self.baselineInterval = baselineInterval
    }

    /// Takes one frame's detections and their probabilities (same order; empty arrays when there is no
    /// classifier) and returns the faces to show: those found now plus those missed only briefly.
    @discardableResult
    public func update(detections: [PixelRect], probabilities: [[Float]], at time: Double) -> [TrackedFace] {
        let alpha = smoothingFactor(at: time)
        lastUpdate = time

        // Greedy matching, best overlaps first: simple, and with a handful of faces as good as Hungarian.
        var pairs: [(track: Int, detection: Int, iou: Double)] = []
        for (t, track) in tracks.enumerated() {
            for (d, box) in detections.enumerated() {
                let overlap = track.box.iou(box)
                if overlap >= iouThreshold { pairs.append((t, d, overlap)) }
            }
        }
        pairs.sort { $0.iou > $1.iou }
        var trackTaken = Set<Int>(), detectionTaken = Set<Int>()
        var updated = tracks
        for pair in pairs where !trackTaken.contains(pair.track) && !detectionTaken.contains(pair.detection) {
            trackTaken.insert(pair.track)
            detectionTaken.insert(pair.detection)
            var track = updated[pair.track]
            track.box = detections[pair.detection]
            track.missed = 0
            if let fresh = probabilities[safe: pair.detection], !fresh.isEmpty {
                let read = readAgainstUsualFace(fresh, of: track.id, at: time)
                track.adapted = read.adapted
                track.probabilities = blend(track.probabilities, read.probabilities, alpha: alpha)
                track.classifications += 1
            }
            updated[pair.track] = track
        }
        for t in updated.indices where !trackTaken.contains(t) { updated[t].missed += 1 }
        updated.removeAll { $0.missed > maxMissed }
        for (d, box) in detections.enumerated() where !detectionTaken.contains(d) {
            let fresh = probabilities[safe: d] ?? []
            if !fresh.isEmpty { _ = readAgainstUsualFace(fresh, of: nextID, at: time) }
            updated.append(TrackedFace(id: nextID, box: box, probabilities: fresh, classifications: fresh.isEmpty ? 0 : 1))
            nextID += 1
        }
        tracks = updated
        let alive = Set(updated.map(\.id))
        baselines = baselines.filter { alive.contains($0.key) }
        return visibleFaces
    }

    /// Faces found in the latest round or missed for at most two rounds (keeps boxes steady through blinks
    /// of the detector without leaving ghosts behind).
    public var visibleFaces: [TrackedFace] { tracks.filter { $0.missed <= 2 } }

    public func reset() {
        tracks = []
        baselines = [:]
        lastUpdate = nil
    }

    /// Remembers the network's answer for the track's usual face (every `baselineInterval`) and returns
    /// it read against that usual face, when adaptation is on and the face has been seen long enough.
    private func readAgainstUsualFace(_ fresh: [Float], of id: Int, at time: Double) -> (probabilities: [Float], adapted: Bool) {
        var entry = baselines[id] ?? (PersonalBaseline(), -Double.infinity)
        if time - entry.lastSample >= baselineInterval || time < entry.lastSample {
            entry.baseline.remember(fresh)
            entry.lastSample = time
        }
        baselines[id] = entry
        guard adaptation, let rest = entry.baseline.usualFace else { return (fresh, false) }
        return (PersonalBaseline.adjust(fresh, usualFace: rest, strength: entry.baseline.strength), true)
    }

    /// Weight of a new measurement: time-based, so smoothing feels the same at 10 and at 60 updates per second.
    private func smoothingFactor(at time: Double) -> Float {
        guard smoothing, let last = lastUpdate, smoothingTime > 0 else { return 1 }
        let dt = max(0, time - last)
        return Float(1 - exp(-dt / smoothingTime))
    }

    private func blend(_ old: [Float], _ new: [Float], alpha: Float) -> [Float] {
        guard old.count == new.count, alpha < 1 else { return new }
        return zip(old, new).map { $0 + alpha * ($1 - $0) }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
