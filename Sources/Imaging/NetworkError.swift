import CVBridge

/// A network file OpenCV's dnn module cannot load or run; names the file and says why, in OpenCV's words.
public struct NetworkError: Error, CustomStringConvertible, Sendable, Equatable {
    public let path: String
    public let reason: String
    /// "load" or "run".
    public let action: String

    public init(path: String, reason: String, action: String) {
        self.path = path
        self.reason = reason
        self.action = action
    }

    public var description: String { "cannot \(action) model \(path): \(reason)" }

    /// From CVBridge's last message, dropping the path it starts with.
    static func fromBridge(path: String, action: String) -> NetworkError {
        let message = String(cString: cvb_last_error())
        let reason = message.hasPrefix(path + ": ") ? String(message.dropFirst(path.count + 2)) : message
        return NetworkError(path: path, reason: reason.isEmpty ? "unknown error" : reason, action: action)
    }
}
