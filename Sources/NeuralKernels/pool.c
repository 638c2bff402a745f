#include "level.h"

// Max pooling of one NHWC image with `valid` windows, recording each output's winner for the backward pass:
// a select per channel (vectorised across the channels of a pixel) where a branch per value mispredicts.
// The three forms are the same C compiled for each level.

NK_INLINE void max_pool_body(int h, int w, int c, int k, int s, int oh, int ow, const float *restrict x,
                             float *restrict y, int *restrict winners) {
    for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
            float *restrict out = y + ((long)oy * ow + ox) * c;
            int *restrict won = winners + ((long)oy * ow + ox) * c;
            const int first = (oy * s * w + ox * s) * c;
            for (int ch = 0; ch < c; ch++) {
                out[ch] = x[first + ch];
                won[ch] = first + ch;
            }
            for (int ky = 0; ky < k; ky++) {
                for (int kx = 0; kx < k; kx++) {
                    if (ky == 0 && kx == 0) continue;
                    const int start = ((oy * s + ky) * w + ox * s + kx) * c;
                    // Strictly greater: the first value in window order that holds the maximum wins.
                    for (int ch = 0; ch < c; ch++) {
                        const float v = x[start + ch];
                        const int better = v > out[ch];
                        out[ch] = better ? v : out[ch];
                        won[ch] = better ? start + ch : won[ch];
                    }
                }
            }
        }
    }
}

static void max_pool_portable(int h, int w, int c, int k, int s, int oh, int ow, const float *x, float *y,
                              int *winners) {
    max_pool_body(h, w, c, k, s, oh, ow, x, y, winners);
}

#if NK_X86
NK_AVX2 static void max_pool_avx2(int h, int w, int c, int k, int s, int oh, int ow, const float *x, float *y,
                                  int *winners) {
    max_pool_body(h, w, c, k, s, oh, ow, x, y, winners);
}

__attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx2,fma"), min_vector_width(512)))
static void max_pool_avx512(int h, int w, int c, int k, int s, int oh, int ow, const float *x, float *y,
                            int *winners) {
    max_pool_body(h, w, c, k, s, oh, ow, x, y, winners);
}
#endif

void nk_max_pool(int height, int width, int channels, int size, int stride, int outHeight, int outWidth,
                 const float *image, float *output, int *winners) {
    switch (nk_dispatch_level()) {
#if NK_X86
    case NK_LEVEL_AVX512: max_pool_avx512(height, width, channels, size, stride, outHeight, outWidth, image, output, winners); return;
    case NK_LEVEL_AVX2: max_pool_avx2(height, width, channels, size, stride, outHeight, outWidth, image, output, winners); return;
#endif
    default: max_pool_portable(height, width, channels, size, stride, outHeight, outWidth, image, output, winners);
    }
}
