#include "gemm.h"
#include <blis.h>
#include <stdexcept>
#include <string>

namespace bench {

void blisSgemm(bool transposeA, bool transposeB, int m, int n, int k, const float *a, int lda, const float *b,
               int ldb, float *c, int ldc, int threads) {
    bli_init();
    bli_thread_set_num_threads(threads);
    float one = 1, zero = 0;
    // Row-major through BLIS's general strides: a row stride of lda and a column stride of 1.
    bli_sgemm(transposeA ? BLIS_TRANSPOSE : BLIS_NO_TRANSPOSE, transposeB ? BLIS_TRANSPOSE : BLIS_NO_TRANSPOSE,
              m, n, k, &one, const_cast<float *>(a), lda, 1, const_cast<float *>(b), ldb, 1, &zero, c, ldc, 1);
}

void blisChooseConfiguration(const std::string &name) {
    // BLIS reads BLIS_ARCH_TYPE (a number) once, when it initialises.
    for (int id = 0; id < BLIS_NUM_ARCHS; id++)
        if (name == bli_arch_string((arch_t)id)) {
            setenv("BLIS_ARCH_TYPE", std::to_string(id).c_str(), 1);
            return;
        }
    throw std::runtime_error("BLIS has no sub-configuration named " + name);
}

std::string blisConfiguration() {
    bli_init();
    return std::string("BLIS ") + bli_info_get_version_str() + ", sub-configuration " +
           bli_arch_string(bli_arch_query_id());
}

}  // namespace bench
