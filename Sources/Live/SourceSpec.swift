import Imaging
import Foundation

/// Where the picture comes from; chosen on the command line, remembered in the settings.
public enum SourceSpec: Sendable, Equatable, Codable, CustomStringConvertible {
    case camera(Int)
    case video(String)
    case image(String)
    /// A moving scene of real dataset faces, for machines without a camera. The folder is a FER2013-style root.
    case demo(String)

    public var description: String {
        switch self {
        case let .camera(index): "camera \(index)"
        case let .video(path): "video \(URL(fileURLWithPath: path).lastPathComponent)"
        case let .image(path): "image \(URL(fileURLWithPath: path).lastPathComponent)"
        case .demo: "demo scene"
        }
    }

    public var isCamera: Bool { if case .camera = self { true } else { false } }
}
