import Dispatch
import Foundation

/// Turns SIGINT and SIGTERM into a polite request, so a run can finish its batch and write a checkpoint.
/// A second signal stops the process at once.
final class StopSignals: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []

    init(message: String = "Stopping after this batch and writing a checkpoint…", _ onStop: @escaping @Sendable () -> Void) {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            var count = 0
            source.setEventHandler {
                count += 1
                if count > 1 { exit(130) }
                FileHandle.standardError.write(Data("\n\(message)\n".utf8))
                onStop()
            }
            source.resume()
            sources.append(source)
        }
    }

    func cancel() { sources.forEach { $0.cancel() } }
}
