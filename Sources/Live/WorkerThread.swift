import Imaging
import Foundation

/// A named thread running one loop, which its owner can wait for after asking the loop to end.
///
/// Waiting matters: a process that exits while a worker is still inside a library (OpenBLAS, OpenCV) runs
/// that library's exit handlers under it, and crashes.
public final class WorkerThread: @unchecked Sendable {
    private let finished = DispatchSemaphore(value: 0)
    private var isRunning = false

    /// Starts `body` on a new thread named `name`.
    public init() {}

    /// - niceness: 1...19 runs it below the other threads (Linux keeps a nice value per thread; who 0 is this one),
    ///   so that the render loop and the classifier get the cores first.
    public func start(name: String, niceness: Int32 = 0, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread { [finished] in
            if niceness > 0 { _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness) }
            body()
            finished.signal()
        }
        thread.name = name
        isRunning = true
        thread.start()
    }

    /// Waits (up to `timeout` seconds) for the loop to return; the caller has already told it to stop.
    public func join(timeout: Double = 5) {
        guard isRunning else { return }
        _ = finished.wait(timeout: .now() + timeout)
        isRunning = false
    }
}
