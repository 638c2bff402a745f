import Foundation
import KerasImport

// Keras weights are HDF5, read by libhdf5, which a damaged file can crash: this executable reads them in a
// child copy of itself (KerasIsolation), and is that child when started with its hidden command.
let arguments = CommandLine.arguments
if arguments.count >= 6 && arguments[1] == KerasIsolation.command {
    exit(KerasIsolation.runChild(modelJSON: arguments[2], weights: arguments[3], inputScale: Float(arguments[4]) ?? .nan,
                                 out: arguments[5], classNames: Array(arguments.dropFirst(6))))
}
if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
    KerasIsolation.executable = URL(fileURLWithPath: path)
}
Emoscope.main()
