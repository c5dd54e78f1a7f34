#pragma once
// A mistake on the command line (exit code 1, like any aletheia::Error).
#include "core/common/error.h"

namespace aletheia::cli {

class UsageError : public Error {
public:
    UsageError(const std::string& command, const std::string& what)
        : Error(what + "\n(see: aletheia " + command + " --help)") {}
};

}  // namespace aletheia::cli
