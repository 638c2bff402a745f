import Foundation

/// The `metadata_props` an exported file carries and an imported file may carry, so a runtime that knows
/// nothing of Emoscope can still label its outputs and size its input.
public enum ONNXMetadata {
    /// Class names in output order, as a JSON array (a comma-separated list is accepted on reading).
    public static let classes = "classes"
    /// The input image's size, "HEIGHTxWIDTH" (e.g. "48x48").
    public static let inputSize = "input_size"
    /// Network input = pixel (0–255) · scale + offset; an exported file folds its normalisation into the
    /// graph, so it says 1 and 0.
    public static let inputScale = "input_scale"
    public static let inputOffset = "input_offset"
    /// Prefix of the model file's free-form notes (training facts, framing), copied as they are.
    public static let notePrefix = "note."

    /// Class names from a `classes` value: a JSON array of strings, else a comma-separated list.
    public static func classNames(from text: String) -> [String]? {
        if let names = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) { return names.isEmpty ? nil : names }
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return names.isEmpty || names.contains("") ? nil : names
    }

    /// (height, width) from an `input_size` value such as "48x48" (or a single "48").
    public static func inputSize(from text: String) -> (height: Int, width: Int)? {
        let parts = text.lowercased().split(separator: "x").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard let first = parts.first ?? nil, first > 0 else { return nil }
        if parts.count == 1 { return (first, first) }
        guard parts.count == 2, let second = parts[1], second > 0 else { return nil }
        return (first, second)
    }
}
