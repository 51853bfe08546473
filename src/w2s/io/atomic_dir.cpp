// Whole-folder replacement and publication by rename.
#include "w2s/io/atomic_dir.h"

#include "w2s/core/error.h"

namespace fs = std::filesystem;

namespace w2s::io {

void replace_dir(const fs::path& tmp, const fs::path& dest) {
  const fs::path old = dest.string() + ".old";
  std::error_code ec;
  if (fs::exists(dest)) {
    fs::remove_all(old, ec);  // dest is complete: an older copy is not needed
    fs::rename(dest, old, ec);
    if (ec) {
      fs::remove_all(tmp);
      fail("{}: cannot move the previous folder aside: {}", dest.string(), ec.message());
    }
  }
  // dest is absent now; <dest>.old, when present, is the last complete copy.
  fs::rename(tmp, dest, ec);
  if (ec) {
    std::error_code ignored;
    if (!fs::exists(dest) && fs::exists(old)) fs::rename(old, dest, ignored);
    fs::remove_all(tmp, ignored);
    fail("{}: cannot move the new folder into place: {}", dest.string(), ec.message());
  }
  fs::remove_all(old, ec);
}

bool publish_dir(const fs::path& tmp, const fs::path& dest) {
  std::error_code ec;
  if (!fs::exists(dest)) fs::rename(tmp, dest, ec);
  if (fs::exists(tmp)) {  // dest existed, or the rename lost a race to another process
    fs::remove_all(tmp, ec);
    return false;
  }
  return true;
}

}  // namespace w2s::io
