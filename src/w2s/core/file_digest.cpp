// Cached file digests (see file_digest.h).
#include "w2s/core/file_digest.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/core/sha256.h"

namespace fs = std::filesystem;

namespace w2s {

fs::path digest_cache_dir() {
  if (const char* d = std::getenv("W2S_CACHE_DIR")) return d;  // "" = no cache
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return fs::path(x) / "w2s";
  if (const char* h = std::getenv("HOME"); h && *h) return fs::path(h) / ".cache" / "w2s";
  return {};
}

std::string file_sha256_cached(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) fail("{}: cannot stat: {}", path.string(), std::strerror(errno));
  const fs::path dir = digest_cache_dir();
  if (dir.empty()) return sha256_file(path);
  const std::string id =
      fmt::format("{}|{}|{}|{}|{}.{}|{}.{}", fs::absolute(path).lexically_normal().string(), st.st_dev, st.st_ino,
                  st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec, st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
  const fs::path entry = dir / "digests" / sha256_hex(id).substr(0, 32);
  {
    std::ifstream in(entry);
    std::string line;
    // An entry is "<digest> <id>": the id guards against a (vanishingly unlikely) name collision.
    if (in && std::getline(in, line) && line.size() > 65 && line.compare(65, std::string::npos, id) == 0)
      return line.substr(0, 64);
  }
  const std::string digest = sha256_file(path);
  try {
    fs::create_directories(entry.parent_path());
    write_file_atomic(entry, digest + " " + id + "\n");
  } catch (const std::exception&) {
    // A read-only or full cache costs the next run a re-hash, never a wrong digest.
  }
  return digest;
}

}  // namespace w2s
