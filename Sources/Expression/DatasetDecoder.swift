import Imaging
import Dispatch
import Foundation

/// Decodes the files of a listing into 48x48 faces on all cores.
enum DatasetDecoder {
    /// Faces in listing order, and the entries that could not be decoded with the reason why.
    static func decode(_ listing: DatasetListing) -> (faces: LabeledFaces, skipped: [SkippedFile]) {
        let entries = listing.entries
        let faceSize = LabeledFaces.faceSize
        let pixels = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, entries.count * faceSize))
        let reasons = UnsafeMutableBufferPointer<String?>.allocate(capacity: max(1, entries.count))
        reasons.initialize(repeating: nil)
        defer {
            pixels.deallocate()
            reasons.deinitialize()
            reasons.deallocate()
        }
        // Each iteration writes only its own entries' slots, so the shared buffers need no lock.
        nonisolated(unsafe) let pixelSlots = pixels
        nonisolated(unsafe) let reasonSlots = reasons
        let chunk = 64
        DispatchQueue.concurrentPerform(iterations: (entries.count + chunk - 1) / chunk) { part in
            for i in (part * chunk)..<min(entries.count, (part + 1) * chunk) {
                do {
                    let face = try decodeFace(path: entries[i].path)
                    face.pixels.withUnsafeBufferPointer { source in
                        _ = UnsafeMutableBufferPointer(rebasing: pixelSlots[(i * faceSize)..<((i + 1) * faceSize)])
                            .initialize(from: source)
                    }
                } catch let error as ImageError {
                    reasonSlots[i] = error.reason
                } catch {
                    reasonSlots[i] = "\(error)"
                }
            }
        }

        var faces = LabeledFaces()
        faces.pixels.reserveCapacity(entries.count * faceSize)
        var skipped: [SkippedFile] = []
        for (i, entry) in entries.enumerated() {
            if let reason = reasons[i] {
                skipped.append(SkippedFile(path: entry.path, reason: reason))
            } else {
                faces.append(pixels[(i * faceSize)..<((i + 1) * faceSize)], label: entry.emotion, path: entry.path)
            }
        }
        return (faces, skipped)
    }

    /// Any image file, any size or colour -> 48x48 gray, shrunk with area averaging as FER2013 was.
    static func decodeFace(path: String) throws -> GrayImage {
        try GrayImage(contentsOf: URL(fileURLWithPath: path))
            .resized(width: LabeledFaces.side, height: LabeledFaces.side, interpolation: .area)
    }
}
