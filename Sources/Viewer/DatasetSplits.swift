import Expression
import Foundation
import Live

/// A dataset folder's splits, each read on a background thread when first asked for, so the browser never
/// waits on the disk: the folder's list of splits first, then one split at a time. A split of whole photos
/// (not face crops) is shown as the app sees them: the face found in each (`PhotoSplit`).
final class DatasetSplits: @unchecked Sendable {
    enum Split: Sendable {
        case loading
        /// With what to say of how the faces were found, for a split of whole photos.
        case loaded(LabeledFaces, FaceFingerprint, note: String?)
        case failed(String)
    }

    private enum Opening: Sendable {
        case opening
        case opened(Dataset)
        case failed(String)
    }

    let root: URL
    /// Finds the faces in whole photos; without one, photos are shown whole.
    private let photoFaces: (detector: FaceDetecting, framing: FaceFraming)?
    private let opening = LatestSlot<Opening>()
    private var loads: [String: LatestSlot<Split>] = [:]

    init(root: URL, photoFaces: (detector: FaceDetecting, framing: FaceFraming)? = nil) {
        self.root = root
        self.photoFaces = photoFaces
        let slot = opening
        Thread.detachNewThread {
            do { slot.put(.opened(try Dataset.open(root))) } catch { slot.put(.failed("\(error)")) }
        }
    }

    /// The split names once the folder is read (sorted), else nil.
    var names: [String]? {
        if case let .opened(dataset) = opening.latest()?.value { return dataset.splitNames }
        return nil
    }

    /// Why the folder cannot be browsed, once that is known.
    var failure: String? {
        switch opening.latest()?.value {
        case let .failed(message): return message
        case let .opened(dataset) where dataset.splitNames.isEmpty: return "no splits in \(root.path)"
        default: return nil
        }
    }

    /// The split to show first: `wanted` when the folder has it, else validation, else training, else the first.
    func initialSplit(_ wanted: String?) -> String? {
        guard case let .opened(dataset) = opening.latest()?.value else { return nil }
        if let wanted, dataset.splitNames.contains(wanted) { return wanted }
        return dataset.validationSplitName ?? dataset.trainingSplitName ?? dataset.splitNames.first
    }

    /// The split's faces, starting to read them on first call.
    func split(_ name: String) -> Split {
        guard case let .opened(dataset) = opening.latest()?.value else { return .loading }
        if let slot = loads[name] { return slot.latest()?.value ?? .loading }
        let slot = LatestSlot<Split>()
        loads[name] = slot
        // Shared with the live view's thread: its Haar cascade runs one detection at a time (`FaceDetector`).
        nonisolated(unsafe) let photoFaces = photoFaces
        Thread.detachNewThread {
            do {
                if let photoFaces, let files = try? dataset.files(split: name), PhotoSplit.areWholePhotos(files.map(\.path)) {
                    let photos = PhotoSplit(files, detector: photoFaces.detector, framing: photoFaces.framing)
                    slot.put(.loaded(photos.faces, FaceFingerprint(photos.faces), note: photos.summary))
                    return
                }
                let faces = try dataset.load(split: name).faces
                slot.put(.loaded(faces, FaceFingerprint(faces), note: nil))
            } catch {
                slot.put(.failed("\(error)"))
            }
        }
        return .loading
    }
}
