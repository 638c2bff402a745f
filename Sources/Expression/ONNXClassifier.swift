import Foundation
import Imaging
import ModelExchange
import NeuralNet

/// An emotion classifier in an ONNX file (one Emoscope exported, or a foreign one), run by OpenCV's dnn
/// module: the same role as `Classifier`, faces of any size in, 7 probabilities per face out in
/// `Emotion.allCases` order. Class names, input size and normalisation come from the file's metadata when it
/// has them, else from `ONNXClassifier.Settings`.
///
/// Not thread-safe (OpenCV's network keeps its buffers): call it from one thread at a time.
public final class ONNXClassifier: @unchecked Sendable {
    /// What the user says about a foreign file; the file's own metadata wins over the defaults, these over it.
    public struct Settings: Sendable {
        public var classNames: [String]?
        public var inputSize: Int?
        public var normalization: InputNormalization?

        public init(classNames: [String]? = nil, inputSize: Int? = nil, normalization: InputNormalization? = nil) {
            self.classNames = classNames
            self.inputSize = inputSize
            self.normalization = normalization
        }
    }

    public let file: ONNXModelFile
    public let classNames: [String]
    public let normalization: InputNormalization
    /// What faces go through before normalisation (an Emoscope export's `note.preprocessing` metadata).
    public let preprocessing: FacePreprocessing
    public let inputHeight, inputWidth, channels: Int
    /// Average each face's prediction with its mirror image's (test-time augmentation).
    public var averagesFlip: Bool
    /// False when the network gives logits: a softmax is then applied to its outputs.
    public private(set) var outputsProbabilities = true
    private let network: DNNNetwork
    private let channelsFirst: Bool
    /// Whether the file's batch dimension is open; else faces go one at a time.
    private let batchIsOpen: Bool
    private let outputIndex: [Int]

    public init(contentsOf url: URL, settings: Settings = Settings(), averagesFlip: Bool = true) throws {
        let file = try ONNXModelFile(contentsOf: url)
        let metadata = file.metadata
        func problem(_ text: String) -> ModelFileError { ModelFileError(url, text) }

        guard let names = settings.classNames ?? metadata[ONNXMetadata.classes].flatMap(ONNXMetadata.classNames(from:)) else {
            throw problem("its metadata names no classes (\"\(ONNXMetadata.classes)\"); give them with --classes")
        }
        outputIndex = try Emotion.allCases.map { emotion in
            guard let index = names.firstIndex(where: { Emotion(folderName: $0) == emotion }) else {
                throw problem("its classes \(names) do not include \(emotion.name)")
            }
            return index
        }
        // The input: [N, C, H, W] or [N, H, W, C] with 1 (gray) or 3 (gray repeated) channels.
        let dims = file.inputDims
        guard dims.count == 4 else { throw problem("its input \(Self.text(dims)) is not an image batch [N, C, H, W]") }
        let (first, last) = (dims[1], dims[3])
        if first == 1 || first == 3 {
            (channelsFirst, channels) = (true, first!)
        } else if last == 1 || last == 3 {
            (channelsFirst, channels) = (false, last!)
        } else {
            throw problem("its input \(Self.text(dims)) has neither 1 nor 3 channels")
        }
        let fileSize = channelsFirst ? (dims[2], dims[3]) : (dims[1], dims[2])
        let metadataSize = metadata[ONNXMetadata.inputSize].flatMap(ONNXMetadata.inputSize(from:))
        guard let height = fileSize.0 ?? settings.inputSize ?? metadataSize?.height,
              let width = fileSize.1 ?? settings.inputSize ?? metadataSize?.width else {
            throw problem("its input \(Self.text(dims)) leaves the image size open; give it with --input-size")
        }
        guard dims[0] == nil || dims[0] == 1 else {
            throw problem("its input \(Self.text(dims)) has a fixed batch of \(dims[0]!); only 1 or an open batch is supported")
        }
        batchIsOpen = dims[0] == nil
        (inputHeight, inputWidth) = (height, width)
        let scale = metadata[ONNXMetadata.inputScale].flatMap(Float.init)
        let offset = metadata[ONNXMetadata.inputOffset].flatMap(Float.init)
        normalization = settings.normalization
            ?? (scale != nil || offset != nil ? InputNormalization(scale: scale ?? 1, offset: offset ?? 0) : .unitRange)
        let preprocessingName = metadata[ONNXMetadata.notePrefix + FacePreprocessing.noteKey]
        guard let preprocessing = FacePreprocessing(recorded: preprocessingName) else {
            throw problem("its faces need preprocessing \"\(preprocessingName ?? "")\", which this version of Emoscope does not know")
        }
        self.preprocessing = preprocessing
        network = try DNNNetwork(onnx: file.bytes, path: url.path)
        self.file = file
        classNames = names
        self.averagesFlip = false
        // Plain gray faces probe the network once: its output size, whether it gives probabilities, and
        // whether it gives finite numbers at all.
        let probes = [0, 128, 255].map { GrayImage(width: width, height: height, fill: $0) }
        let outputs = try rawOutputs(probes)
        guard outputs.joined().allSatisfy(\.isFinite) else {
            throw problem("it gives NaN or infinite outputs for plain gray faces")
        }
        outputsProbabilities = outputs.allSatisfy { row in
            row.allSatisfy { $0 >= 0 && $0 <= 1 } && abs(row.reduce(0, +) - 1) < 1e-3
        }
        self.averagesFlip = averagesFlip
    }

    public var url: URL { file.url }
    /// The model's name for people: its file name without extension.
    public var modelName: String { url.deletingPathExtension().lastPathComponent }
    /// How the model's training faces were framed (its `note.framing` metadata), else the detector's box.
    public var framing: FaceFraming {
        file.metadata[ONNXMetadata.notePrefix + "framing"].flatMap(Double.init).map { FaceFraming(scale: $0) } ?? .detectorBox
    }

    /// Probabilities for each face, 7 per face in `Emotion.allCases` order; NaN when the network fails.
    public func probabilities(for faces: [GrayImage]) -> [[Float]] {
        (try? classify(faces)) ?? faces.map { _ in [Float](repeating: .nan, count: Emotion.allCases.count) }
    }

    /// Probabilities for each face, 7 per face in `Emotion.allCases` order.
    public func classify(_ faces: [GrayImage]) throws -> [[Float]] {
        guard !faces.isEmpty else { return [] }
        let sized = faces.map { preprocessing.apply($0.width == inputWidth && $0.height == inputHeight ? $0 : $0.resized(width: inputWidth, height: inputHeight)) }
        // Mirror images ride in the same batch as the faces (one network call for both).
        let all = try rawOutputs(averagesFlip ? sized + sized.map(Self.mirror) : sized).map(probabilitiesOf)
        let rows = averagesFlip ? (0..<sized.count).map { n in zip(all[n], all[sized.count + n]).map { ($0 + $1) / 2 } } : all
        return rows.map { row in outputIndex.map { row[$0] } }
    }

    /// The network's outputs for same-sized faces, one row per face in the file's class order.
    private func rawOutputs(_ faces: [GrayImage]) throws -> [[Float]] {
        let batches = batchIsOpen ? [faces[...]] : faces.indices.map { faces[$0...$0] }
        var rows: [[Float]] = []
        for batch in batches {
            let (values, _) = try network.forward(input(batch), shape: shape(batch.count))
            guard values.count == batch.count * classNames.count else {
                throw ModelFileError(url, "it gives \(values.count / max(batch.count, 1)) outputs per face for \(classNames.count) classes")
            }
            rows += (0..<batch.count).map { Array(values[($0 * classNames.count)..<(($0 + 1) * classNames.count)]) }
        }
        return rows
    }

    private func shape(_ count: Int) -> [Int] {
        channelsFirst ? [count, channels, inputHeight, inputWidth] : [count, inputHeight, inputWidth, channels]
    }

    /// Normalised pixels, the gray value repeated over the channels in the file's layout.
    private func input(_ faces: ArraySlice<GrayImage>) -> [Float] {
        let (scale, offset) = (normalization.scale, normalization.offset)
        var values: [Float] = []
        values.reserveCapacity(faces.count * channels * inputHeight * inputWidth)
        for face in faces {
            let plane = face.pixels.map { Float($0) * scale + offset }
            if channelsFirst {
                for _ in 0..<channels { values += plane }
            } else {
                for value in plane { for _ in 0..<channels { values.append(value) } }
            }
        }
        return values
    }

    private func probabilitiesOf(_ row: [Float]) -> [Float] {
        guard !outputsProbabilities else { return row }
        let top = row.max() ?? 0
        let exps = row.map { Foundation.exp($0 - top) }
        let total = exps.reduce(0, +)
        return exps.map { $0 / total }
    }

    private static func mirror(_ face: GrayImage) -> GrayImage {
        var pixels = face.pixels
        for y in 0..<face.height {
            let row = y * face.width
            pixels[row..<(row + face.width)].reverse()
        }
        return GrayImage(width: face.width, height: face.height, pixels: pixels)
    }

    private static func text(_ dims: [Int?]) -> String { "[" + dims.map { $0.map(String.init) ?? "N" }.joined(separator: ", ") + "]" }
}
