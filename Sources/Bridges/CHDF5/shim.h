#pragma once
// The part of HDF5's C API that reading Keras weight files needs. HDF5's handle constants are
// function-like or global-variable macros that Swift does not import, so they are wrapped here.
#include <hdf5.h>

static inline hid_t chdf5_default_plist(void) { return H5P_DEFAULT; }
static inline hid_t chdf5_all_space(void) { return H5S_ALL; }
static inline unsigned chdf5_read_only(void) { return H5F_ACC_RDONLY; }
static inline hid_t chdf5_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t chdf5_c_string(void) { return H5T_C_S1; }
static inline size_t chdf5_variable_size(void) { return H5T_VARIABLE; }

/// Turns off HDF5's printing of its error stack to stderr (per thread in thread-safe builds); callers
/// report failures themselves. Also initialises the library.
static inline void chdf5_silence_errors(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

/// Copies the description of the innermost error on this thread's HDF5 error stack (where the problem
/// was found, e.g. "truncated file: eof = …") into `buffer`; empty when there is none.
static inline herr_t chdf5__first_error(unsigned n, const H5E_error2_t *error, void *buffer) {
    if (n == 0 && error != NULL && error->desc != NULL) {
        size_t i = 0;
        for (; i < 255 && error->desc[i] != 0; i++) ((char *)buffer)[i] = error->desc[i];
        ((char *)buffer)[i] = 0;
    }
    return 0;
}
static inline void chdf5_innermost_error(char buffer[256]) {
    buffer[0] = 0;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, chdf5__first_error, buffer);
}
