#pragma once
// The `aletheia` command line interface. Exit codes: 0 ok, 1 user error, 2 runtime failure.
namespace aletheia::cli {
int run(int argc, char** argv);
}
