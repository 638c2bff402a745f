import Expression
import Foundation
import Live
import Synchronization

/// Finished predictions of whole splits, kept for the life of the app, so that coming back to a split (or to
/// the browser) shows its predictions at once. A split's entry is found only for the same classifier object
/// and the same faces (folder, split and a fingerprint of every label and pixel), so another model or a
/// changed folder is predicted anew.
public final class PredictionStore: @unchecked Sendable {
    struct Key: Hashable, Sendable {
        let model: ObjectIdentifier
        let root: String
        let split: String
        let faces: FaceFingerprint
    }

    private let entries = Mutex<[Key: [[Float]?]]>([:])

    public init() {}

    func predictions(for key: Key) -> [[Float]?]? { entries.withLock { $0[key] } }

    func save(_ probabilities: [[Float]?], for key: Key) {
        entries.withLock { $0[key] = probabilities }
    }
}

/// What identifies a split's faces: their count and a 64-bit FNV-1a hash of every label and pixel.
struct FaceFingerprint: Hashable, Sendable {
    let count: Int
    let hash: UInt64

    init(_ faces: LabeledFaces) {
        count = faces.count
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        // Eight bytes at a time: a whole training split hashes in a small fraction of a second.
        faces.pixels.withUnsafeBytes { raw in
            let words = raw.count / 8
            for i in 0..<words {
                h = (h ^ raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)) &* 0x100_0000_01b3
            }
            for i in (words * 8)..<raw.count { h = (h ^ UInt64(raw[i])) &* 0x100_0000_01b3 }
        }
        for label in faces.labels { h = (h ^ UInt64(label.rawValue)) &* 0x100_0000_01b3 }
        hash = h
    }
}
