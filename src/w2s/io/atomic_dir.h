// Folders published whole: built in a temporary sibling, then renamed into place, so readers see
// the old folder or the complete new one, never a half-written one. (Files: core/file.h and
// io/atomic_writer.h.)
#pragma once

#include <filesystem>
#include <string>

namespace w2s::io {

/// A new, empty, uniquely named folder `<parent>/<prefix>XXXXXX` (mkdtemp), with the permissions
/// any new folder gets under the umask (mkdtemp's are 0700). Errors name `parent`.
std::filesystem::path make_temp_dir(const std::filesystem::path& parent, const std::string& prefix);

/// Replace `dest` with the complete folder `tmp` (a sibling of `dest`). The previous `dest` is
/// kept as `<dest>.old` until the new one is in place, and a `<dest>.old` left by an interrupted
/// replacement is kept while it is the only complete copy: at every instant `dest` or
/// `<dest>.old` holds a complete folder. On failure `tmp` is removed, the previous folder is put
/// back, and w2s::Error names `dest`.
void replace_dir(const std::filesystem::path& tmp, const std::filesystem::path& dest);

/// Move the complete folder `tmp` to `dest` unless `dest` exists already (another process
/// published it first): then `tmp` is removed and the result is false.
bool publish_dir(const std::filesystem::path& tmp, const std::filesystem::path& dest);

}  // namespace w2s::io
