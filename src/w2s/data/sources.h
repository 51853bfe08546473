// Generic example sources: JSONL and CSV/TSV files with configurable field names, turned into
// labelled Examples with errors that name FILE:LINE and the field at fault. A file holds either
// classification rows (a text and a 0/1 label) or comparisons (a prompt, two completions and which
// one is preferred), the latter in one of three layouts:
//   chosen=FIELD&rejected=FIELD        the preferred and the other completion
//   a=FIELD&b=FIELD&label=FIELD        two completions; the label says which is preferred: a/b, 0/1
//   completions=FIELD&label=FIELD      JSONL: an array of two completions; the label is an index
// each with an optional prompt=FIELD (a shared context; none = empty). A multiple-choice file
// (JSONL) gives choices=FIELD (an array of two or more answers, as many as each question has),
// label=FIELD (the right answer's index) and optionally prompt=FIELD.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "w2s/data/example.h"

namespace w2s::data {

/// How to read examples from a JSONL or CSV file.
struct SourceOptions {
  std::string text_field = "text";    // field holding the model input text (classification)
  std::string label_field = "label";  // field holding the 0/1 label (0/1, true/false, "0"/"1"); for
                                      // comparisons with a/b or completions: the preferred one
  std::string prompt_field;           // comparison: the prompt ("" = none: an empty prompt)
  std::string chosen_field;           // comparison: the preferred completion (with rejected_field)
  std::string rejected_field;         // comparison: the other completion
  std::string a_field, b_field;       // comparison: two completions; label_field says which wins
  std::string completions_field;      // comparison (JSONL): an array of the two completions
  std::string choices_field;          // multiple choice (JSONL): an array of the answers (≥ 2)
  std::string group_field = "";       // field whose value groups rows; "" = each row alone
  std::string id_field = "";          // field holding a unique row id; "" = "<prefix>/<row number>"
  std::string id_prefix = "";         // prefix of generated ids and groups; "" = the file's stem
  char delimiter = ',';               // CSV: field separator ('\t' for TSV)
  bool header = true;                 // CSV: the first record names the columns; false = the
                                      // columns are named "0", "1", ... by position
  size_t max_rows = 0;                // stop after this many rows; 0 = all

  /// True when the fields name comparisons (chosen, a or completions set).
  bool comparison() const { return !chosen_field.empty() || !a_field.empty() || !completions_field.empty(); }
  /// True when the fields name multiple-choice questions (choices set).
  bool multiple_choice() const { return !choices_field.empty(); }
  /// The kind of task the fields describe.
  TaskKind kind() const {
    return multiple_choice() ? TaskKind::multiple_choice
                             : (comparison() ? TaskKind::comparison : TaskKind::classification);
  }
};

/// What a load saw.
struct SourceStats {
  size_t n_rows = 0;          // examples produced
  size_t n_label1 = 0;        // of which label 1
  size_t n_invalid_utf8 = 0;  // U+FFFD replacements made in the file's text
};

/// Parse a label value: 0/1 (integers or 0.0/1.0), true/false, or the strings "0", "1", "true",
/// "false" (case-insensitive, surrounding spaces ignored). Anything else throws
/// "WHERE: label 'x' in field 'FIELD' is not 0/1" (`where` is "FILE:LINE").
int parse_label(const nlohmann::json& value, std::string_view field, std::string_view where);

/// Parse which completion of a comparison is preferred: "a"/"b" (case-insensitive) or 0/1 (an
/// index). Anything else throws "WHERE: preference 'x' in field 'FIELD' is not a/b or 0/1".
int parse_preference(const nlohmann::json& value, std::string_view field, std::string_view where);

/// Load examples from a JSONL file (one JSON object per line).
std::vector<Example> load_jsonl_examples(const std::filesystem::path& path, const SourceOptions& options = {},
                                         SourceStats* stats = nullptr);

/// Load examples from a CSV file (RFC 4180: quoted fields may hold delimiters, "" quotes and
/// newlines; CRLF or LF line ends). Errors name the line where the offending record starts.
std::vector<Example> load_csv_examples(const std::filesystem::path& path, const SourceOptions& options = {},
                                       SourceStats* stats = nullptr);

/// Dispatch on the extension: .jsonl/.json/.ndjson → JSONL, .csv → CSV, .tsv → CSV with '\t'.
/// Any other extension throws naming the file and the accepted extensions.
std::vector<Example> load_examples(const std::filesystem::path& path, const SourceOptions& options = {},
                                   SourceStats* stats = nullptr);

/// Called once per CSV record with its fields and the 1-based line on which the record starts.
using CsvRecordFn = std::function<void(const std::vector<std::string>& fields, size_t line_no)>;

/// Call `fn` for each record of a CSV file per RFC 4180 (the file is read into memory whole;
/// blank lines between records are skipped).
/// An unterminated quoted field, text after a closing quote, or a record whose field count differs
/// from the first record throws FILE:LINE; a quote inside an unquoted field is kept literally.
/// Invalid UTF-8 inside fields is replaced (see text_utf8.h); returns the replacement count.
size_t for_each_csv_record(const std::filesystem::path& path, char delimiter, const CsvRecordFn& fn);

/// Parse CSV text held in memory (same rules; `name` is used in error messages).
size_t for_each_csv_record_in(std::string_view text, std::string_view name, char delimiter, const CsvRecordFn& fn);

}  // namespace w2s::data
