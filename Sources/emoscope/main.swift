import Foundation
import KerasImport

// Keras weights are HDF5, read by libhdf5, which a damaged file can crash: this executable reads them in a
// child copy of itself (KerasIsolation), and is that child when started with its hidden command.
let arguments = CommandLine.arguments
if arguments.count >= 7 && arguments[1] == KerasIsolation.command {
    exit(KerasIsolation.runChild(modelJSON: arguments[2], weights: arguments[3], inputScale: Float(arguments[4]) ?? .nan,
                                 inputOffset: Float(arguments[5]) ?? .nan, out: arguments[6],
                                 classNames: Array(arguments.dropFirst(7))))
}
if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
    KerasIsolation.executable = URL(fileURLWithPath: path)
}
Emoscope.main()
