#include "level.h"

// The one place that decides which form of the kernels runs. The CPU's level is read once from what the CPU
// reports (the compiler runtime also checks that the operating system saves the wider registers); tests and
// benchmarks may only lower it.

static int cpu_level = -1;
static int process_cap = NK_LEVEL_AVX512;
static _Thread_local int thread_cap = NK_LEVEL_AVX512;
_Thread_local unsigned nk_levels_run;

static int detect(void) {
#if NK_X86
    __builtin_cpu_init();
    const int avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    // BW, VL and DQ come with F on every AVX-512 CPU but Xeon Phi; the kernels compile with all four.
    if (avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq"))
        return NK_LEVEL_AVX512;
    if (avx2) return NK_LEVEL_AVX2;
#endif
    return NK_LEVEL_PORTABLE;
}

NKLevel nk_cpu_level(void) {
    // Racing first calls all compute the same answer.
    int level = __atomic_load_n(&cpu_level, __ATOMIC_RELAXED);
    if (level < 0) {
        level = detect();
        __atomic_store_n(&cpu_level, level, __ATOMIC_RELAXED);
    }
    return (NKLevel)level;
}

static int clamp(NKLevel level) {
    return level < NK_LEVEL_PORTABLE ? NK_LEVEL_PORTABLE : level > NK_LEVEL_AVX512 ? NK_LEVEL_AVX512 : (int)level;
}

void nk_set_max_level(NKLevel level) { __atomic_store_n(&process_cap, clamp(level), __ATOMIC_RELAXED); }
NKLevel nk_max_level(void) { return (NKLevel)__atomic_load_n(&process_cap, __ATOMIC_RELAXED); }
void nk_set_thread_max_level(NKLevel level) { thread_cap = clamp(level); }
NKLevel nk_thread_max_level(void) { return (NKLevel)thread_cap; }

NKLevel nk_level(void) {
    int level = nk_cpu_level();
    const int process = __atomic_load_n(&process_cap, __ATOMIC_RELAXED);
    if (process < level) level = process;
    if (thread_cap < level) level = thread_cap;
    return (NKLevel)level;
}

unsigned nk_levels_run_on_this_thread(void) { return nk_levels_run; }
void nk_reset_levels_run_on_this_thread(void) { nk_levels_run = 0; }
void nk_add_levels_run_on_this_thread(unsigned levels) { nk_levels_run |= levels; }

// Independent chains, more than the FMA units × their latency, so that the loop is bound by throughput alone,
// and few enough to stay in registers with the two operands (AVX2 has 16 vector registers, AVX-512 32).
enum { CHAINS_256 = 12, CHAINS_512 = 16 };

#if NK_X86
#include <immintrin.h>

NK_AVX2 static double fma_loop_256(long iterations) {
    __m256 acc[CHAINS_256];
    for (int i = 0; i < CHAINS_256; i++) acc[i] = _mm256_set1_ps((float)i);
    const __m256 x = _mm256_set1_ps(0.999999f), y = _mm256_set1_ps(1e-7f);
    for (long n = 0; n < iterations; n++)
        for (int i = 0; i < CHAINS_256; i++) acc[i] = _mm256_fmadd_ps(acc[i], x, y);
    // Keeps the chains alive: without a use of the result the compiler would drop the loop.
    __m256 sum = acc[0];
    for (int i = 1; i < CHAINS_256; i++) sum = _mm256_add_ps(sum, acc[i]);
    volatile float sink = _mm256_cvtss_f32(sum);
    (void)sink;
    return 2.0 * 8 * CHAINS_256 * (double)iterations;
}

NK_AVX512 static double fma_loop_512(long iterations) {
    __m512 acc[CHAINS_512];
    for (int i = 0; i < CHAINS_512; i++) acc[i] = _mm512_set1_ps((float)i);
    const __m512 x = _mm512_set1_ps(0.999999f), y = _mm512_set1_ps(1e-7f);
    for (long n = 0; n < iterations; n++)
        for (int i = 0; i < CHAINS_512; i++) acc[i] = _mm512_fmadd_ps(acc[i], x, y);
    __m512 sum = acc[0];
    for (int i = 1; i < CHAINS_512; i++) sum = _mm512_add_ps(sum, acc[i]);
    volatile float sink = _mm512_reduce_add_ps(sum);
    (void)sink;
    return 2.0 * 16 * CHAINS_512 * (double)iterations;
}
#endif

double nk_fma_loop(int bits, long iterations) {
#if NK_X86
    if (bits == 256 && nk_cpu_level() >= NK_LEVEL_AVX2) return fma_loop_256(iterations);
    if (bits == 512 && nk_cpu_level() >= NK_LEVEL_AVX512) return fma_loop_512(iterations);
#endif
    (void)bits; (void)iterations;
    return 0;
}
