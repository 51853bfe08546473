// Whole-folder replacement and publication by rename.
#include "w2s/io/atomic_dir.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "w2s/core/error.h"

namespace fs = std::filesystem;

namespace w2s::io {

fs::path make_temp_dir(const fs::path& parent, const std::string& prefix) {
  std::string templ = (parent / (prefix + "XXXXXX")).string();
  if (::mkdtemp(templ.data()) == nullptr)
    fail("{}: cannot create a temporary folder: {}", parent.string(), std::strerror(errno));
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::chmod(templ.c_str(), 0777 & ~mask);
  return templ;
}

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
