// Hostile JSON: nesting deep enough to overflow a recursive reader or dump is refused at parse
// time with the file named, in every reader of outside files; excerpts stay short.
#include "w2s/io/json_read.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "safetensors_test_util.h"
#include "test_support.h"
#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/io/jsonl.h"
#include "w2s/io/safetensors.h"
#include "w2s/models/config.h"
#include "w2s/tokenizer/tokenizer.h"

namespace fs = std::filesystem;

namespace w2s::io {
namespace {

std::string nested(int depth, const std::string& inner = "1") {
  return std::string(static_cast<size_t>(depth), '[') + inner + std::string(static_cast<size_t>(depth), ']');
}

using test::error_of;

TEST(JsonRead, NestingIsCappedAndErrorsNameTheFile) {
  EXPECT_EQ(parse_json(nested(kMaxJsonDepth)).size(), 1u);  // as deep as allowed
  EXPECT_THROW(parse_json(nested(kMaxJsonDepth + 1)), nlohmann::json::exception);
  EXPECT_THROW(parse_json("{\"a\": "), nlohmann::json::exception);
  test::TempDir tmp;
  // A million levels: refused quickly, no stack overflow.
  write_file_atomic(tmp / "deep.json", nested(1'000'000));
  const auto e = error_of([&] { read_json_file(tmp / "deep.json"); });
  EXPECT_NE(e.find("deep.json: invalid JSON: "), std::string::npos) << e;
  EXPECT_NE(e.find("nested deeper than 100 levels"), std::string::npos) << e;
}

TEST(JsonRead, TheFirstRepeatedKeyIsFoundWithItsDepth) {
  RepeatedKey r;
  auto j = parse_json(R"({"a": 1, "b": {"x": 1, "y": 2}, "c": [{"x": 1}, {"x": 2}]})", r);
  EXPECT_EQ(r.key, "");  // the same key in sibling objects is no repeat
  EXPECT_EQ(j["c"][1]["x"], 2);
  j = parse_json(R"({"a": 1, "b": {"x": 1, "y": 2, "x": 3}, "a": 2})", r);
  EXPECT_EQ(r.key, "x");  // the first repeat in document order
  EXPECT_EQ(r.depth, 2);
  EXPECT_EQ(j["b"]["x"], 3);  // nlohmann's value: the last
  parse_json(R"({"t": {"k": [1]}, "t": 0})", r);
  EXPECT_EQ(r.key, "t");
  EXPECT_EQ(r.depth, 1);
  parse_json(R"([1, {"k": 1}, {"k": 2}])", r);
  EXPECT_EQ(r.key, "");                                                           // the result is reset by each call
  EXPECT_THROW(parse_json(R"({"a": 1, "a": )", r), nlohmann::json::parse_error);  // nlohmann's own error
  EXPECT_THROW(parse_json(nested(kMaxJsonDepth + 1), r), nlohmann::json::exception);
}

TEST(JsonRead, EveryReaderOfOutsideFilesRefusesDeepNesting) {
  test::TempDir tmp;
  const std::string deep = nested(200'000);
  // config.json
  fs::create_directories(tmp / "model");
  write_file_atomic(tmp / "model" / "config.json", "{\"model_type\": \"gpt2\", \"x\": " + deep + "}");
  auto e = error_of([&] { models::load_config(tmp / "model"); });
  EXPECT_NE(e.find("config.json"), std::string::npos) << e;
  EXPECT_NE(e.find("nested deeper"), std::string::npos) << e;
  // tokenizer.json
  write_file_atomic(tmp / "tokenizer.json", "{\"normalizer\": " + deep + "}");
  e = error_of([&] { tokenizer::Tokenizer::from_file(tmp / "tokenizer.json"); });
  EXPECT_NE(e.find("tokenizer.json"), std::string::npos) << e;
  EXPECT_NE(e.find("nested deeper"), std::string::npos) << e;
  // a safetensors header (a shape nested deep)
  test_util::write_bytes(
      tmp / "w.safetensors",
      test_util::raw_safetensors("{\"t\": {\"dtype\": \"F32\", \"shape\": " + deep + ", \"data_offsets\": [0, 4]}}",
                                 "abcd"));
  e = error_of([&] { load_safetensors(tmp / "w.safetensors"); });
  EXPECT_NE(e.find("w.safetensors: header JSON nested deeper than 100 levels"), std::string::npos) << e;
  // a JSONL row: file and line
  write_file_atomic(tmp / "rows.jsonl", "{\"text\": \"a\"}\n{\"text\": " + deep + "}\n");
  e = error_of([&] { for_each_jsonl(tmp / "rows.jsonl", [](const nlohmann::json&, size_t) {}); });
  EXPECT_NE(e.find("rows.jsonl:2:"), std::string::npos) << e;
}

TEST(JsonRead, ExcerptsAreShortAndNeverRecursive) {
  EXPECT_EQ(json_excerpt(nlohmann::json(3)), "3");
  EXPECT_EQ(json_excerpt(nlohmann::json("abc")), "\"abc\"");
  EXPECT_EQ(json_excerpt(nlohmann::json(std::string(500, 'x')), 10), "\"xxxxxxxxxx…\"");
  EXPECT_EQ(json_excerpt(parse_json(nested(50))), "an array of 1 item");
  EXPECT_EQ(json_excerpt(nlohmann::json::object({{"a", 1}, {"b", 2}})), "an object of 2 keys");
  // A shape entry that is itself a huge array is described, not dumped.
  test::TempDir tmp;
  std::string wide = "[";
  for (int i = 0; i < 100000; ++i) wide += (i ? ",1" : "1");
  wide += "]";
  test_util::write_bytes(tmp / "w.safetensors", test_util::raw_safetensors("{\"t\": {\"dtype\": \"F32\", \"shape\": [" +
                                                                               wide + "], \"data_offsets\": [0, 4]}}",
                                                                           "abcd"));
  const auto e = error_of([&] { load_safetensors(tmp / "w.safetensors"); });
  EXPECT_NE(e.find("'shape' entries must be integers, got array an array of 100000 items"), std::string::npos) << e;
  EXPECT_LT(e.size(), 300u);
}

}  // namespace
}  // namespace w2s::io
