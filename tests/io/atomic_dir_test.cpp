// Folders replaced and published whole.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "test_support.h"
#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/io/atomic_dir.h"

namespace fs = std::filesystem;

namespace w2s::io {
namespace {

fs::path folder(const fs::path& dir, const std::string& content) {
  fs::create_directories(dir);
  write_file_atomic(dir / "f.txt", content);
  return dir;
}

TEST(AtomicDir, ReplaceSwapsInTheNewFolderAndLeavesNoCopy) {
  test::TempDir t;
  replace_dir(folder(t / ".new.tmp", "one"), t / "ckpt");  // no previous folder
  EXPECT_EQ(read_file(t / "ckpt/f.txt"), "one");
  replace_dir(folder(t / ".new.tmp", "two"), t / "ckpt");
  EXPECT_EQ(read_file(t / "ckpt/f.txt"), "two");
  EXPECT_FALSE(fs::exists(t / ".new.tmp"));
  EXPECT_FALSE(fs::exists(t / "ckpt.old"));
}

TEST(AtomicDir, AnOldCopyLeftByAnInterruptedReplaceIsKeptUntilTheNewOneIsInPlace) {
  // A kill between moving ckpt aside and moving the new one in leaves only ckpt.old: the next
  // replace must not delete it before its own folder is in place (then a second kill would leave
  // nothing to resume from).
  test::TempDir t;
  folder(t / "ckpt.old", "last complete");
  replace_dir(folder(t / ".new.tmp", "newer"), t / "ckpt");
  EXPECT_EQ(read_file(t / "ckpt/f.txt"), "newer");
  EXPECT_FALSE(fs::exists(t / "ckpt.old"));
  // A failing move (tmp missing) puts the previous folder back and names the destination.
  try {
    replace_dir(t / "missing.tmp", t / "ckpt");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("ckpt"), std::string::npos) << e.what();
  }
  EXPECT_EQ(read_file(t / "ckpt/f.txt"), "newer");
}

TEST(AtomicDir, PublishKeepsTheFirstFolder) {
  test::TempDir t;
  EXPECT_TRUE(publish_dir(folder(t / ".a.tmp", "first"), t / "stage"));
  EXPECT_FALSE(publish_dir(folder(t / ".b.tmp", "second"), t / "stage"));
  EXPECT_EQ(read_file(t / "stage/f.txt"), "first");
  EXPECT_FALSE(fs::exists(t / ".b.tmp"));
}

}  // namespace
}  // namespace w2s::io
