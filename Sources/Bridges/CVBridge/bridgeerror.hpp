// The bridge's one thread-local error message, shared by its source files (cvb_last_error reads it).
#pragma once
#include <string>

namespace cvb_errors {
void setLastError(const std::string &message);
}
