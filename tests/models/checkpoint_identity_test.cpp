// Checkpoint identities: every byte a run reads counts (weights past the header, the tokenizer),
// the folder's location does not.
#include "w2s/models/checkpoint_identity.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "test_support.h"
#include "tiny_family.h"
#include "w2s/core/error.h"
#include "w2s/core/file.h"

namespace fs = std::filesystem;

namespace {

/// Flip one byte of `file` at `offset`, in place (same size, same name).
void flip_byte(const fs::path& file, std::streamoff offset) {
  std::fstream io(file, std::ios::in | std::ios::out | std::ios::binary);
  io.seekg(offset);
  const char c = static_cast<char>(io.get());
  io.seekp(offset);
  io.put(static_cast<char>(c ^ 0x01));
}

}  // namespace

TEST(CheckpointIdentity, EveryByteOfWeightsAndTokenizerCountsAndTheLocationDoesNot) {
  w2s::test::TempDir tmp;
  const auto family = w2s::test::make_tiny_family(tmp / "models", {8, 32});
  const fs::path m = family[1];
  const auto id = w2s::models::checkpoint_identity(m.string());
  EXPECT_EQ(id.size(), 16u);
  EXPECT_NE(w2s::models::checkpoint_identity(family[0].string()), id);
  // A copy elsewhere is the same checkpoint.
  fs::copy(m, tmp / "copy", fs::copy_options::recursive);
  EXPECT_EQ(w2s::models::checkpoint_identity((tmp / "copy").string()), id);
  // One weight byte past the first 4 KiB (the old identity hashed only those): another model.
  const fs::path weights = tmp / "copy" / "model.safetensors";
  ASSERT_GT(fs::file_size(weights), 4096u + 64u);
  flip_byte(weights, static_cast<std::streamoff>(fs::file_size(weights)) - 3);
  const auto retrained = w2s::models::checkpoint_identity((tmp / "copy").string());
  EXPECT_NE(retrained, id);
  // The tokenizer is part of it.
  fs::copy(m, tmp / "copy2", fs::copy_options::recursive);
  auto tok = w2s::read_file(tmp / "copy2" / "tokenizer.json");
  tok += "\n";
  w2s::write_file_atomic(tmp / "copy2" / "tokenizer.json", tok);
  EXPECT_NE(w2s::models::checkpoint_identity((tmp / "copy2").string()), id);
  EXPECT_THROW(w2s::models::checkpoint_identity((tmp / "nowhere").string()), w2s::Error);
}
