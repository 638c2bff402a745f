import Imaging
import Expression
import Foundation

/// Follows faces from frame to frame by box overlap (IoU), so each keeps its ID, reads each face against
/// its own usual face once it has been seen for a while (`PersonalBaseline`), and smooths each face's
/// probabilities over time so labels do not flicker between two close emotions. A face the detector loses
/// for a moment (a turned head, a hand in front of it) and finds again near where it was is taken back as
/// the same face: its ID, its timeline and its usual face go on. A face that appears once the stream is
/// under way is shown only when found in `confirmationRounds` rounds without missing two in a row (SORT's
/// rule), so a detector's passing false find never gets a box, an ID or a place in a timeline.
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
    /// How long a lost face is remembered, to be taken back if it reappears near where it was lost.
    public let reappearanceTime: Double
    /// Rounds a new face must be found in before it is shown. Faces found in the first rounds after a
    /// start or reset are shown at once: a still image has one round, and a scene opens with its faces in it.
    public let confirmationRounds: Int

    public private(set) var tracks: [TrackedFace] = []
    private var nextID = 1
    private var lastUpdate: Double?
    /// A track's usual face and when it was last sampled.
    private typealias Memory = (baseline: PersonalBaseline, lastSample: Double)
    private var baselines: [Int: Memory] = [:]
    /// Faces lost lately, with their usual faces and when they were lost.
    private var lost: [(face: TrackedFace, memory: Memory?, at: Double)] = []
    /// Faces not shown yet, by their provisional (negative) ID: the rounds they were found in so far.
    private var tentative: [Int: Int] = [:]
    private var nextProvisionalID = -1
    /// Rounds since the start or the last reset.
    private var rounds = 0

    public init(iouThreshold: Double = 0.3, maxMissed: Int = 4, smoothingTime: Double = 0.25, smoothing: Bool = true,
                adaptation: Bool = true, baselineInterval: Double = 0.5, reappearanceTime: Double = 2,
                confirmationRounds: Int = 3) {
        self.iouThreshold = iouThreshold
        self.maxMissed = maxMissed
        self.smoothingTime = smoothingTime
        self.smoothing = smoothing
        self.adaptation = adaptation
        self.baselineInterval = baselineInterval
        self.reappearanceTime = reappearanceTime
        self.confirmationRounds = confirmationRounds
    }

    /// Takes one frame's detections and their probabilities (same order; empty arrays when there is no
    /// classifier) and returns the faces to show: those found now plus those missed only briefly.
    @discardableResult
    public func update(detections: [PixelRect], probabilities: [[Float]], at time: Double) -> [TrackedFace] {
        let alpha = smoothingFactor(at: time)
        lastUpdate = time
        rounds += 1

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
        for t in updated.indices {
            if trackTaken.contains(t) { updated[t] = counted(updated[t]) } else { updated[t].missed += 1 }
        }
        // A face not shown yet that is missed twice in a row was most likely not a face.
        let dropped = Set(updated.filter { tentative[$0.id] != nil && $0.missed > min(1, maxMissed) }.map(\.id))
        for id in dropped { tentative[id] = nil; baselines[id] = nil }
        updated.removeAll { dropped.contains($0.id) }
        for face in updated where face.missed > maxMissed {
            lost.append((face, baselines.removeValue(forKey: face.id), time))
        }
        updated.removeAll { $0.missed > maxMissed }
        lost.removeAll { time - $0.at > reappearanceTime || time < $0.at }
        for (d, box) in detections.enumerated() where !detectionTaken.contains(d) {
            let fresh = probabilities[safe: d] ?? []
            var face: TrackedFace
            if let back = takeBack(near: box) {
                face = TrackedFace(id: back.face.id, box: box, probabilities: [], classifications: back.face.classifications)
                baselines[face.id] = back.memory
            } else if rounds <= confirmationRounds {
                face = TrackedFace(id: nextID, box: box, probabilities: [])
                nextID += 1
            } else {
                face = TrackedFace(id: nextProvisionalID, box: box, probabilities: [])
                tentative[face.id] = 0
                nextProvisionalID -= 1
            }
            if !fresh.isEmpty {
                let read = readAgainstUsualFace(fresh, of: face.id, at: time)
                face.probabilities = read.probabilities
                face.adapted = read.adapted
                face.classifications += 1
            }
            updated.append(counted(face))
        }
        tracks = updated
        return visibleFaces
    }

    /// Counts a round in which a face not shown yet was found; once it has been found in enough rounds it
    /// gets its ID (the next one shown, so IDs on screen have no gaps) and is shown from then on.
    private func counted(_ face: TrackedFace) -> TrackedFace {
        guard let found = tentative[face.id] else { return face }
        guard found + 1 >= confirmationRounds else {
            tentative[face.id] = found + 1
            return face
        }
        tentative[face.id] = nil
        var confirmed = TrackedFace(id: nextID, box: face.box, probabilities: face.probabilities,
                                    missed: face.missed, classifications: face.classifications)
        confirmed.adapted = face.adapted
        baselines[nextID] = baselines.removeValue(forKey: face.id)
        nextID += 1
        return confirmed
    }

    /// The face lost most recently whose last box is near `box` (centres less than half its side apart, sides
    /// within 1.5x), taken out of the lost faces; nil when there is none.
    private func takeBack(near box: PixelRect) -> (face: TrackedFace, memory: Memory?)? {
        let candidates = lost.indices.filter { i in
            let was = lost[i].face.box, side = Double(max(was.width, was.height))
            let ratio = Double(max(box.width, box.height)) / max(1, side)
            let dx = box.center.x - was.center.x, dy = box.center.y - was.center.y
            return (dx * dx + dy * dy).squareRoot() < side / 2 && ratio <= 1.5 && ratio >= 1 / 1.5
        }
        guard let i = candidates.max(by: { lost[$0].at < lost[$1].at }) else { return nil }
        let back = lost.remove(at: i)
        return (back.face, back.memory)
    }

    /// Shown faces found in the latest round or missed for at most two rounds (keeps boxes steady through
    /// blinks of the detector without leaving ghosts behind).
    public var visibleFaces: [TrackedFace] { tracks.filter { $0.missed <= 2 && tentative[$0.id] == nil } }

    public func reset() {
        tracks = []
        baselines = [:]
        lost = []
        tentative = [:]
        rounds = 0
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
