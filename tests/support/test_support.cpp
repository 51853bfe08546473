// Shared test helpers.
#include "test_support.h"

#include <stdlib.h>

#include <stdexcept>

namespace w2s::test {

std::filesystem::path source_dir() { return W2S_SOURCE_DIR; }
std::filesystem::path data_dir() { return source_dir() / "data"; }

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
