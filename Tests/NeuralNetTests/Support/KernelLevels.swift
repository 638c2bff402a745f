import NeuralNet
import Testing

/// Runs kernel tests at each instruction-set level (`KernelLevel`) the CPU supports.
enum KernelLevels {
    /// Runs `body` with the kernels capped at `level` on this thread and its `Compute` loops, and expects that
    /// kernels ran and ran at exactly that level (so a test cannot pass by checking another form). A level the
    /// CPU lacks cancels the test case: it shows as skipped, not as passed.
    static func run<Result>(at level: KernelLevel, sourceLocation: SourceLocation = #_sourceLocation,
                            _ body: () throws -> Result) throws -> Result {
        guard level <= KernelLevel.cpu else { try Test.cancel("this CPU has no \(level) (it has \(KernelLevel.cpu))") }
        KernelLevel.resetLevelsRunOnThisThread()
        let result = try KernelLevel.withMaximum(level) { try body() }
        #expect(KernelLevel.levelsRunOnThisThread == [level], "kernels ran at \(KernelLevel.levelsRunOnThisThread), not \(level)",
                sourceLocation: sourceLocation)
        return result
    }
}
