import Dispatch
import NeuralKernels

/// The instruction-set level the hand-written kernels (`NeuralKernels`) run at: the highest the CPU reports,
/// unless lowered to measure or test a lower one. Every kernel family has a form for each level.
public enum KernelLevel: Int, CaseIterable, Comparable, Sendable, CustomStringConvertible {
    /// C compiled for any CPU.
    case portable
    /// 8 lanes: AVX2 and FMA.
    case avx2
    /// 16 lanes: AVX-512 F, BW, VL and DQ.
    case avx512

    public static func < (a: KernelLevel, b: KernelLevel) -> Bool { a.rawValue < b.rawValue }

    public var description: String {
        switch self {
        case .portable: "portable"
        case .avx2: "avx2"
        case .avx512: "avx512"
        }
    }

    /// The bits of a vector register this level computes with (the portable C counts as the compiler's
    /// baseline SSE).
    public var vectorBits: Int {
        switch self {
        case .portable: 128
        case .avx2: 256
        case .avx512: 512
        }
    }

    init(_ level: NKLevel) { self = KernelLevel(rawValue: Int(level.rawValue)) ?? .portable }
    var nkLevel: NKLevel { NKLevel(rawValue: UInt32(rawValue)) }

    /// The highest level this CPU supports.
    public static var cpu: KernelLevel { KernelLevel(nk_cpu_level()) }

    /// The process-wide cap (`.avx512`: none): kernels run at min(cpu, maximum). Set it before the work starts.
    public static var maximum: KernelLevel {
        get { KernelLevel(nk_max_level()) }
        set { nk_set_max_level(newValue.nkLevel) }
    }

    /// The level kernels called from this thread (and from the loops it hands to `Compute`) run at.
    public static var current: KernelLevel { KernelLevel(nk_level()) }

    /// Runs `body` with the kernels it calls, on this thread and in `Compute`'s loops it starts, capped at
    /// `level` (nested, the lower cap holds); other threads are unaffected.
    public static func withMaximum<Result>(_ level: KernelLevel, _ body: () throws -> Result) rethrows -> Result {
        let saved = nk_thread_max_level()
        nk_set_thread_max_level(min(KernelLevel(saved), level).nkLevel)
        defer { nk_set_thread_max_level(saved) }
        return try body()
    }

    /// The levels the kernels called from this thread ran at since `resetLevelsRun()` (for tests).
    public static var levelsRunOnThisThread: Set<KernelLevel> {
        let bits = nk_levels_run_on_this_thread()
        return Set(allCases.filter { bits & (1 << $0.rawValue) != 0 })
    }

    public static func resetLevelsRunOnThisThread() { nk_reset_levels_run_on_this_thread() }

    /// The machine's peak in GFLOP/s of fused multiply-adds on `bits`-bit vectors (256 or 512) over `threads`
    /// threads at once, from a loop of independent multiply-adds; nil when the CPU lacks the width.
    public static func fmaPeak(bits: Int, threads: Int, iterations: Int = 20_000_000) -> Double? {
        guard nk_fma_loop(Int32(bits), 1000) > 0 else { return nil }
        let workers = max(1, threads)
        let flops = UnsafeMutableBufferPointer<Double>.allocate(capacity: workers)
        defer { flops.deallocate() }
        let shared = UncheckedSendable(flops)
        var best = 0.0
        // The best of three: a peak is what the cores can do, not what they did while another process ran.
        for _ in 0..<3 {
            let start = DispatchTime.now().uptimeNanoseconds
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                shared.value[worker] = nk_fma_loop(Int32(bits), iterations)
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            best = max(best, flops.reduce(0, +) / seconds / 1e9)
        }
        return best
    }
}
