import Foundation
import NeuralKernels
import Synchronization
import Testing
@testable import NeuralNet

/// Which form of the hand-written kernels runs: the highest level the CPU reports, unless lowered.
@Suite("Kernel levels")
struct KernelLevelTests {
    /// The level the CPU's flags in /proc/cpuinfo call for, found independently of the kernels' own check.
    static func levelFromCPUInfo() throws -> KernelLevel {
        let text = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("flags") })
        let flags = Set(line.split(separator: " ").map(String.init))
        let avx2 = flags.isSuperset(of: ["avx2", "fma"])
        if avx2 && flags.isSuperset(of: ["avx512f", "avx512bw", "avx512vl", "avx512dq"]) { return .avx512 }
        return avx2 ? .avx2 : .portable
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/cpuinfo"), "needs /proc/cpuinfo"))
    func picksTheHighestLevelTheCPUReports() throws {
        #expect(KernelLevel.cpu == (try Self.levelFromCPUInfo()))
        // Unlowered, kernels run at the CPU's level.
        #expect(KernelLevel.maximum == .avx512)
        KernelLevel.resetLevelsRunOnThisThread()
        var c: Float = 0
        nk_sgemm(1, 1, 1, [2], 1, [3], 1, nil, &c, 1)
        #expect(c == 6)
        #expect(KernelLevel.levelsRunOnThisThread == [KernelLevel.cpu])
    }

    /// A lower level forced on a thread is the one its kernels run, also in the loops it hands to Compute's
    /// workers; other threads and the level after the scope are untouched.
    @Test(arguments: KernelLevel.allCases)
    func honoursAForcedLowerLevel(level: KernelLevel) throws {
        guard level <= KernelLevel.cpu else { try Test.cancel("this CPU has no \(level)") }
        let before = KernelLevel.current
        KernelLevel.withMaximum(level) {
            #expect(KernelLevel.current == level)
            KernelLevel.resetLevelsRunOnThisThread()
            // Many chunks, so that on several cores other workers run some; each records its own level.
            let seen = Mutex<Set<KernelLevel>>([])
            Compute.parallelChunks(64, chunks: 64) { _, _ in
                var c: Float = 0
                nk_sgemm(1, 1, 1, [1], 1, [1], 1, nil, &c, 1)
                seen.withLock { _ = $0.insert(KernelLevel.current) }
            }
            #expect(seen.withLock { $0 } == [level])
            #expect(KernelLevel.levelsRunOnThisThread == [level])
            // Nested, a higher cap than the outer one does not raise the level.
            KernelLevel.withMaximum(.avx512) { #expect(KernelLevel.current == level) }
        }
        #expect(KernelLevel.current == before)
    }

    /// Whether a product on this thread runs, and runs at `expected`.
    static func runs(_ expected: KernelLevel) -> Bool {
        KernelLevel.resetLevelsRunOnThisThread()
        var c: Float = 0
        nk_sgemm(1, 1, 1, [2], 1, [3], 1, nil, &c, 1)
        return c == 6 && KernelLevel.current == expected && KernelLevel.levelsRunOnThisThread == [expected]
    }

    /// The process-wide cap (`KernelLevel.maximum`, what `--isa` sets) holds on every thread, a thread's own cap
    /// cannot raise it, and lifted it gives the CPU's level back. Run in a child process, so that lowering the
    /// whole process cannot disturb the tests running beside it.
    @Test func honoursAProcessWideCap() async {
        await #expect(processExitsWith: .success) {
            for level in KernelLevel.allCases where level <= KernelLevel.cpu {
                KernelLevel.maximum = level
                let other = Thread { if !KernelLevelTests.runs(level) { exit(2) } }
                other.start()
                while !other.isFinished { usleep(1000) }
                guard KernelLevelTests.runs(level), KernelLevel.withMaximum(.avx512, { KernelLevelTests.runs(level) }) else { exit(1) }
            }
            KernelLevel.maximum = .avx512
            exit(KernelLevelTests.runs(KernelLevel.cpu) ? 0 : 3)
        }
    }

    /// A few training steps of a small network through every kernel family (the thin first layer by
    /// `nk_sgemm`, Winograd's transforms and packed products, BatchNorm folded with its ReLU, dense layers by
    /// BLAS) give the same losses at every level the CPU has, to 1e-5 relative.
    @Test func trainingGivesTheSameLossAtEveryLevel() throws {
        let shape = [12, 12, 1]
        let layers: [LayerSpec] = [.conv(12, 3), .relu, .conv(20, 3), .batchNorm(), .relu, .maxPool(size: 2, strides: 2),
                                   .conv(24, 5), .relu, .flatten, .dense(5)]
        let x = TestTensors.random([6] + shape, seed: 21)
        let labels = (0..<6).map { $0 % 5 }
        func losses(at level: KernelLevel) throws -> [Float] {
            let network = try Sequential(inputShape: shape, layers: layers, seed: 3)
            #expect((network.layers[2] as! Conv2D).usesWinograd && (network.layers[6] as! Conv2D).usesWinograd)
            #expect(network.stages(through: layers.count).contains(3..<6))
            let loss = CrossEntropyLoss(), gradient = Tensor(shape: [0]), sgd = SGD(learningRate: 0.1)
            return try KernelLevels.run(at: level) {
                (0..<4).map { _ in
                    let value = loss(logits: network.logits(x, training: true), labels: labels, gradient: gradient)
                    network.backwardFromLogits(gradient)
                    sgd.update(network.trainableParameters)
                    return value
                }
            }
        }
        let levels = KernelLevel.allCases.filter { $0 <= KernelLevel.cpu }
        let reference = try losses(at: .portable)
        #expect(reference.last! < reference.first!, "the steps should learn: \(reference)")
        for level in levels {
            let values = try losses(at: level)
            for (step, (a, b)) in zip(values, reference).enumerated() {
                #expect(abs(a - b) <= 1e-5 * abs(b), "\(level), step \(step): loss \(a) vs portable \(b)")
            }
        }
    }
}
