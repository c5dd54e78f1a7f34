// `aletheia` command line: argument handling only; the commands live in core/cli.
#include "core/cli/cli.h"

int main(int argc, char** argv) { return aletheia::cli::run(argc, argv); }
