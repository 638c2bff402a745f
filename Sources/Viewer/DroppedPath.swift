import Expression
import Foundation
import Imaging

/// What a file or folder dropped on the window opens: an image or a video in the live view, a folder in the
/// dataset layout in the browser, or nothing, with the reason said plainly.
enum DroppedPath: Equatable {
    case image(String)
    case video(String)
    case dataset(String)
    case unusable(String)

    static let videoExtensions: Set<String> = ["avi", "mp4", "m4v", "mkv", "mov", "webm", "mpg", "mpeg", "wmv", "flv", "ogv", "3gp"]

    init(_ path: String) {
        let name = URL(fileURLWithPath: path).lastPathComponent
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            self = .unusable("\(name) is not there any more")
            return
        }
        if isDirectory.boolValue {
            do {
                let dataset = try Dataset.open(URL(fileURLWithPath: path))
                let faces = try dataset.splitNames.reduce(0) { $0 + (try dataset.files(split: $1).count) }
                self = faces > 0 ? .dataset(path)
                    : .unusable("\(name) has no faces in SPLIT/CLASS folders (such as val/happy/)")
            } catch {
                self = .unusable("\(name) is not a dataset folder (ROOT/SPLIT/CLASS/images): \(error)")
            }
            return
        }
        let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
        if ImageFile.imageExtensions.contains(ext) { self = .image(path) }
        else if Self.videoExtensions.contains(ext) { self = .video(path) }
        else { self = .unusable("\(name) is not an image, a video or a dataset folder") }
    }
}
