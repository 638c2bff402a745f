/// Why the face cascade could not be loaded.
public enum FaceDetectorError: Error, CustomStringConvertible, Sendable, Equatable {
    case cascadeNotFound(tried: [String])
    case cascadeUnreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case .cascadeNotFound(let tried):
            "face detector: \(FaceDetector.cascadeFileName) not found (tried \(tried.joined(separator: ", "))); "
                + "install it with `sudo apt-get install opencv-data`, or set EMOSCOPE_CASCADE to its path"
        case .cascadeUnreadable(_, let reason):
            "face detector: \(reason)"
        }
    }
}
