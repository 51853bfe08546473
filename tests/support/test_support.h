// Shared test helpers: repository paths and per-test temporary folders.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

namespace w2s::test {

std::filesystem::path source_dir();  // the repository root
std::filesystem::path data_dir();    // <root>/data (fixtures fetched by scripts/setup.sh)

/// <root>/tests/fixtures/data/<rel> (checked-in raw-data fixtures), and its content.
std::filesystem::path data_fixture(const std::string& rel);
std::string read_data_fixture(const std::string& rel);

/// The message of the w2s::Error `f` throws, or "<no error>" (other exceptions propagate).
std::string error_of(const std::function<void()>& f);

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
