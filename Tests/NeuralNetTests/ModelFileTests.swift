import Foundation
import Testing
import TestSupport
@testable import NeuralNet

@Suite("Model file (safetensors)")
struct ModelFileTests {
    static let architecture = Architecture(inputShape: [8, 8, 1], layers: [
        .conv(4, 3), .batchNorm(), .relu, .maxPool(size: 2, strides: 2), .flatten, .dropout(rate: 0.2), .dense(3), .softmax,
    ])

    /// A small trained-looking model: random weights and non-trivial BatchNorm statistics.
    static func model(seed: UInt64 = 3) throws -> ModelFile {
        let network = try Sequential(architecture, seed: seed)
        var generator = SeededGenerator(seed: seed + 100)
        for (_, parameter) in network.namedParameters {
            for i in 0..<parameter.value.count { parameter.value[i] += generator.uniform(0.1, 0.5) }
        }
        return ModelFile(network: network, classNames: ["a", "b", "c"],
                         normalization: InputNormalization(scale: 1 / 255, offset: -0.5), notes: ["origin": "test"])
    }

    static func input() -> Tensor {
        var generator = SeededGenerator(seed: 9)
        let x = Tensor(shape: [2, 8, 8, 1])
        for i in 0..<x.count { x[i] = generator.nextUnit() }
        return x
    }

    @Test func roundTripIsBitIdenticalAndPredictsTheSame() throws {
        let folder = try TestData.temporaryDirectory("modelfile")
        let url = folder.appendingPathComponent("m.safetensors")
        let original = try Self.model()
        try original.save(to: url)
        let loaded = try ModelFile.load(url)
        #expect(loaded.classNames == ["a", "b", "c"])
        #expect(loaded.normalization == original.normalization)
        #expect(loaded.notes["origin"] == "test")
        #expect(loaded.network.architecture == original.network.architecture)
        for ((name, a), (_, b)) in zip(original.network.namedParameters, loaded.network.namedParameters) {
            #expect(a.value.array.map(\.bitPattern) == b.value.array.map(\.bitPattern), "\(name) differs")
        }
        let x = Self.input()
        #expect(original.network(x).array == loaded.network(x).array)
    }

    @Test func float16FilesAreHalfTheSizeAndClose() throws {
        let folder = try TestData.temporaryDirectory("modelfile")
        let full = folder.appendingPathComponent("f32.safetensors"), half = folder.appendingPathComponent("f16.safetensors")
        let original = try Self.model()
        try original.save(to: full)
        try original.save(to: half, precision: .f16)
        let size = { (url: URL) in try FileManager.default.attributesOfItem(atPath: url.path)[.size] as! Int }
        // Same header (up to padding), half the bytes per value.
        let saved = try size(full) - size(half), expected = original.network.parameterCount * 2
        #expect(abs(saved - expected) <= 16, "f16 saves \(saved) bytes, expected about \(expected)")
        let x = Self.input()
        let a = original.network(x).array, b = try ModelFile.load(half).network(x).array
        for (p, q) in zip(a, b) { #expect(abs(p - q) < 2e-3) }
    }

    @Test func writingIsAtomicAndLeavesNoTemporaryFiles() throws {
        let folder = try TestData.temporaryDirectory("modelfile")
        let url = folder.appendingPathComponent("m.safetensors")
        try Self.model(seed: 1).save(to: url)
        try Self.model(seed: 2).save(to: url)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["m.safetensors"])
        _ = try ModelFile.load(url)
    }

    // MARK: - Damaged files: each must fail with its own clear message naming the file.

    /// The valid file's bytes, split into header JSON and data.
    static func parts() throws -> (header: [String: Any], data: Data) {
        let folder = try TestData.temporaryDirectory("modelfile")
        let url = folder.appendingPathComponent("good.safetensors")
        try model().save(to: url)
        let bytes = try Data(contentsOf: url)
        let length = Int(bytes.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        let header = try JSONSerialization.jsonObject(with: bytes.subdata(in: 8..<(8 + length))) as! [String: Any]
        return (header, bytes.subdata(in: (8 + length)..<bytes.count))
    }

    static func assemble(_ header: [String: Any], _ data: Data, declaredLength: UInt64? = nil) throws -> Data {
        let json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        var file = Data()
        withUnsafeBytes(of: (declaredLength ?? UInt64(json.count)).littleEndian) { file.append(contentsOf: $0) }
        file.append(json)
        file.append(data)
        return file
    }

    static func editing(_ name: String, _ edit: (inout [String: Any]) -> Void) throws -> Data {
        var (header, data) = try parts()
        var entry = header[name] as! [String: Any]
        edit(&entry)
        header[name] = entry
        return try assemble(header, data)
    }

    static func damaged() throws -> [(label: String, bytes: Data, expected: String)] {
        let (header, data) = try parts()
        let good = try assemble(header, data)
        var cases: [(String, Data, String)] = [
            ("empty", Data(), "empty (0 bytes)"),
            ("5 bytes", good.prefix(5), "too short"),
            ("cut inside the header", good.prefix(40), "past the end of the file"),
            ("cut inside the data", good.prefix(good.count - 7), "truncated"),
            ("cut one byte short", good.prefix(good.count - 1), "truncated"),
            ("header length past the end", try assemble(header, data, declaredLength: UInt64(good.count)), "past the end of the file"),
            ("huge header length", try assemble(header, data, declaredLength: UInt64.max / 2), "past the end of the file"),
            ("invalid JSON", { var d = good; d[8] = UInt8(ascii: "#"); return d }(), "not a valid JSON object"),
            ("offsets past the end", try editing("0.kernel") { $0["data_offsets"] = [0, data.count + 400] }, "past the end of the data"),
            ("unknown dtype", try editing("0.kernel") { $0["dtype"] = "I64" }, "unsupported dtype I64"),
            ("wrong byte count", try editing("0.kernel") { $0["shape"] = [3, 3, 1, 5] }, "needs 180 bytes"),
            ("negative offset", try editing("0.kernel") { $0["data_offsets"] = [-4, 140] }, "data_offsets [-4, 140] out of order"),
        ]
        // Overlap: point the bias at the kernel's first bytes.
        let kernel = header["0.kernel"] as! [String: Any]
        let kernelStart = (kernel["data_offsets"] as! [Int])[0]
        cases.append(("overlapping offsets", try editing("0.bias") { $0["data_offsets"] = [kernelStart, kernelStart + 16] }, "overlap"))
        // Wrong shape for the architecture, with a consistent byte count: swap kernel dims.
        cases.append(("shape the architecture does not expect", try editing("0.kernel") { $0["shape"] = [3, 3, 4, 1] },
                      "architecture needs [3, 3, 1, 4]"))
        // A missing tensor.
        var missing = header
        missing.removeValue(forKey: "6.bias")
        cases.append(("missing tensor", try assemble(missing, data), "\"6.bias\" is missing"))
        // Not an Emoscope model.
        var foreign = header
        foreign.removeValue(forKey: "__metadata__")
        cases.append(("no metadata", try assemble(foreign, data), "not an Emoscope model file"))
        // Architecture that cannot be built.
        var badArch = header
        var metadata = badArch["__metadata__"] as! [String: String]
        metadata["emoscope.architecture"] = "{\"inputShape\":[8,8,1],\"layers\":[]}"
        badArch["__metadata__"] = metadata
        cases.append(("architecture with no layers", try assemble(badArch, data), "cannot be built"))
        return cases
    }

    @Test func everyDamagedFileGivesItsOwnClearError() throws {
        let folder = try TestData.temporaryDirectory("damaged")
        var messages: Set<String> = []
        for (index, (label, bytes, expected)) in try Self.damaged().enumerated() {
            let url = folder.appendingPathComponent("case\(index).safetensors")
            try bytes.write(to: url)
            do {
                _ = try ModelFile.load(url)
                Issue.record("\(label): loaded without error")
            } catch let error as ModelFileError {
                #expect(error.path == url.path, "\(label)")
                #expect(error.problem.contains(expected), "\(label): \(error.problem)")
                messages.insert(error.problem)
            }
        }
        #expect(messages.count >= 14, "damaged files should be told apart: \(messages)")
    }

    @Test func aMissingFileAndAFolderAreReportedByName() throws {
        let folder = try TestData.temporaryDirectory("damaged")
        let missing = folder.appendingPathComponent("nope.safetensors")
        #expect(throws: ModelFileError(missing, "does not exist")) { try ModelFile.load(missing) }
        #expect(throws: ModelFileError(folder, "is a directory, not a regular file")) { try ModelFile.load(folder) }
    }

    @Test func nonFiniteWeightsAreRejected() throws {
        let folder = try TestData.temporaryDirectory("damaged")
        let url = folder.appendingPathComponent("nan.safetensors")
        let model = try Self.model()
        model.network.namedParameters[0].parameter.value[0] = .nan
        try model.save(to: url)
        #expect(throws: ModelFileError(url, "tensor \"0.kernel\" holds NaN or infinite values")) { try ModelFile.load(url) }
    }
}

/// Model files written before networks could be graphs load as chains and save their architecture unchanged.
@Suite struct ChainModelFileTests {
    /// The default model of the sessions before graphs (now one member of the shipped ensemble).
    @Test func aModelFromBeforeGraphsLoadsAsTheSameChain() throws {
        let url = TestData.fixtures.appendingPathComponent("models/compact-60.safetensors")
        let stored = try #require(try SafeTensors.read(url).metadata["emoscope.architecture"])
        let model = try ModelFile.load(url)
        #expect(model.network.isChain)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        #expect(String(decoding: try encoder.encode(model.network.architecture), as: UTF8.self) == stored)
        #expect(!stored.contains("inputs"))
    }
}
