import Foundation
import NeuralNet
#if canImport(Glibc)
import Glibc
#endif

/// Reading Keras weights in a child process. libhdf5 is not built to survive hostile files: a one-byte
/// corruption can make it crash or loop inside its own code, where no check of ours can help. When an
/// executable is set here, `KerasImporter.load` runs it as `EXECUTABLE <command> MODEL.json WEIGHTS.h5
/// INPUT_SCALE INPUT_OFFSET OUT.safetensors CLASS...`; that child imports in its own process (`importInProcess`) and writes the
/// model as safetensors, which this process then reads and validates like any model file. A crash or a
/// hang in the child becomes a `KerasImportError` naming the weights file.
public enum KerasIsolation {
    /// The program to run (the emoscope executable itself); nil imports in this process. Set once at start.
    nonisolated(unsafe) public static var executable: URL?
    /// The hidden subcommand the executable answers with `runChild`.
    public static let command = "__import-keras-child"
    /// A child that has not finished by then is stopped.
    nonisolated(unsafe) public static var timeoutSeconds: Double = 120

    /// The child's side: imports, then writes the model to `out`, or prints the error as JSON and exits 1.
    public static func runChild(modelJSON: String, weights: String, inputScale: Float, inputOffset: Float,
                                out: String, classNames: [String]) -> Int32 {
        executable = nil
        do {
            let file = try KerasImporter.load(modelJSON: URL(fileURLWithPath: modelJSON), weights: URL(fileURLWithPath: weights),
                                              classNames: classNames, inputScale: inputScale, inputOffset: inputOffset)
            try file.save(to: URL(fileURLWithPath: out))
            return 0
        } catch {
            let report: ChildError
            if let error = error as? KerasImportError {
                report = ChildError(file: error.file.path, layer: error.layer, message: error.message)
            } else {
                report = ChildError(file: weights, layer: nil, message: "\(error)")
            }
            FileHandle.standardOutput.write((try? JSONEncoder().encode(report)) ?? Data())
            return 1
        }
    }

    struct ChildError: Codable {
        let file: String
        let layer: String?
        let message: String
    }

    /// The parent's side.
    static func load(using executable: URL, modelJSON: URL, weights: URL, classNames: [String],
                     inputScale: Float, inputOffset: Float) throws -> ModelFile {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("emoscope-keras-\(getpid())-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("model.safetensors")
        let process = Process()
        process.executableURL = executable
        process.arguments = [command, modelJSON.path, weights.path, "\(inputScale)", "\(inputOffset)", out.path] + classNames
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        do { try process.run() } catch {
            throw KerasImportError(weights, "cannot start the reader process \(executable.path): \(error.localizedDescription)")
        }
        let report = DataBox()
        let readAll = DispatchSemaphore(value: 0)
        Thread { report.data = output.fileHandleForReading.readDataToEndOfFile(); readAll.signal() }.start()
        if finished.wait(timeout: .now() + timeoutSeconds) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            finished.wait()
            throw KerasImportError(weights, "reading it took more than \(Int(timeoutSeconds)) s and was stopped: the HDF5 file is damaged")
        }
        readAll.wait()
        if process.terminationReason == .uncaughtSignal {
            let signal = process.terminationStatus
            let name = String(cString: strsignal(signal))
            guard [SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE].contains(signal) else {
                throw KerasImportError(weights, "reading it was stopped from outside (\(name))")
            }
            throw KerasImportError(weights, "libhdf5 crashed reading it (\(name)): the HDF5 file is damaged")
        }
        guard process.terminationStatus == 0 else {
            if let error = try? JSONDecoder().decode(ChildError.self, from: report.data) {
                throw KerasImportError(URL(fileURLWithPath: error.file), layer: error.layer, error.message)
            }
            throw KerasImportError(weights, "the reader process failed (exit status \(process.terminationStatus))")
        }
        return try ModelFile.load(out)
    }

    private final class DataBox: @unchecked Sendable { var data = Data() }
}
