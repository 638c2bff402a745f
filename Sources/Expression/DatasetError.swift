import Imaging
import Foundation

/// Why a dataset could not be read; each case names the folder or file and says what to do.
public enum DatasetError: Error, CustomStringConvertible, Sendable, Equatable {
    case rootMissing(path: String)
    case noSplits(root: String)
    case rootIsASplit(root: String)
    case missingSplit(name: String, root: String, available: [String])
    case noClassFolders(split: String)
    case unknownClassFolder(name: String, path: String)
    case emptyClassFolder(path: String)
    case unreadableFolder(path: String, reason: String)
    case csv(path: String, problem: String)

    public var description: String {
        switch self {
        case .rootMissing(let path):
            "dataset folder \(path) does not exist"
        case .noSplits(let root):
            "dataset folder \(root) has no split folders: expected ROOT/SPLIT/CLASS/images, e.g. \(root)/train/happy/*.jpg"
        case .rootIsASplit(let root):
            "dataset folder \(root) holds class folders directly: it looks like one split; "
                + "pass its parent folder (the layout is ROOT/SPLIT/CLASS/images)"
        case .missingSplit(let name, let root, let available):
            "dataset \(root) has no split \"\(name)\" (it has: \(available.isEmpty ? "none" : available.joined(separator: ", ")))"
        case .noClassFolders(let split):
            "split folder \(split) has no class folders (expected one folder per emotion, e.g. \(split)/happy)"
        case .unknownClassFolder(let name, let path):
            "class folder \"\(name)\" (\(path)) is not an emotion; use one of "
                + Emotion.classNames.joined(separator: ", ") + " (or a common synonym such as anger, happiness, sadness)"
        case .emptyClassFolder(let path):
            "class folder \(path) is empty"
        case .unreadableFolder(let path, let reason):
            "cannot read folder \(path): \(reason)"
        case .csv(let path, let problem):
            "cannot read \(path): \(problem)"
        }
    }
}
