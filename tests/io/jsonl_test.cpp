// Tests for data/jsonl: streaming reads with FILE:LINE errors, UTF-8 repair, atomic writes.
#include "w2s/io/jsonl.h"

#include <gtest/gtest.h>

#include "test_support.h"
#include "w2s/core/error.h"
#include "w2s/core/file.h"

namespace w2s::io {
namespace {

using test::error_of;

TEST(Jsonl, StreamsRowsWithLineNumbersSkippingBlankLines) {
  test::TempDir dir;
  const auto path = dir / "a.jsonl";
  write_file_atomic(path, "\xEF\xBB\xBF{\"x\": 1}\r\n\n   \n{\"x\": 2}\n[3]");
  std::vector<std::pair<nlohmann::json, size_t>> got;
  const JsonlStats st =
      for_each_jsonl(path, [&](const nlohmann::json& row, size_t line) { got.emplace_back(row, line); });
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].first["x"], 1);
  EXPECT_EQ(got[0].second, 1u);
  EXPECT_EQ(got[1].first["x"], 2);
  EXPECT_EQ(got[1].second, 4u);
  EXPECT_EQ(got[2].first, nlohmann::json::array({3}));
  EXPECT_EQ(got[2].second, 5u);
  EXPECT_EQ(st.n_rows, 3u);
  EXPECT_EQ(st.n_lines, 5u);
  EXPECT_EQ(st.n_invalid_utf8, 0u);
}

TEST(Jsonl, MalformedLineNamesFileAndLine) {
  test::TempDir dir;
  const auto path = dir / "bad.jsonl";
  write_file_atomic(path, "{\"a\": 1}\n\n{\"a\": 2,}\n{\"a\": 3}\n");
  const std::string err = error_of([&] { read_jsonl(path); });
  EXPECT_NE(err.find(path.string() + ":3: invalid JSON:"), std::string::npos) << err;
  EXPECT_EQ(err.find("[json.exception"), std::string::npos) << err;
}

TEST(Jsonl, EmptyOrBlankFileIsAnErrorNamingTheFile) {
  test::TempDir dir;
  for (const char* content : {"", "\n  \n\n"}) {
    const auto path = dir / "empty.jsonl";
    write_file_atomic(path, content);
    const std::string err = error_of([&] { read_jsonl(path); });
    EXPECT_NE(err.find(path.string()), std::string::npos) << err;
    EXPECT_NE(err.find("no rows"), std::string::npos) << err;
    JsonlReadOptions o;
    o.allow_empty = true;
    EXPECT_TRUE(read_jsonl(path, o).empty());
  }
}

TEST(Jsonl, MissingFileAndFolderAreErrors) {
  test::TempDir dir;
  EXPECT_NE(error_of([&] { read_jsonl(dir / "nope.jsonl"); }).find("nope.jsonl"), std::string::npos);
  EXPECT_NE(error_of([&] { read_jsonl(dir.path()); }).find("is a folder"), std::string::npos);
}

TEST(Jsonl, InvalidUtf8IsReplacedAndCounted) {
  test::TempDir dir;
  const auto path = dir / "u.jsonl";
  write_file_atomic(path, "{\"t\": \"caf\xE9 \xFF\"}\n{\"t\": \"ok\"}\n");
  std::vector<nlohmann::json> rows;
  const JsonlStats st = for_each_jsonl(path, [&](const nlohmann::json& row, size_t) { rows.push_back(row); });
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0]["t"], "caf\xEF\xBF\xBD \xEF\xBF\xBD");
  EXPECT_EQ(st.n_invalid_utf8, 2u);

  JsonlReadOptions strict;
  strict.replace_invalid_utf8 = false;
  const std::string err = error_of([&] { read_jsonl(path, strict); });
  EXPECT_NE(err.find(path.string() + ":1: invalid UTF-8"), std::string::npos) << err;
}

TEST(Jsonl, MaxRowsStopsEarlyAndCallbackErrorsPropagate) {
  test::TempDir dir;
  const auto path = dir / "m.jsonl";
  write_file_atomic(path, "1\n2\n3\nnot json\n");
  JsonlReadOptions o;
  o.max_rows = 2;
  EXPECT_EQ(read_jsonl(path, o).size(), 2u);
  EXPECT_THROW(for_each_jsonl(path, [](const nlohmann::json&, size_t) { throw std::logic_error("x"); }),
               std::logic_error);
}

TEST(Jsonl, LongLinesReadWholeAndTooLongLinesAreRefusedByLine) {
  test::TempDir tmp;
  // Lines longer than the reader's 64 KiB buffer, one of them exactly as long, and a last line
  // without a newline.
  const std::string a(70000, 'a'), b((1 << 16) - 1 - 12, 'b');
  write_file_atomic(tmp / "long.jsonl", "{\"text\": \"" + a + "\"}\n{\"text\": \"" + b + "\"}\n{\"text\": \"end\"}");
  std::vector<std::string> texts;
  for_each_jsonl(tmp / "long.jsonl",
                 [&](const nlohmann::json& row, size_t) { texts.push_back(row.at("text").get<std::string>()); });
  ASSERT_EQ(texts.size(), 3u);
  EXPECT_EQ(texts[0], a);
  EXPECT_EQ(texts[1], b);
  EXPECT_EQ(texts[2], "end");
  JsonlReadOptions o;
  o.max_line_bytes = 1000;
  try {
    for_each_jsonl(
        tmp / "long.jsonl", [](const nlohmann::json&, size_t) {}, o);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("long.jsonl:1: line longer than 1000 bytes"), std::string::npos) << e.what();
  }
}

TEST(Jsonl, WriteThenReadRoundTrips) {
  test::TempDir dir;
  const auto path = dir / "sub" / "out.jsonl";
  std::vector<nlohmann::json> rows = {{{"txt", "a\nb"}, {"gt_label", 1}},
                                      {{"txt", "\xC3\xA9"}, {"soft_label", {0.25, 0.75}}}};
  write_jsonl(path, rows);
  EXPECT_EQ(read_file(path), "{\"gt_label\":1,\"txt\":\"a\\nb\"}\n{\"soft_label\":[0.25,0.75],\"txt\":\"\xC3\xA9\"}\n");
  EXPECT_EQ(read_jsonl(path), rows);
  write_jsonl(path, {nlohmann::json{{"n", 2}}});  // replaces atomically
  EXPECT_EQ(read_jsonl(path).size(), 1u);
  int files = 0;
  for (auto& e : std::filesystem::directory_iterator(path.parent_path())) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 1);
  // Invalid UTF-8 inside a string is written as U+FFFD rather than failing.
  EXPECT_EQ(to_jsonl_line(nlohmann::json("a\xFF")), "\"a\xEF\xBF\xBD\"\n");
}

}  // namespace
}  // namespace w2s::io
