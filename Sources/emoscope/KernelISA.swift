import ArgumentParser
import NeuralNet

/// `--isa` of the benchmarks: which form of the hand-written kernels runs (auto: the highest the CPU has).
enum KernelISA: String, ExpressibleByArgument, CaseIterable {
    case auto, avx512, avx2, portable

    /// Caps the kernels of the whole process at this level; a level the CPU lacks is an error, not a fallback.
    func apply() throws -> KernelLevel {
        let level: KernelLevel = switch self {
        case .auto: KernelLevel.cpu
        case .avx512: .avx512
        case .avx2: .avx2
        case .portable: .portable
        }
        guard level <= KernelLevel.cpu else { throw ValidationError("--isa \(rawValue): this CPU has only \(KernelLevel.cpu)") }
        KernelLevel.maximum = level
        return level
    }
}

/// The machine's FMA peaks measured in the same run as a benchmark, and each of its speeds as a fraction of
/// the peak the kernels' level can reach.
struct KernelPeaks {
    let level: KernelLevel
    let peak256: Double?, peak512: Double?

    static func measure(level: KernelLevel, threads: Int) -> KernelPeaks {
        KernelPeaks(level: level, peak256: KernelLevel.fmaPeak(bits: 256, threads: threads),
                    peak512: KernelLevel.fmaPeak(bits: 512, threads: threads))
    }

    /// The peak of the vectors the chosen level computes with (the portable C is held to the 256-bit one).
    var reachable: (bits: Int, gflops: Double)? {
        if level == .avx512, let peak512 { return (512, peak512) }
        return peak256.map { (256, $0) }
    }

    var summary: String {
        func figure(_ value: Double?) -> String { value.map { String(format: "%.0f GFLOP/s", $0) } ?? "not supported" }
        let threads = Compute.threads == 1 ? "1 thread" : "\(Compute.threads) threads"
        return "kernels: \(level) (CPU: \(KernelLevel.cpu)); FMA peak on \(threads): "
            + "256-bit \(figure(peak256)), 512-bit \(figure(peak512))"
    }

    /// " (12 % of the 512-bit peak)" for a speed in GFLOP/s.
    func fraction(_ gflops: Double) -> String {
        guard let reachable else { return "" }
        return String(format: " (%.0f %% of the %d-bit peak)", 100 * gflops / reachable.gflops, reachable.bits)
    }
}
