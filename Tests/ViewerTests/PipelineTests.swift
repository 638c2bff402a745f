import Imaging
import Live
import Expression
import Foundation
import Graphics
import Testing
@testable import Viewer

struct LatestSlotTests {
    @Test func staleValuesAreDroppedNotQueued() {
        let slot = LatestSlot<Int>()
        for value in 1...5 { slot.put(value) }
        let first = slot.next(after: 0, timeout: 0.1)
        #expect(first?.value == 5, "the consumer gets the newest value only")
        #expect(first?.version == 5)
        #expect(slot.dropped == 4, "the four older values were dropped")
        #expect(slot.next(after: 5, timeout: 0.05) == nil, "nothing newer: nothing queued behind")
        slot.put(6)
        #expect(slot.next(after: 5, timeout: 0.1)?.value == 6)
        #expect(slot.dropped == 4)
    }

    @Test func producerNeverWaitsForASlowConsumer() {
        let slot = LatestSlot<[UInt8]>()
        let start = MonotonicClock.now
        for i in 0..<10_000 { slot.put([UInt8(i & 255)]) }
        #expect(MonotonicClock.now - start < 1, "10,000 puts with no consumer must not block")
        #expect(slot.latest()?.version == 10_000)
    }

    @Test func waitingConsumerWakesForANewValue() {
        let slot = LatestSlot<Int>()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.05) { slot.put(42) }
        #expect(slot.next(after: 0, timeout: 10)?.value == 42)
    }

    @Test func workerAnalysesOnlyTheNewestFrame() {
        let frames = LatestSlot<Frame>()
        let detector = FixedDetector([PixelRect(x: 2, y: 2, width: 10, height: 10)])
        let worker = InferenceWorker(frames: frames, analyzer: FaceAnalyzer(detector: detector, classifier: nil))
        for sequence in 1...3 {
            frames.put(Frame(image: BGRAImage(width: 16, height: 16), sequence: sequence, capturedAt: Double(sequence)))
        }
        worker.start()
        defer { worker.stop() }
        let result = worker.results.next(after: 0, timeout: 30)?.value
        #expect(result?.frameSequence == 3)
        #expect(result?.frame.image.width == 16, "the result carries the frame it was found in")
        #expect(detector.calls == 1, "frames 1 and 2 were never analysed")
    }
}

struct FaceTrackerTests {
    let happy: [Float] = [0, 0, 0, 1, 0, 0, 0]
    let sad: [Float] = [0, 0, 0, 0, 0, 1, 0]

    @Test func idsSurviveSmallMovesAndNewFacesGetNewIDs() {
        let tracker = FaceTracker()
        let a = PixelRect(x: 100, y: 100, width: 80, height: 80), b = PixelRect(x: 400, y: 120, width: 90, height: 90)
        let first = tracker.update(detections: [a, b], probabilities: [], at: 0)
        let idA = first[0].id, idB = first[1].id
        #expect(idA != idB)
        // Both move a little (and come back in the other order): same IDs.
        let second = tracker.update(detections: [b.offsetBy(dx: 6, dy: -4), a.offsetBy(dx: -5, dy: 7)], probabilities: [], at: 0.033)
        #expect(Set(second.map(\.id)) == [idA, idB])
        #expect(second.first { $0.box.x > 300 }?.id == idB)
        // A third face appears far away: a new ID.
        let c = PixelRect(x: 250, y: 300, width: 70, height: 70)
        let third = tracker.update(detections: [a, b, c], probabilities: [], at: 0.066)
        let idC = third.first { $0.box == c }?.id
        #expect(idC != nil && idC != idA && idC != idB)
    }

    @Test func aBriefMissKeepsTheIDALongMissEndsTheTrack() {
        let tracker = FaceTracker(maxMissed: 3, reappearanceTime: 1)
        let a = PixelRect(x: 10, y: 10, width: 50, height: 50)
        let id = tracker.update(detections: [a], probabilities: [], at: 0)[0].id
        tracker.update(detections: [], probabilities: [], at: 0.03)
        #expect(tracker.update(detections: [a], probabilities: [], at: 0.06)[0].id == id)
        for step in 1...4 { tracker.update(detections: [], probabilities: [], at: 0.06 + Double(step) * 0.03) }
        #expect(tracker.tracks.isEmpty && tracker.visibleFaces.isEmpty, "a face gone for four rounds is no longer shown")
        // Found again longer after than the reappearance time: a new face, shown once found in three rounds.
        #expect(tracker.update(detections: [a], probabilities: [], at: 1.5).isEmpty)
        tracker.update(detections: [a], probabilities: [], at: 1.53)
        let again = tracker.update(detections: [a], probabilities: [], at: 1.56)
        #expect(again.count == 1 && again[0].id != id)
    }

    @Test func aPassingFalseFindIsNeverShownANewFaceIsOnceConfirmed() {
        let tracker = FaceTracker(smoothing: false)
        let face = PixelRect(x: 100, y: 100, width: 80, height: 80)
        let ghost = PixelRect(x: 400, y: 300, width: 40, height: 40), newcomer = PixelRect(x: 300, y: 50, width: 90, height: 90)
        var time = 0.0
        func round(_ boxes: [PixelRect]) -> [TrackedFace] {
            time += 1.0 / 30
            return tracker.update(detections: boxes, probabilities: boxes.map { _ in happy }, at: time)
        }
        // The scene opens with its face: shown at once.
        #expect(round([face]).map(\.id) == [1])
        for _ in 0..<10 { _ = round([face]) }
        // The detector's false find, twice, then again a second later (as Haar does on a busy background):
        // never shown, and never given an ID.
        for boxes in [[face, ghost], [face, ghost], [face], [face]] { #expect(round(boxes).map(\.id) == [1]) }
        for _ in 0..<25 { _ = round([face]) }
        for boxes in [[face, ghost], [face, ghost], [face], [face]] { #expect(round(boxes).map(\.id) == [1]) }
        // A missed round in between does not stop a newcomer, two do; shown from its third round, as face 2.
        #expect(round([face, newcomer]).map(\.id) == [1])
        #expect(round([face]).map(\.id) == [1])
        #expect(round([face, newcomer]).map(\.id) == [1])
        let shown = round([face, newcomer])
        #expect(shown.map(\.id) == [1, 2])
        #expect(shown[1].probabilities == happy && shown[1].classifications == 3)
        // After a reset (another source) the faces found first are shown at once again.
        tracker.reset()
        #expect(round([ghost]).count == 1)
    }

    @Test func aFaceLostForAMomentComesBackAsItselfWithItsUsualFace() {
        let resting: [Float] = [0.03, 0.03, 0.06, 0.05, 0.63, 0.15, 0.05]
        let faintFrown: [Float] = [0.10, 0.04, 0.06, 0.03, 0.55, 0.19, 0.03]
        let tracker = FaceTracker(maxMissed: 4, smoothing: false, reappearanceTime: 2)
        let box = PixelRect(x: 200, y: 100, width: 80, height: 80)
        var time = 0.0
        var id = 0
        for _ in 0..<180 {  // six seconds at rest: the usual face is known
            time += 1.0 / 30
            id = tracker.update(detections: [box], probabilities: [resting], at: time)[0].id
        }
        // The head turns away for half a second: the detector finds nothing and the track ends.
        for _ in 0..<15 { time += 1.0 / 30; tracker.update(detections: [], probabilities: [], at: time) }
        #expect(tracker.visibleFaces.isEmpty)
        // It turns back a little to the side, frowning: the same face, read against its usual face at once.
        time += 1.0 / 30
        let back = tracker.update(detections: [box.offsetBy(dx: 25, dy: -10)], probabilities: [faintFrown], at: time)
        #expect(back.count == 1 && back[0].id == id)
        #expect(back[0].adapted && back[0].emotion == .angry)
        // Someone else appearing elsewhere while a face is lost is a new face, read by the network alone.
        for _ in 0..<15 { time += 1.0 / 30; tracker.update(detections: [], probabilities: [], at: time) }
        var far: [TrackedFace] = []
        for _ in 0..<3 {  // a new face is shown once found in three rounds
            time += 1.0 / 30
            far = tracker.update(detections: [box.offsetBy(dx: 300, dy: 0)], probabilities: [faintFrown], at: time)
        }
        #expect(far.count == 1 && far[0].id != id && !far[0].adapted && far[0].emotion == .neutral)
        // Nor is a face of another size at the same place (someone nearer the camera).
        var near: [TrackedFace] = []
        for _ in 0..<3 {
            time += 1.0 / 30
            near = tracker.update(detections: [far[0].box, box.expanded(by: 0.5)], probabilities: [faintFrown, faintFrown], at: time)
        }
        let nearer = near.first { $0.box == box.expanded(by: 0.5) }
        #expect(nearer != nil && nearer?.id != id)
    }

    @Test func smoothingConvergesAndReacts() {
        let tracker = FaceTracker(smoothingTime: 0.25, smoothing: true)
        let box = PixelRect(x: 0, y: 0, width: 60, height: 60)
        var time = 0.0
        var face = tracker.update(detections: [box], probabilities: [happy], at: time)[0]
        #expect(face.emotion == .happy)
        // A single contrary frame does not flip the label (no flicker)...
        time += 1.0 / 30
        face = tracker.update(detections: [box], probabilities: [sad], at: time)[0]
        #expect(face.emotion == .happy)
        // ...but a lasting change wins within a quarter of a second, and the values converge to it.
        var flippedAfter: Double?
        for _ in 0..<60 {
            time += 1.0 / 30
            face = tracker.update(detections: [box], probabilities: [sad], at: time)[0]
            if flippedAfter == nil, face.emotion == .sad { flippedAfter = time }
        }
        #expect(flippedAfter != nil && flippedAfter! < 0.3)
        #expect(abs(face.probabilities[Emotion.sad.rawValue] - 1) < 0.001)
        #expect(face.probabilities.reduce(0, +) > 0.999 && face.probabilities.reduce(0, +) < 1.001)
    }

    @Test func withoutSmoothingTheLatestProbabilitiesAreShown() {
        let tracker = FaceTracker(smoothing: false)
        let box = PixelRect(x: 0, y: 0, width: 60, height: 60)
        tracker.update(detections: [box], probabilities: [happy], at: 0)
        let face = tracker.update(detections: [box], probabilities: [sad], at: 0.033)[0]
        #expect(face.probabilities == sad)
        #expect(face.classifications == 2)
    }

    @Test func aFaceIsReadAgainstItsUsualFaceOnceSeenForAFewSeconds() {
        let resting: [Float] = [0.03, 0.03, 0.06, 0.05, 0.63, 0.15, 0.05]
        let faintFrown: [Float] = [0.10, 0.04, 0.06, 0.03, 0.55, 0.19, 0.03]
        let box = PixelRect(x: 0, y: 0, width: 60, height: 60), elsewhere = PixelRect(x: 300, y: 0, width: 60, height: 60)
        for adaptation in [true, false] {
            let tracker = FaceTracker(smoothing: false, adaptation: adaptation, baselineInterval: 0.5)
            var time = 0.0
            // At first the network alone: a frown it calls neutral stays neutral.
            var face = tracker.update(detections: [box], probabilities: [faintFrown], at: time)[0]
            #expect(face.emotion == .neutral && !face.adapted)
            // Six seconds at rest, 30 frames a second: twelve samples of the resting face.
            for _ in 0..<180 {
                time += 1.0 / 30
                face = tracker.update(detections: [box], probabilities: [resting], at: time)[0]
            }
            #expect(face.emotion == .neutral, "its usual face keeps the network's answer")
            time += 1.0 / 30
            face = tracker.update(detections: [box], probabilities: [faintFrown], at: time)[0]
            #expect(face.emotion == (adaptation ? .angry : .neutral))
            #expect(face.adapted == adaptation)
            // Another person entering is a new track: read by the network alone until their face is known.
            var faces: [TrackedFace] = []
            for _ in 0..<3 {  // shown once found in three rounds
                time += 1.0 / 30
                faces = tracker.update(detections: [box, elsewhere], probabilities: [faintFrown, faintFrown], at: time)
            }
            let newcomer = faces.first { $0.box == elsewhere }!
            #expect(newcomer.emotion == .neutral && !newcomer.adapted)
        }
    }
}

/// A detector that reports the same boxes every time and counts its calls.
final class FixedDetector: FaceDetecting, @unchecked Sendable {
    let boxes: [PixelRect]
    private(set) var calls = 0
    init(_ boxes: [PixelRect]) { self.boxes = boxes }
    func detectFaces(in image: GrayImage) -> [PixelRect] {
        calls += 1
        return boxes
    }
}

/// A classifier that answers fixed probabilities for every face.
final class FixedClassifier: EmotionClassifying, @unchecked Sendable {
    let answer: [Float]
    let modelName = "fixed-test-model"
    init(_ answer: [Float]) { self.answer = answer }
    func probabilities(for faces: [GrayImage]) -> [[Float]] { faces.map { _ in answer } }
}
