/// An image that could not be read, decoded, converted or written; names the file and the problem.
public struct ImageError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file concerned, or a short stand-in such as "in memory".
    public let path: String
    /// What went wrong, without the path (as shown in a dataset's skipped-file summary).
    public let reason: String
    /// The verb of the message: "decode", "write", ...
    public let action: String

    public init(path: String, reason: String, action: String = "decode") {
        self.path = path
        self.reason = reason
        self.action = action
    }

    public var description: String {
        action == "decode" ? "cannot decode image \(path): \(reason)" : "cannot \(action) \(path): \(reason)"
    }

    /// Builds the error from CVBridge's last message, dropping the path it repeats.
    static func fromBridge(path: String, action: String = "decode", message: String) -> ImageError {
        let reason: String
        if let range = message.range(of: "\(path): ") {
            reason = String(message[range.upperBound...])
        } else {
            reason = message.isEmpty ? "unknown error" : message
        }
        return ImageError(path: path, reason: reason, action: action)
    }
}
