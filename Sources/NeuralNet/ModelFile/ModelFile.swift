import Foundation

/// A trained network in one safetensors file: weights plus, in `__metadata__`, everything needed to use
/// it — the architecture, the class names in output order, the input size and the input normalisation.
public struct ModelFile {
    public var network: Sequential
    /// Class names in the order of the network's outputs.
    public var classNames: [String]
    public var normalization: InputNormalization
    /// Free-form facts about the model (how it was trained, its measured accuracy, …).
    public var notes: [String: String]

    public init(network: Sequential, classNames: [String], normalization: InputNormalization,
                notes: [String: String] = [:]) {
        self.network = network
        self.classNames = classNames
        self.normalization = normalization
        self.notes = notes
    }

    enum Key {
        static let format = "format"
        static let architecture = "emoscope.architecture"
        static let classes = "emoscope.classes"
        static let normalization = "emoscope.input_normalization"
        static let inputShape = "emoscope.input_shape"
        static let notePrefix = "note."
    }
    static let formatName = "emoscope-model-1"

    public func save(to url: URL, precision: SafeTensors.DType = .f32) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var metadata: [String: String] = [
            Key.format: Self.formatName,
            Key.architecture: String(decoding: try encoder.encode(network.architecture), as: UTF8.self),
            Key.classes: String(decoding: try encoder.encode(classNames), as: UTF8.self),
            Key.normalization: String(decoding: try encoder.encode(normalization), as: UTF8.self),
            Key.inputShape: String(decoding: try encoder.encode(network.inputShape), as: UTF8.self),
        ]
        for (key, value) in notes { metadata[Key.notePrefix + key] = value }
        try SafeTensors.write(network.namedParameters.map { ($0.name, $0.parameter.value) }, metadata: metadata,
                              dtype: precision, to: url)
    }

    /// Loads and checks a model file; every problem is reported with the file's path.
    public static func load(_ url: URL) throws -> ModelFile {
        let contents = try SafeTensors.read(url)
        let metadata = contents.metadata
        guard metadata[Key.format] == formatName else {
            throw ModelFileError(url, metadata[Key.format].map { "unknown model format \"\($0)\"" }
                                 ?? "no Emoscope metadata: not an Emoscope model file")
        }
        let architecture: Architecture = try decode(Key.architecture, metadata, url)
        let classNames: [String] = try decode(Key.classes, metadata, url)
        let normalization: InputNormalization = try decode(Key.normalization, metadata, url)
        let network: Sequential
        do { network = try Sequential(architecture) } catch {
            throw ModelFileError(url, "its architecture cannot be built: \(error)")
        }
        guard network.outputShape == [classNames.count] else {
            throw ModelFileError(url, "the network gives \(network.outputShape) outputs but the file names \(classNames.count) classes")
        }
        let expected = network.namedParameters
        for (name, parameter) in expected {
            guard let entry = contents.entries[name] else { throw ModelFileError(url, "tensor \"\(name)\" is missing") }
            guard entry.shape == parameter.value.shape else {
                throw ModelFileError(url, "tensor \"\(name)\" has shape \(entry.shape) but the architecture needs \(parameter.value.shape)")
            }
        }
        let known = Set(expected.map(\.name))
        if let extra = contents.entries.keys.sorted().first(where: { !known.contains($0) }) {
            throw ModelFileError(url, "tensor \"\(extra)\" does not belong to the architecture")
        }
        // Only now, with everything checked, are the tensor bytes read.
        for (name, parameter) in expected {
            let values = try contents.values(name)
            guard values.allSatisfy(\.isFinite) else { throw ModelFileError(url, "tensor \"\(name)\" holds NaN or infinite values") }
            values.withUnsafeBufferPointer { parameter.value.data.update(from: $0.baseAddress!, count: values.count) }
        }
        if let problem = problemWithValues(of: network, normalization: normalization) { throw ModelFileError(url, problem) }
        var notes: [String: String] = [:]
        for (key, value) in metadata where key.hasPrefix(Key.notePrefix) { notes[String(key.dropFirst(Key.notePrefix.count))] = value }
        return ModelFile(network: network, classNames: classNames, normalization: normalization, notes: notes)
    }

    /// Values a file can hold but a network cannot work with: a negative variance (its square root is NaN)
    /// or an input normalisation that overflows for some pixel. Nil when all is well.
    public static func problemWithValues(of network: Sequential, normalization: InputNormalization) -> String? {
        let (scale, offset) = (normalization.scale, normalization.offset)
        guard scale.isFinite, offset.isFinite, (255 * scale + offset).isFinite, scale != 0 else {
            return "its input normalisation (scale \(scale), offset \(offset)) does not give finite, varying inputs"
        }
        for (name, parameter) in network.namedParameters where parameter.name == "moving_variance" {
            if let index = (0..<parameter.value.count).first(where: { !(parameter.value[$0] >= 0) }) {
                return "tensor \"\(name)\" holds the negative variance \(parameter.value[index])"
            }
        }
        return nil
    }

    private static func decode<T: Decodable>(_ key: String, _ metadata: [String: String], _ url: URL) throws -> T {
        guard let text = metadata[key] else { throw ModelFileError(url, "metadata \"\(key)\" is missing") }
        do { return try JSONDecoder().decode(T.self, from: Data(text.utf8)) } catch {
            throw ModelFileError(url, "metadata \"\(key)\" is not valid: \(DecodingProblem.describe(error))")
        }
    }
}

/// How 8-bit pixels become network inputs: x = pixel · scale + offset.
public struct InputNormalization: Codable, Equatable, Sendable {
    public var scale: Float
    public var offset: Float

    public init(scale: Float, offset: Float) {
        self.scale = scale
        self.offset = offset
    }

    /// Pixels scaled to [0, 1], as Emoscope trains. (The Keras tutorial fed raw 0–255 pixels: scale 1.)
    public static let unitRange = InputNormalization(scale: 1 / 255, offset: 0)
}
