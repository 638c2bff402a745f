#pragma once
// OpenBLAS's CBLAS interface plus its thread-count control.
#include <cblas.h>
