// docs/cli.md, the CLI reference, is the program's own --help text (scripts/cli_reference.sh): this
// regenerates it from the built `w2s` into a temporary file and checks the committed copy matches,
// so an option added, renamed or re-documented without rerunning the script fails here.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "test_support.h"
#include "w2s/core/file.h"

namespace fs = std::filesystem;
using namespace w2s;

TEST(CliReference, DocsCliMdIsTheCurrentHelpText) {
  const fs::path exe = fs::path(W2S_BINARY_DIR) / "w2s";
  ASSERT_TRUE(fs::exists(exe)) << exe << " not built";
  test::TempDir tmp;
  const fs::path fresh = tmp / "cli.md", log = tmp / "log.txt";
  const std::string cmd = "bash '" + (test::source_dir() / "scripts/cli_reference.sh").string() + "' '" + exe.string() +
                          "' '" + fresh.string() + "' >'" + log.string() + "' 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << read_file(log);
  const std::string committed = read_file(test::source_dir() / "docs/cli.md");
  const std::string current = read_file(fresh);
  EXPECT_NE(current.find("## `w2s quickstart`"), std::string::npos);
  EXPECT_NE(current.find("--finetune.loss.logconf-form"), std::string::npos);
  EXPECT_TRUE(committed == current)
      << "docs/cli.md is out of date with `w2s --help`: run `bash scripts/cli_reference.sh` and commit it";
}
