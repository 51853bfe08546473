// Shared test helpers.
#include "test_support.h"

#include <stdlib.h>

#include <stdexcept>

#include "w2s/core/error.h"
#include "w2s/core/file.h"

namespace w2s::test {

std::filesystem::path source_dir() { return W2S_SOURCE_DIR; }
std::filesystem::path data_dir() { return source_dir() / "data"; }
std::filesystem::path data_fixture(const std::string& rel) { return source_dir() / "tests/fixtures/data" / rel; }
std::string read_data_fixture(const std::string& rel) { return read_file(data_fixture(rel)); }

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "<no error>";
}

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "w2s-test-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace w2s::test
