// Shared test helpers: repository paths and per-test temporary folders.
#pragma once

#include <filesystem>
#include <string>

namespace w2s::test {

std::filesystem::path source_dir();  // the repository root
std::filesystem::path data_dir();    // <root>/data (fixtures fetched by scripts/setup.sh)

/// A fresh empty folder, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace w2s::test
