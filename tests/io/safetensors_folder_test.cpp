// Tests for io/safetensors checkpoint folders: one file or shards + model.safetensors.index.json,
// stale-shard cleanup, and clear errors for broken indexes and shards.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "safetensors_test_util.h"
#include "test_support.h"
#include "w2s/core/file.h"
#include "w2s/io/safetensors.h"

namespace w2s::io {
namespace {

using namespace test_util;
using json = nlohmann::json;
namespace fs = std::filesystem;

std::set<std::string> file_names(const fs::path& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.insert(e.path().filename().string());
  return out;
}

// Six tensors, 1032 bytes in all; in name order: a 400, b 200, c 200, d 16, e 200, f 16.
TensorMap sample_tensors() {
  torch::manual_seed(3);
  TensorMap m;
  m["a.weight"] = torch::randn({10, 10}, torch::kFloat32);                                   // 400 bytes
  m["b.weight"] = torch::randn({10, 10}, torch::kFloat16);                                   // 200
  m["c.weight"] = torch::randn({10, 10}, torch::kBFloat16);                                  // 200
  m["d.bias"] = torch::randint(0, 100, {2}, torch::kInt64);                                  // 16
  m["e.weight"] = torch::randn({10, 5}, torch::kFloat32).t();                                // 200, non-contiguous
  m["f.scale"] = torch::scalar_tensor(0.5, torch::kFloat64).reshape({1, 1}).expand({2, 1});  // 16
  return m;
}

void expect_same_maps(const TensorMap& expected, const TensorMap& actual) {
  ASSERT_EQ(actual.size(), expected.size());
  for (const auto& [name, t] : expected) {
    ASSERT_TRUE(actual.count(name)) << name;
    expect_bit_identical(t, actual.at(name), name);
  }
}

json read_index(const fs::path& dir) { return json::parse(read_file(dir / "model.safetensors.index.json")); }

TEST(SafetensorsFolder, SingleFileWhenUnsharded) {
  test::TempDir dir;
  const auto tensors = sample_tensors();
  save_checkpoint_tensors(dir.path(), tensors, 0, {{"format", "pt"}});
  EXPECT_EQ(file_names(dir.path()), std::set<std::string>{"model.safetensors"});
  expect_same_maps(tensors, load_checkpoint_tensors(dir.path()));
  EXPECT_EQ(SafetensorsFile::open(dir / "model.safetensors")->metadata(), (Metadata{{"format", "pt"}}));
  // A limit everything fits under also gives one file.
  save_checkpoint_tensors(dir.path(), tensors, 1032);
  EXPECT_EQ(file_names(dir.path()), std::set<std::string>{"model.safetensors"});
  // A file path works as well as its folder.
  expect_same_maps(tensors, load_checkpoint_tensors(dir / "model.safetensors"));
}

TEST(SafetensorsFolder, ShardedSaveLoadsBackWithHuggingFaceIndex) {
  test::TempDir dir;
  const auto tensors = sample_tensors();
  save_checkpoint_tensors(dir.path(), tensors, 500, {{"format", "pt"}});
  // Greedy in name order: [a] 400, [b c d] 416, [e f] 216 bytes.
  const std::set<std::string> expected_files = {"model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors",
                                                "model-00003-of-00003.safetensors", "model.safetensors.index.json"};
  EXPECT_EQ(file_names(dir.path()), expected_files);

  const json index = read_index(dir.path());
  EXPECT_EQ(index["metadata"]["total_size"], 1032);
  const json expected_map = {
      {"a.weight", "model-00001-of-00003.safetensors"}, {"b.weight", "model-00002-of-00003.safetensors"},
      {"c.weight", "model-00002-of-00003.safetensors"}, {"d.bias", "model-00002-of-00003.safetensors"},
      {"e.weight", "model-00003-of-00003.safetensors"}, {"f.scale", "model-00003-of-00003.safetensors"}};
  EXPECT_EQ(index["weight_map"], expected_map);
  const std::vector<uint64_t> shard_bytes = {400, 416, 216};
  for (int i = 1; i <= 3; ++i) {
    const auto shard = SafetensorsFile::open(dir / fmt::format("model-{:05d}-of-00003.safetensors", i));
    EXPECT_EQ(shard->metadata(), (Metadata{{"format", "pt"}}));
    uint64_t bytes = 0;
    for (const auto& info : shard->tensors()) bytes += info.end - info.begin;
    EXPECT_EQ(bytes, shard_bytes[i - 1]) << "shard " << i;
  }
  expect_same_maps(tensors, load_checkpoint_tensors(dir.path()));
}

TEST(SafetensorsFolder, TensorLargerThanTheLimitGetsItsOwnShard) {
  test::TempDir dir;
  TensorMap tensors = {{"big", torch::ones({100})}, {"small", torch::ones({2})}};
  save_checkpoint_tensors(dir.path(), tensors, 100);
  const json index = read_index(dir.path());
  EXPECT_EQ(index["weight_map"]["big"], "model-00001-of-00002.safetensors");
  EXPECT_EQ(index["weight_map"]["small"], "model-00002-of-00002.safetensors");
  expect_same_maps(tensors, load_checkpoint_tensors(dir.path()));
}

TEST(SafetensorsFolder, ResavingRemovesOnlyOurStaleFiles) {
  test::TempDir dir;
  const auto tensors = sample_tensors();
  write_bytes(dir / "model-final.safetensors.bak", "user file");
  write_bytes(dir / "notes.txt", "user file");
  save_checkpoint_tensors(dir.path(), tensors, 0);    // single file
  save_checkpoint_tensors(dir.path(), tensors, 250);  // more shards; the single file must go
  const auto sharded = file_names(dir.path());
  EXPECT_FALSE(sharded.count("model.safetensors"));
  EXPECT_TRUE(sharded.count("model-00004-of-00004.safetensors"));
  save_checkpoint_tensors(dir.path(), tensors, 500);  // three shards: the 4-shard files go
  EXPECT_EQ(file_names(dir.path()),
            (std::set<std::string>{"model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors",
                                   "model-00003-of-00003.safetensors", "model.safetensors.index.json",
                                   "model-final.safetensors.bak", "notes.txt"}));
  expect_same_maps(tensors, load_checkpoint_tensors(dir.path()));
  save_checkpoint_tensors(dir.path(), tensors, 0);  // back to one file
  EXPECT_EQ(file_names(dir.path()),
            (std::set<std::string>{"model.safetensors", "model-final.safetensors.bak", "notes.txt"}));
  expect_same_maps(tensors, load_checkpoint_tensors(dir.path()));
}

TEST(SafetensorsFolder, MissingShardNamesIndexAndShard) {
  test::TempDir dir;
  save_checkpoint_tensors(dir.path(), sample_tensors(), 500);
  fs::remove(dir / "model-00002-of-00003.safetensors");
  expect_error([&] { load_checkpoint_tensors(dir.path()); },
               {(dir / "model.safetensors.index.json").string(), "model-00002-of-00003.safetensors", "does not exist"});
}

TEST(SafetensorsFolder, TensorMissingFromItsShard) {
  test::TempDir dir;
  save_checkpoint_tensors(dir.path(), sample_tensors(), 500);
  json index = read_index(dir.path());
  index["weight_map"]["a.weight"] = "model-00002-of-00003.safetensors";  // it is in shard 1
  write_file_atomic(dir / "model.safetensors.index.json", index.dump());
  // Shard 1 is now listed for nothing, shard 2 lacks a.weight.
  expect_error([&] { load_checkpoint_tensors(dir.path()); },
               {"model.safetensors.index.json", "'a.weight'", "model-00002-of-00003.safetensors", "missing"});
}

TEST(SafetensorsFolder, TensorInShardButNotInIndex) {
  test::TempDir dir;
  save_checkpoint_tensors(dir.path(), sample_tensors(), 500);
  json index = read_index(dir.path());
  index["weight_map"].erase("c.weight");
  write_file_atomic(dir / "model.safetensors.index.json", index.dump());
  expect_error([&] { load_checkpoint_tensors(dir.path()); },
               {(dir / "model-00002-of-00003.safetensors").string(), "'c.weight'", "not listed"});
}

TEST(SafetensorsFolder, BrokenIndexFiles) {
  test::TempDir dir;
  save_checkpoint_tensors(dir.path(), sample_tensors(), 500);
  const auto index_path = dir / "model.safetensors.index.json";
  const std::string index_name = index_path.string();
  write_file_atomic(index_path, "{\"weight_map\": ");
  expect_error([&] { load_checkpoint_tensors(dir.path()); }, {index_name, "not valid JSON"});
  write_file_atomic(index_path, R"({"metadata": {}})");
  expect_error([&] { load_checkpoint_tensors(dir.path()); }, {index_name, "weight_map"});
  write_file_atomic(index_path, R"({"weight_map": {"a.weight": 1}})");
  expect_error([&] { load_checkpoint_tensors(dir.path()); }, {index_name, "'a.weight'"});
  write_file_atomic(index_path, R"({"weight_map": {"a.weight": "../model-00001-of-00003.safetensors"}})");
  expect_error([&] { load_checkpoint_tensors(dir.path()); }, {index_name, "file name"});
}

TEST(SafetensorsFolder, FolderWithoutWeights) {
  test::TempDir dir;
  expect_error([&] { load_checkpoint_tensors(dir.path()); },
               {dir.path().string(), "model.safetensors", "model.safetensors.index.json"});
  expect_error([&] { load_checkpoint_tensors(dir / "absent"); }, {(dir / "absent").string(), "does not exist"});
  // Shards whose index was lost are not guessed at.
  save_checkpoint_tensors(dir.path(), sample_tensors(), 500);
  fs::remove(dir / "model.safetensors.index.json");
  expect_error([&] { load_checkpoint_tensors(dir.path()); }, {dir.path().string(), "shard", "index"});
}

TEST(SafetensorsFolder, SingleOtherSafetensorsFileIsAcceptedWhenUnambiguous) {
  test::TempDir dir;
  const TensorMap tensors = {{"w", torch::arange(4, torch::kFloat32)}};
  save_safetensors(dir / "pytorch_weights.safetensors", tensors);
  write_bytes(dir / "config.json", "{}");
  expect_same_maps(tensors, load_checkpoint_tensors(dir.path()));
  save_safetensors(dir / "other.safetensors", tensors);
  expect_error([&] { load_checkpoint_tensors(dir.path()); },
               {dir.path().string(), "ambiguous", "other.safetensors", "pytorch_weights.safetensors"});
}

}  // namespace
}  // namespace w2s::io
