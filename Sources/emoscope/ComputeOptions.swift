import ArgumentParser
import NeuralNet

/// `--threads`, shared by every command that runs the network; `apply()` is the one place the process's
/// compute settings are made.
struct ComputeOptions: ParsableArguments {
    @Option(name: .long, help: "Threads for the network's loops and matrix products (default: one per core).")
    var threads = System.coreCount

    func validate() throws {
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    /// Sets the thread count and the convolution switch before any network is built.
    func apply() {
        Compute.threads = threads
        Conv2D.allowsWinograd = EmoscopeEnvironment.current.winograd
    }
}
