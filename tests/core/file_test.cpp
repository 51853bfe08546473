// Tests for core/file: atomic writes and clear errors.
#include "w2s/core/file.h"

#include <gtest/gtest.h>

#include "test_support.h"
#include "w2s/core/error.h"

namespace w2s {
namespace {

TEST(File, AtomicWriteReplacesContentAndLeavesNoTemporary) {
  test::TempDir dir;
  const auto path = dir / "sub" / "a.json";
  write_file_atomic(path, "first");
  write_file_atomic(path, "second, longer");
  EXPECT_EQ(read_file(path), "second, longer");
  int n = 0;
  for (auto& e : std::filesystem::directory_iterator(path.parent_path())) {
    (void)e;
    ++n;
  }
  EXPECT_EQ(n, 1);
}

TEST(File, ReadMissingFileNamesThePath) {
  try {
    read_file("/nonexistent/w2s/file.txt");
    FAIL() << "expected w2s::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/w2s/file.txt"), std::string::npos);
  }
}

TEST(File, WriteIntoUnwritableFolderThrows) {
  EXPECT_THROW(write_file_atomic("/proc/w2s-cannot-write/x", "x"), std::exception);
}

}  // namespace
}  // namespace w2s
