// Implementation of cvbridge.h (in progress).
#include "cvbridge.h"
#include <cstdlib>
extern "C" void cvb_free(void *pointer) { std::free(pointer); }
