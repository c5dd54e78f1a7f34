#pragma once
// One exception type for every user-facing failure. It carries where the problem is
// (file, tensor or key, line) so the CLI and GUI can show a message a user can act on.
#include <stdexcept>
#include <string>

namespace aletheia {

class Error : public std::runtime_error {
public:
    struct Context {
        std::string file;    // path of the offending file, if any
        std::string item;    // tensor name, YAML/JSON key, module name ...
        long line = -1;      // 1-based line number in a text file, -1 if none
    };

    explicit Error(const std::string& what);
    Error(const std::string& what, Context ctx);

    const Context& context() const { return ctx_; }
    // The bare problem, without the "file: item:" prefix that what() carries.
    const std::string& problem() const { return problem_; }

private:
    Context ctx_;
    std::string problem_;
};

// Shorthands that keep throw sites short and uniform.
[[noreturn]] void fail(const std::string& what);
[[noreturn]] void failIn(const std::string& file, const std::string& what, const std::string& item = {},
                         long line = -1);

}  // namespace aletheia
