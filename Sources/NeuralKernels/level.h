#ifndef NEURAL_KERNELS_LEVEL_H
#define NEURAL_KERNELS_LEVEL_H

#include "NeuralKernels.h"

// Shared by the kernel files: the target attributes of each level, and the one call that picks a kernel's form.

#if defined(__x86_64__) || defined(__i386__)
#define NK_X86 1
#define NK_AVX2 __attribute__((target("avx2,fma")))
#define NK_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx2,fma")))
#else
#define NK_X86 0
#endif

#define NK_INLINE static inline __attribute__((always_inline))

// kernel(N, ...) with N = count (1 to 12) as a constant, so that an inlined kernel unrolls for it.
#define NK_CONSTANT_1_TO_12(kernel, count, ...) switch (count) { \
    case 12: kernel(12, __VA_ARGS__); break; case 11: kernel(11, __VA_ARGS__); break; \
    case 10: kernel(10, __VA_ARGS__); break; case 9: kernel(9, __VA_ARGS__); break; \
    case 8: kernel(8, __VA_ARGS__); break; case 7: kernel(7, __VA_ARGS__); break; \
    case 6: kernel(6, __VA_ARGS__); break; case 5: kernel(5, __VA_ARGS__); break; \
    case 4: kernel(4, __VA_ARGS__); break; case 3: kernel(3, __VA_ARGS__); break; \
    case 2: kernel(2, __VA_ARGS__); break; default: kernel(1, __VA_ARGS__); break; }


// For memory-bound loops the compiler vectorises: the same C body compiled once per level. `NK_FORMS(name,
// params, args)` defines `name params`, which calls `name##_body args` in the form of the dispatched level.
#if NK_X86
#define NK_AVX512_WIDE __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx2,fma"), min_vector_width(512)))
#endif
#define NK_FORMS(name, params, args)                                                                            \
    static void name##_portable params { name##_body args; }                                                   \
    NK_FORMS_X86(name, params, args)                                                                           \
    static void name params {                                                                                  \
        switch (nk_dispatch_level()) {                                                                         \
        NK_FORMS_CASES(name, args)                                                                             \
        default: name##_portable args;                                                                         \
        }                                                                                                      \
    }
#if NK_X86
#define NK_FORMS_X86(name, params, args)                                                                        \
    NK_AVX2 static void name##_avx2 params { name##_body args; }                                               \
    NK_AVX512_WIDE static void name##_avx512 params { name##_body args; }
#define NK_FORMS_CASES(name, args)                                                                              \
    case NK_LEVEL_AVX512: name##_avx512 args; return;                                                          \
    case NK_LEVEL_AVX2: name##_avx2 args; return;
#else
#define NK_FORMS_X86(name, params, args)
#define NK_FORMS_CASES(name, args)
#endif

extern _Thread_local unsigned nk_levels_run;

// The level a kernel about to run takes, recorded for tests.
static inline NKLevel nk_dispatch_level(void) {
    const NKLevel level = nk_level();
    nk_levels_run |= 1u << level;
    return level;
}

// C (+)= op(A) · B with B packed by `nk_pack` and A read in place, transposed with `transposeA` (element (r, k)
// at a[k·lda + r]): `nk_gemm`'s blocks.
void nk_sgemm_packed_block(int transposeA, int rows, int columns, int inner, const float *a, int lda, const float *packed,
                           int accumulate, float *c, int ldc);
// The same with B unpacked (leading dimension ldb), read in place.
void nk_sgemm_block(int transposeA, int rows, int columns, int inner, const float *a, int lda, const float *b, int ldb,
                    int accumulate, float *c, int ldc);

#if NK_X86
// winograd_six.c: Winograd's tile transforms for the n = 6 matrices, unrolled; 0 where L or Aᵀ is another
// (or, for the tiles, where planes are a whole batch apart).
int nk_winograd6_tiles_avx512(const NKWinogradShape s, int window, const float *l, const float *source, int t0, int t1,
                              float *v, long planeStride);
int nk_winograd6_output_avx512(const NKWinogradShape s, const float *products, int t0, int t1, const float *at,
                               const float *bias, float *output);
#endif

#endif
