#pragma once
// Directories that readers must see whole or not at all (a checkpoint, an exported adapter):
// written as a temporary sibling, then swapped in with one rename, so a crash, a kill or a
// full disk at any moment leaves either the old directory or the new one, never a mix.
#include <filesystem>
#include <functional>
#include <string>

namespace aletheia {

// Calls `fill` with an empty temporary sibling of `dir` (<dir>.tmp<pid>), then replaces `dir`
// with it: an exchange of the two names where the filesystem supports it (renameat2), else two
// renames (between which `dir` is briefly absent, never partial). A failure in `fill` removes
// the temporary and leaves `dir` as it was; a filesystem error becomes an aletheia::Error naming
// the path. Temporaries left by a killed earlier writer of `dir` are removed first.
void replaceDirectoryAtomically(const std::string& dir, const std::function<void(const std::filesystem::path& tmp)>& fill);

}  // namespace aletheia
