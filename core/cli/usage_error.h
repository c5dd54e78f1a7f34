#pragma once
// A mistake on the command line (exit code 1, like any aletheia::Error).
#include "core/common/error.h"

namespace aletheia::cli {

class UsageError : public Error {
public:
    UsageError(const std::string& command, const std::string& what)
        : Error(what + "\n(see: aletheia " + command + " --help)") {}
};

// A command whose engine part has not landed yet (exit code 2: nothing the user can fix).
class NotAvailable : public std::runtime_error {
public:
    explicit NotAvailable(const std::string& command)
        : std::runtime_error("'" + command + "' is not available yet in this build") {}
};

}  // namespace aletheia::cli
