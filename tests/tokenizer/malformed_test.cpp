// Malformed and unsupported tokenizer files: each must throw w2s::Error naming the file and key.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <functional>

#include "tokenizer_test_util.h"
#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/tokenizer/tokenizer.h"

namespace w2s::tokenizer {
namespace {

using nlohmann::json;

json minimal() {
  json vocab = json::object();
  for (const auto& [piece, id] : test::byte_vocab({"ab"})) vocab[piece] = id;
  return {{"added_tokens", json::array()},
          {"normalizer", nullptr},
          {"pre_tokenizer", {{"type", "ByteLevel"}, {"add_prefix_space", false}}},
          {"post_processor", nullptr},
          {"decoder", {{"type", "ByteLevel"}}},
          {"model", {{"type", "BPE"}, {"vocab", vocab}, {"merges", {"a b"}}}}};
}

// Writes `text` to a fresh tokenizer.json, loads it, and checks the error names the file and
// every one of `needles`.
void expect_text_error(const std::string& text, std::vector<std::string> needles) {
  test::TempDir dir;
  const auto path = dir / "tokenizer.json";
  write_file_atomic(path, text);
  needles.push_back(path.string());
  try {
    Tokenizer::from_file(path);
    ADD_FAILURE() << "no error for: " << text.substr(0, 200);
  } catch (const Error& e) {
    for (const auto& n : needles) {
      EXPECT_NE(std::string(e.what()).find(n), std::string::npos)
          << "message \"" << e.what() << "\" lacks \"" << n << "\"";
    }
  }
}

void expect_error(const json& j, std::vector<std::string> needles) { expect_text_error(j.dump(), std::move(needles)); }

TEST(Malformed, MinimalIsFine) {
  test::TempDir dir;
  write_file_atomic(dir / "tokenizer.json", minimal().dump());
  EXPECT_EQ(Tokenizer::from_file(dir / "tokenizer.json").encode("ab"), std::vector<int64_t>{256});
}

TEST(Malformed, BrokenJson) {
  expect_text_error("{\"model\": {\"type\": \"BPE\", ", {"invalid JSON"});
  expect_text_error("", {"invalid JSON"});
  expect_text_error("[1, 2]", {"top level"});
}

TEST(Malformed, MissingOrBadVocab) {
  json j = minimal();
  j["model"].erase("vocab");
  expect_error(j, {"model.vocab"});
  j = minimal();
  j["model"]["vocab"] = json::array();
  expect_error(j, {"model.vocab"});
  j = minimal();
  j["model"]["vocab"]["x"] = "seven";
  expect_error(j, {"model.vocab[\"x\"]"});
  j = minimal();
  j["model"]["vocab"]["dup"] = 256;
  expect_error(j, {"model.vocab", "share id 256"});
  j = minimal();
  j["model"]["vocab"]["neg"] = -3;
  expect_error(j, {"model.vocab[\"neg\"]", "out of range"});
  j = minimal();
  j.erase("model");
  expect_error(j, {"model is missing"});
  // One huge id in a small vocabulary: refused before tables indexed by id are allocated.
  j = minimal();
  j["model"]["vocab"]["far"] = 16'777'215;
  expect_error(j, {"model.vocab has ids up to 16777215 for only 258 pieces", "mostly holes"});
  j = minimal();
  j["model"]["vocab"]["near"] = 300;  // a few holes are fine
  test::TempDir dir;
  write_file_atomic(dir / "tokenizer.json", j.dump());
  EXPECT_NO_THROW(Tokenizer::from_file(dir / "tokenizer.json"));
}

TEST(Malformed, MergesReferencingUnknownTokens) {
  json j = minimal();
  j["model"]["merges"] = {"a b", "q zz"};
  expect_error(j, {"model.merges[1]", "\"zz\""});
  j["model"]["merges"] = {"b a"};  // both known, but "ba" is not a piece
  expect_error(j, {"model.merges[0]", "merged token \"ba\""});
  j["model"]["merges"] = {"a  b"};
  expect_error(j, {"model.merges[0]"});
  j["model"]["merges"] = {json::array({"a"})};
  expect_error(j, {"model.merges[0]"});
  j["model"].erase("merges");
  expect_error(j, {"model.merges is missing"});
}

TEST(Malformed, UnsupportedFeatures) {
  json j = minimal();
  j["model"]["type"] = "WordPiece";
  expect_error(j, {"model.type", "WordPiece"});
  j = minimal();
  j["model"]["byte_fallback"] = true;
  expect_error(j, {"model.byte_fallback"});
  j = minimal();
  j["model"]["dropout"] = 0.1;
  expect_error(j, {"model.dropout"});
  j = minimal();
  j["model"]["continuing_subword_prefix"] = "##";
  expect_error(j, {"model.continuing_subword_prefix"});
  j = minimal();
  j["normalizer"] = {{"type", "BertNormalizer"}};
  expect_error(j, {"normalizer.type", "BertNormalizer"});
  j = minimal();
  j["normalizer"] = {{"type", "Sequence"}, {"normalizers", {{{"type", "NFC"}}, {{"type", "Precompiled"}}}}};
  expect_error(j, {"normalizer.normalizers[1].type", "Precompiled"});
  j = minimal();
  j["normalizer"] = {{"type", "Replace"}, {"pattern", {{"Regex", " +"}}}, {"content", " "}};
  expect_error(j, {"normalizer.pattern", "Regex"});
  // Character-level pieces (Metaspace or no pre-tokenizer) cannot decode through the byte alphabet.
  j = minimal();
  j["pre_tokenizer"] = {{"type", "Metaspace"}};
  expect_error(j, {"decoder", "needs a ByteLevel pre_tokenizer"});
  j["pre_tokenizer"]["prepend_scheme"] = "sometimes";
  expect_error(j, {"pre_tokenizer.prepend_scheme", "sometimes"});
  j = minimal();
  j["pre_tokenizer"] = nullptr;
  expect_error(j, {"decoder", "needs a ByteLevel pre_tokenizer"});
  j["decoder"] = {{"type", "Replace"}, {"pattern", {{"Regex", "\u2581+"}}}, {"content", " "}};
  expect_error(j, {"decoder.pattern", "Regex"});
  j["decoder"] = {{"type", "Sequence"}, {"decoders", {{{"type", "Fuse"}}, {{"type", "CTC"}}}}};
  expect_error(j, {"decoder.decoders[1].type", "CTC"});
  j = minimal();
  j["pre_tokenizer"] = {{"type", "WhitespaceSplit"}};
  expect_error(j, {"pre_tokenizer.type", "WhitespaceSplit"});
  j = minimal();
  j["pre_tokenizer"] = {{"type", "Sequence"}, {"pretokenizers", {{{"type", "ByteLevel"}}, {{"type", "Metaspace"}}}}};
  expect_error(j, {"pre_tokenizer.pretokenizers[1]", "steps after ByteLevel or Metaspace"});
  j = minimal();
  const json split = {{"type", "Split"}, {"pattern", {{"Regex", "\\s"}}}, {"behavior", "MergedWithPrevious"}};
  j["pre_tokenizer"] = {{"type", "Sequence"}, {"pretokenizers", json::array({split})}};
  expect_error(j, {"pre_tokenizer.pretokenizers[0].behavior", "MergedWithPrevious"});
  j["pre_tokenizer"]["pretokenizers"][0]["behavior"] = "Isolated";
  expect_error(j, {"decoder", "needs a ByteLevel pre_tokenizer"});
  j["pre_tokenizer"]["pretokenizers"][0]["pattern"] = {{"Regex", "(unclosed"}};
  j["pre_tokenizer"]["pretokenizers"].push_back({{"type", "ByteLevel"}});
  expect_error(j, {"(unclosed"});
  j = minimal();
  j["decoder"] = {{"type", "WordPiece"}};
  expect_error(j, {"decoder.type", "WordPiece"});
  j = minimal();
  j["post_processor"] = {{"type", "BertProcessing"}};
  expect_error(j, {"post_processor.type", "BertProcessing"});
  j = minimal();
  j["added_tokens"] = {{{"id", 300}, {"content", "<x>"}, {"single_word", true}}};
  expect_error(j, {"added_tokens[0].single_word"});
  j["added_tokens"] = {{{"id", 300}, {"content", ""}}};
  expect_error(j, {"added_tokens[0].content"});
  j["added_tokens"] = {{{"content", "<x>"}}};
  expect_error(j, {"added_tokens[0].id"});
}

TEST(Malformed, VocabJsonAndMergesTxt) {
  test::TempDir dir;
  json vocab = json::object();
  for (const auto& [piece, id] : test::byte_vocab({"ab"})) vocab[piece] = id;
  write_file_atomic(dir / "vocab.json", vocab.dump());
  write_file_atomic(dir / "merges.txt", "#version: 0.2\na b\nthree parts here\n");
  try {
    Tokenizer::from_vocab_merges(dir / "vocab.json", dir / "merges.txt");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find((dir / "merges.txt").string() + ": line 3"), std::string::npos) << e.what();
  }
  write_file_atomic(dir / "merges.txt", "a b\nx yy\n");
  try {
    Tokenizer::from_vocab_merges(dir / "vocab.json", dir / "merges.txt");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find((dir / "merges.txt").string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("\"yy\""), std::string::npos) << e.what();
  }
  write_file_atomic(dir / "vocab.json", "[]");
  EXPECT_THROW(Tokenizer::from_vocab_merges(dir / "vocab.json", dir / "merges.txt"), Error);
  EXPECT_THROW(Tokenizer::from_vocab_merges(dir / "missing.json", dir / "merges.txt"), Error);
}

}  // namespace
}  // namespace w2s::tokenizer
