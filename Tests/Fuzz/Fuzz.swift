// libFuzzer harness for the parsers that take untrusted bytes. Built and run by `make fuzz`
// (scripts/fuzz.sh): FUZZ_TARGET picks the parser, one of
//   safetensors   a model file: header, offsets, metadata, architecture, values (ModelFile.load)
//   architecture  the architecture JSON of a model's metadata, then building it (Sequential)
//   checkpoint    a checkpoint's training-state JSON and its validation (TrainingLimits)
//   keras         a Keras model.json (KerasImporter.architecture), then building it
//   csv           fer2013.csv (Dataset(csv:))
//   image         an image file: CVBridge's header reading and pixel limit, then OpenCV's decoder
//   onnx          an .onnx file's protobuf, as ONNXModelFile reads it before OpenCV sees it
// With FUZZ_SEEDS=DIR set, the harness writes seed inputs for FUZZ_TARGET to DIR and exits.
import Expression
import Foundation
import Imaging
import KerasImport
import ModelExchange
import NeuralNet

nonisolated(unsafe) let target = ProcessInfo.processInfo.environment["FUZZ_TARGET"] ?? "safetensors"
nonisolated(unsafe) let scratch: URL = {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("emoscope-fuzz-\(getpid())")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}()

/// Writes the input where the file-based parsers expect a file.
func file(_ name: String, _ data: Data) -> URL {
    let url = scratch.appendingPathComponent(name)
    try? data.write(to: url)
    return url
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = Data(bytes: bytes, count: count)
    switch target {
    case "safetensors":
        _ = try? ModelFile.load(file("m.safetensors", data))
    case "architecture":
        if let architecture = try? JSONDecoder().decode(Architecture.self, from: data) {
            _ = try? Sequential(architecture)
        }
    case "checkpoint":
        if let state = try? JSONDecoder().decode(TrainingState.self, from: data) {
            try? TrainingLimits.check(state, file: scratch)
        }
    case "keras":
        if let architecture = try? KerasImporter.architecture(of: file("model.json", data)) {
            _ = try? Sequential(architecture)
        }
    case "csv":
        if let dataset = try? Dataset(csv: file("fer2013.csv", data)) {
            for split in dataset.splitNames { _ = try? dataset.load(split: split) }
        }
    case "image":
        _ = ImageLimits.declaredSize(of: [UInt8](data))
        _ = try? GrayImage(contentsOf: file("image", data))
    case "onnx":
        _ = try? ONNXModelFile(contentsOf: file("m.onnx", data))
    default:
        fatalError("unknown FUZZ_TARGET \(target)")
    }
    return 0
}

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    // The scratch folder holds one input at a time; it goes when the fuzzer exits.
    atexit { try? FileManager.default.removeItem(at: scratch) }
    if let folder = ProcessInfo.processInfo.environment["FUZZ_SEEDS"] {
        Seeds.write(for: target, to: URL(fileURLWithPath: folder))
        exit(0)
    }
    return 0
}
