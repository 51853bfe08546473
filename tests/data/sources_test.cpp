// Tests for data/sources: JSONL and CSV loaders with custom field names, and every bad input.
#include "w2s/data/sources.h"

#include <gtest/gtest.h>

#include "test_support.h"
#include "w2s/core/error.h"
#include "w2s/core/file.h"

namespace w2s::data {
namespace {

using test::error_of;

TEST(SourcesJsonl, CustomFieldNamesIdsGroupsAndLabelForms) {
  test::TempDir dir;
  const auto path = dir / "reviews.jsonl";
  write_file_atomic(path,
                    "{\"sentence\": \"good\", \"y\": 1, \"q\": \"g1\", \"uid\": \"r-1\"}\n"
                    "{\"sentence\": \"bad\", \"y\": false, \"q\": \"g1\", \"uid\": \"r-2\"}\n"
                    "\n"
                    "{\"sentence\": \"fine\", \"y\": \"1\", \"q\": 7, \"uid\": 3}\n"
                    "{\"sentence\": \"meh\", \"y\": \" FALSE \", \"q\": \"g2\", \"uid\": \"r-4\"}\n"
                    "{\"sentence\": \"ok\", \"y\": 1.0, \"q\": \"g2\", \"uid\": \"r-5\"}\n");
  SourceOptions o;
  o.text_field = "sentence";
  o.label_field = "y";
  o.group_field = "q";
  o.id_field = "uid";
  SourceStats st;
  const auto ex = load_jsonl_examples(path, o, &st);
  ASSERT_EQ(ex.size(), 5u);
  EXPECT_EQ(ex[0].text, "good");
  EXPECT_EQ(ex[0].label, 1);
  EXPECT_EQ(ex[0].group, "g1");
  EXPECT_EQ(ex[0].id, "r-1");
  EXPECT_EQ(ex[1].label, 0);
  EXPECT_EQ(ex[2].id, "3");
  EXPECT_EQ(ex[2].group, "7");
  EXPECT_EQ(ex[3].label, 0);
  EXPECT_EQ(ex[4].label, 1);
  EXPECT_EQ(st.n_rows, 5u);
  EXPECT_EQ(st.n_label1, 3u);
  EXPECT_EQ(st.n_invalid_utf8, 0u);
}

TEST(SourcesJsonl, DefaultIdsUseTheFileStemOrPrefixAndNoGroup) {
  test::TempDir dir;
  const auto path = dir / "spam.jsonl";
  write_file_atomic(path, "{\"text\": \"a\", \"label\": 0}\n{\"text\": \"b\", \"label\": 1}\n");
  auto ex = load_jsonl_examples(path);
  ASSERT_EQ(ex.size(), 2u);
  EXPECT_EQ(ex[0].id, "spam/0");
  EXPECT_EQ(ex[1].id, "spam/1");
  EXPECT_EQ(ex[1].group, "");
  EXPECT_EQ(group_of(ex[1]), "spam/1");
  SourceOptions o;
  o.id_prefix = "mine";
  o.max_rows = 1;
  ex = load_jsonl_examples(path, o);
  ASSERT_EQ(ex.size(), 1u);
  EXPECT_EQ(ex[0].id, "mine/0");
}

TEST(SourcesJsonl, BadLabelsNameFileLineValueAndField) {
  test::TempDir dir;
  const auto path = dir / "l.jsonl";
  const std::pair<const char*, const char*> cases[] = {
      {"2", "label '2' in field 'label' is not 0/1"},
      {"\"yes\"", "label 'yes' in field 'label' is not 0/1"},
      {"null", "label 'null' in field 'label' is not 0/1"},
      {"0.5", "label '0.5' in field 'label' is not 0/1"},
  };
  for (const auto& [value, message] : cases) {
    write_file_atomic(path,
                      std::string("{\"text\": \"a\", \"label\": 1}\n{\"text\": \"b\", \"label\": ") + value + "}\n");
    const std::string err = error_of([&] { load_jsonl_examples(path); });
    EXPECT_NE(err.find(path.string() + ":2: " + message), std::string::npos) << err;
  }
}

TEST(SourcesJsonl, MissingFieldListsTheAvailableFields) {
  test::TempDir dir;
  const auto path = dir / "m.jsonl";
  write_file_atomic(path, "{\"sentence\": \"a\", \"label\": 1}\n");
  const std::string err = error_of([&] { load_jsonl_examples(path); });
  EXPECT_NE(err.find(path.string() + ":1: missing field 'text' (fields: label, sentence)"), std::string::npos) << err;
  write_file_atomic(path, "{\"text\": 5, \"label\": 1}\n");
  EXPECT_NE(error_of([&] { load_jsonl_examples(path); }).find("field 'text' must be a string"), std::string::npos);
  write_file_atomic(path, "[\"text\", 1]\n");
  EXPECT_NE(error_of([&] { load_jsonl_examples(path); }).find(":1: expected a JSON object"), std::string::npos);
}

TEST(SourcesJsonl, EmptyFileMalformedLineAndDuplicateIds) {
  test::TempDir dir;
  const auto path = dir / "e.jsonl";
  write_file_atomic(path, "");
  std::string err = error_of([&] { load_jsonl_examples(path); });
  EXPECT_NE(err.find(path.string() + ": no rows"), std::string::npos) << err;

  write_file_atomic(path, "{\"text\": \"a\", \"label\": 1}\n{\"text\": \"b\", \"label\": 1\n");
  err = error_of([&] { load_jsonl_examples(path); });
  EXPECT_NE(err.find(path.string() + ":2: invalid JSON"), std::string::npos) << err;

  write_file_atomic(path,
                    "{\"text\": \"a\", \"label\": 1, \"id\": \"x\"}\n"
                    "{\"text\": \"b\", \"label\": 0, \"id\": \"x\"}\n");
  SourceOptions o;
  o.id_field = "id";
  err = error_of([&] { load_jsonl_examples(path, o); });
  EXPECT_NE(err.find(path.string() + ":2: duplicate id 'x' (first on line 1)"), std::string::npos) << err;
}

TEST(SourcesJsonl, InvalidUtf8IsReplacedAndCounted) {
  test::TempDir dir;
  const auto path = dir / "u.jsonl";
  write_file_atomic(path, "{\"text\": \"na\xEFve \xC3\", \"label\": 1}\n{\"text\": \"\xFF\", \"label\": 0}\n");
  SourceStats st;
  const auto ex = load_jsonl_examples(path, {}, &st);
  ASSERT_EQ(ex.size(), 2u);
  EXPECT_EQ(ex[0].text, "na\xEF\xBF\xBDve \xEF\xBF\xBD");
  EXPECT_EQ(ex[1].text, "\xEF\xBF\xBD");
  EXPECT_EQ(st.n_invalid_utf8, 3u);
}

TEST(SourcesComparisons, ThreeLayoutsGiveThePromptCompletionsAndThePreferredIndex) {
  test::TempDir dir;
  const auto path = dir / "prefs.jsonl";
  write_file_atomic(path,
                    "{\"q\": \"Sky?\", \"good\": \" blue\", \"bad\": \" green\", \"x\": \"A\", \"y\": \"B\", "
                    "\"w\": \"b\", \"c\": [\" one\", \" two\"], \"i\": 1}\n");
  SourceOptions o;
  o.prompt_field = "q";
  o.chosen_field = "good";
  o.rejected_field = "bad";
  auto xs = load_jsonl_examples(path, o);
  ASSERT_EQ(xs.size(), 1u);
  EXPECT_EQ(xs[0].text, "Sky?");
  EXPECT_EQ(xs[0].completions, (std::vector<std::string>{" blue", " green"}));
  EXPECT_EQ(xs[0].label, 0);  // the chosen completion is first
  o = {};
  o.a_field = "x";
  o.b_field = "y";
  o.label_field = "w";  // "b": the second one is preferred
  xs = load_jsonl_examples(path, o);
  EXPECT_EQ(xs[0].text, "");  // no prompt field: an empty prompt
  EXPECT_EQ(xs[0].completions, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(xs[0].label, 1);
  o = {};
  o.completions_field = "c";
  o.label_field = "i";
  xs = load_jsonl_examples(path, o);
  EXPECT_EQ(xs[0].completions, (std::vector<std::string>{" one", " two"}));
  EXPECT_EQ(xs[0].label, 1);
  // CSV: a/b columns with an a/b preference.
  const auto csv = dir / "prefs.csv";
  write_file_atomic(csv, "prompt,a,b,winner\nWhich?,yes,no,A\n");
  o = {};
  o.prompt_field = "prompt";
  o.a_field = "a";
  o.b_field = "b";
  o.label_field = "winner";
  xs = load_csv_examples(csv, o);
  ASSERT_EQ(xs.size(), 1u);
  EXPECT_EQ(xs[0].text, "Which?");
  EXPECT_EQ(xs[0].label, 0);
}

TEST(SourcesComparisons, BadRowsNameFileLineAndField) {
  test::TempDir dir;
  SourceOptions o;
  o.chosen_field = "good";
  o.rejected_field = "bad";
  auto err = [&](const std::string& body) {
    const auto path = dir / "p.jsonl";
    write_file_atomic(path, "{\"good\": \"fine\", \"bad\": \"poor\"}\n" + body);
    return error_of([&] { load_jsonl_examples(path, o); });
  };
  std::string e = err("{\"good\": \"only one\"}\n");
  EXPECT_NE(e.find("p.jsonl:2: missing field 'bad'"), std::string::npos) << e;
  e = err("{\"good\": \"same\", \"bad\": \"same\"}\n");
  EXPECT_NE(e.find("p.jsonl:2: the two completions are identical"), std::string::npos) << e;
  e = err("{\"good\": \"  \", \"bad\": \"x\"}\n");
  EXPECT_NE(e.find("p.jsonl:2: empty completion in field 'good'"), std::string::npos) << e;
  o = {};
  o.a_field = "good";
  o.b_field = "bad";
  o.label_field = "pref";
  e = err("{\"good\": \"x\", \"bad\": \"y\", \"pref\": \"c\"}\n");
  EXPECT_NE(e.find("p.jsonl:1: missing field 'pref'"), std::string::npos) << e;  // the first row lacks it
  const auto path = dir / "q.jsonl";
  write_file_atomic(path, "{\"good\": \"x\", \"bad\": \"y\", \"pref\": \"c\"}\n");
  e = error_of([&] { load_jsonl_examples(path, o); });
  EXPECT_NE(e.find("q.jsonl:1: preference 'c' in field 'pref' is not a/b or 0/1"), std::string::npos) << e;
  // Layouts that cannot go together.
  o.chosen_field = "good";
  o.rejected_field = "bad";
  e = error_of([&] { load_jsonl_examples(path, o); });
  EXPECT_NE(e.find("give one layout"), std::string::npos) << e;
}

TEST(SourcesCsv, QuotedDelimitersQuotesAndNewlinesWithCorrectLineNumbers) {
  test::TempDir dir;
  const auto path = dir / "c.csv";
  write_file_atomic(path,
                    "id,review,stars,label\r\n"
                    "a,\"Good, really \"\"good\"\"\",5,1\r\n"
                    "b,\"two\nline\nreview\",1,0\r\n"
                    "\r\n"
                    "c,plain,3,true\n"
                    "d,\"x\",2,maybe\n");
  SourceOptions o;
  o.text_field = "review";
  o.id_field = "id";
  std::string err = error_of([&] { load_csv_examples(path, o); });
  // Record d starts on line 8: lines 3-5 hold one record, line 6 is blank.
  EXPECT_NE(err.find(path.string() + ":8: label 'maybe' in field 'label' is not 0/1"), std::string::npos) << err;
  o.max_rows = 3;
  SourceStats st;
  const auto ex = load_csv_examples(path, o, &st);
  ASSERT_EQ(ex.size(), 3u);
  EXPECT_EQ(ex[0].id, "a");
  EXPECT_EQ(ex[0].text, "Good, really \"good\"");
  EXPECT_EQ(ex[0].label, 1);
  EXPECT_EQ(ex[1].text, "two\nline\nreview");
  EXPECT_EQ(ex[1].label, 0);
  EXPECT_EQ(ex[2].text, "plain");
  EXPECT_EQ(ex[2].label, 1);
  EXPECT_EQ(st.n_label1, 2u);
}

TEST(SourcesCsv, RecordLineNumbersAndEmptyFields) {
  std::vector<std::pair<std::vector<std::string>, size_t>> got;
  for_each_csv_record_in("a,b\n\"x\ny\",\n,\"\"\n", "mem.csv", ',',
                         [&](const std::vector<std::string>& f, size_t line) { got.emplace_back(f, line); });
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].second, 1u);
  EXPECT_EQ(got[1].first, (std::vector<std::string>{"x\ny", ""}));
  EXPECT_EQ(got[1].second, 2u);
  EXPECT_EQ(got[2].first, (std::vector<std::string>{"", ""}));
  EXPECT_EQ(got[2].second, 4u);
}

TEST(SourcesCsv, MalformedCsvErrorsNameTheLine) {
  auto err_of_text = [](const std::string& text) {
    return error_of(
        [&] { for_each_csv_record_in(text, "f.csv", ',', [](const std::vector<std::string>&, size_t) {}); });
  };
  EXPECT_NE(err_of_text("a,b\n1,\"open\n\nstill open").find("f.csv:4: unterminated quoted field (opened on line 2)"),
            std::string::npos);
  EXPECT_NE(err_of_text("a,b\n\"x\"y,2\n").find("f.csv:2: unexpected character 'y' after a closing quote"),
            std::string::npos);
  EXPECT_NE(err_of_text("a,b\n1,2\n1,2,3\n").find("f.csv:3: 3 fields, but the first record has 2"), std::string::npos);
}

TEST(SourcesCsv, TsvHeaderlessMissingColumnAndEmpty) {
  test::TempDir dir;
  const auto tsv = dir / "t.tsv";
  write_file_atomic(tsv, "text\tlabel\tgroup\nhello, world\t1\tq1\nbye\t0\tq1\n");
  SourceOptions o;
  o.group_field = "group";
  auto ex = load_examples(tsv, o);
  ASSERT_EQ(ex.size(), 2u);
  EXPECT_EQ(ex[0].text, "hello, world");
  EXPECT_EQ(ex[0].group, "q1");
  EXPECT_EQ(ex[1].id, "t/1");

  const auto raw = dir / "raw.csv";
  write_file_atomic(raw, "1,first\n0,second\n");
  o = {};
  o.header = false;
  o.text_field = "1";
  o.label_field = "0";
  ex = load_examples(raw, o);
  ASSERT_EQ(ex.size(), 2u);
  EXPECT_EQ(ex[1].text, "second");
  EXPECT_EQ(ex[1].label, 0);

  const auto miss = dir / "miss.csv";
  write_file_atomic(miss, "body,label\nx,1\n");
  std::string err = error_of([&] { load_examples(miss); });
  EXPECT_NE(err.find(miss.string() + ":1: missing field 'text' (columns: body, label)"), std::string::npos) << err;

  const auto empty = dir / "empty.csv";
  write_file_atomic(empty, "text,label\n");
  err = error_of([&] { load_examples(empty); });
  EXPECT_NE(err.find(empty.string() + ": no rows"), std::string::npos) << err;

  err = error_of([&] { load_examples(dir / "x.parquet"); });
  EXPECT_NE(err.find("unknown file type '.parquet'"), std::string::npos) << err;
}

TEST(SourcesCsv, InvalidUtf8IsReplacedAndCounted) {
  test::TempDir dir;
  const auto path = dir / "u.csv";
  write_file_atomic(path, "text,label\n\"a\xFF\xFE\",1\n");
  SourceStats st;
  const auto ex = load_csv_examples(path, {}, &st);
  ASSERT_EQ(ex.size(), 1u);
  EXPECT_EQ(ex[0].text, "a\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(st.n_invalid_utf8, 2u);
}

}  // namespace
}  // namespace w2s::data
