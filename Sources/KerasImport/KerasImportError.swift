import Foundation

/// Why a Keras model could not be imported: the file, the layer when one is at fault, and what is wrong.
public struct KerasImportError: Error, CustomStringConvertible, Equatable {
    public let file: URL
    /// The Keras layer name (e.g. "conv2d_1"), when the problem belongs to one layer.
    public let layer: String?
    public let message: String

    public init(_ file: URL, layer: String? = nil, _ message: String) {
        self.file = file
        self.layer = layer
        self.message = message
    }

    public var description: String {
        if let layer { return "\(file.path): layer \"\(layer)\": \(message)" }
        return "\(file.path): \(message)"
    }
}
