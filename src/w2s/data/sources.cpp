// Generic JSONL and CSV example sources with configurable field names.
#include "w2s/data/sources.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <unordered_map>

#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/core/log.h"
#include "w2s/core/text.h"
#include "w2s/io/json_read.h"
#include "w2s/io/jsonl.h"

namespace w2s::data {
namespace {

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out.empty() ? "none" : out;
}

// A JSON value used as an id or group: strings as they are, numbers printed, others dumped.
std::string key_string(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

// A value in an error message: a string as it is (cut), anything else as a short JSON excerpt.
std::string shown(const nlohmann::json& v) {
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    return s.size() <= 60 ? s : s.substr(0, 60) + "…";
  }
  return io::json_excerpt(v);
}

std::string default_prefix(const std::filesystem::path& path, const SourceOptions& options) {
  return options.id_prefix.empty() ? path.stem().string() : options.id_prefix;
}

// Builds examples row by row and enforces unique ids.
class ExampleBuilder {
 public:
  ExampleBuilder(std::string file, std::string prefix) : file_(std::move(file)), prefix_(std::move(prefix)) {}

  void add(std::string text, int label, std::string group, std::string id, size_t line,
           std::vector<std::string> completions = {}) {
    Example e;
    e.id = id.empty() ? fmt::format("{}/{}", prefix_, out_.size()) : std::move(id);
    auto [it, inserted] = id_line_.emplace(e.id, line);
    check(inserted, "{}:{}: duplicate id '{}' (first on line {})", file_, line, e.id, it->second);
    e.text = std::move(text);
    e.label = label;
    e.group = std::move(group);
    e.completions = std::move(completions);
    out_.push_back(std::move(e));
  }
  std::vector<Example>& examples() { return out_; }

 private:
  std::string file_;
  std::string prefix_;
  std::vector<Example> out_;
  std::unordered_map<std::string, size_t> id_line_;  // id → line it came from
};

void fill_stats(const std::vector<Example>& examples, size_t n_invalid, SourceStats* stats) {
  if (!stats) return;
  stats->n_rows = examples.size();
  stats->n_label1 = static_cast<size_t>(
      std::count_if(examples.begin(), examples.end(), [](const Example& e) { return e.label == 1; }));
  stats->n_invalid_utf8 = n_invalid;
}

/// One row's field by name (JSONL: the value; CSV: the field as a string); a missing field throws
/// naming it and the fields the row has.
using FieldFn = std::function<nlohmann::json(const std::string& name)>;

std::string string_field(const FieldFn& field, const std::string& name, const std::string& where) {
  const nlohmann::json v = field(name);
  check(v.is_string(), "{}: field '{}' must be a string, got {}", where, name, v.type_name());
  return v.get<std::string>();
}

void check_options(const SourceOptions& o, const std::string& file) {
  const int layouts =
      !o.chosen_field.empty() + !o.a_field.empty() + !o.completions_field.empty() + !o.choices_field.empty();
  check(layouts <= 1, "{}: give one layout: chosen/rejected, a/b, completions (comparisons) or choices", file);
  check(o.chosen_field.empty() == o.rejected_field.empty(), "{}: chosen and rejected go together", file);
  check(o.a_field.empty() == o.b_field.empty(), "{}: a and b go together", file);
  check(o.comparison() || o.multiple_choice() || o.prompt_field.empty(),
        "{}: prompt is for comparisons and questions (give chosen/rejected, a/b, completions or choices)", file);
}

/// The example of one row.
void add_row(ExampleBuilder& builder, const SourceOptions& o, const FieldFn& field, const std::string& where,
             size_t line) {
  std::string text;
  int label = 0;
  std::vector<std::string> completions;
  if (o.multiple_choice()) {
    if (!o.prompt_field.empty()) text = string_field(field, o.prompt_field, where);
    const nlohmann::json v = field(o.choices_field);
    check(v.is_array() && v.size() >= 2, "{}: field '{}' must be an array of at least two choices", where,
          o.choices_field);
    for (const auto& c : v) {
      check(c.is_string(), "{}: field '{}' must hold strings, got {}", where, o.choices_field, c.type_name());
      completions.push_back(c.get<std::string>());
      check(!strip_view(completions.back()).empty(), "{}: empty choice {} in field '{}'", where, completions.size() - 1,
            o.choices_field);
    }
    const nlohmann::json l = field(o.label_field);
    check(l.is_number_integer() && l.get<int64_t>() >= 0 && l.get<int64_t>() < static_cast<int64_t>(v.size()),
          "{}: label {} in field '{}' is not the index of one of the {} choices", where, io::json_excerpt(l),
          o.label_field, v.size());
    label = l.get<int>();
  } else if (!o.comparison()) {
    text = string_field(field, o.text_field, where);
    label = parse_label(field(o.label_field), o.label_field, where);
  } else {
    if (!o.prompt_field.empty()) text = string_field(field, o.prompt_field, where);
    std::vector<std::string> names;
    if (!o.chosen_field.empty()) {
      names = {o.chosen_field, o.rejected_field};
      for (const auto& n : names) completions.push_back(string_field(field, n, where));
    } else if (!o.a_field.empty()) {
      names = {o.a_field, o.b_field};
      for (const auto& n : names) completions.push_back(string_field(field, n, where));
      label = parse_preference(field(o.label_field), o.label_field, where);
    } else {
      const nlohmann::json v = field(o.completions_field);
      check(v.is_array() && v.size() == 2, "{}: field '{}' must be an array of two completions", where,
            o.completions_field);
      for (const auto& c : v) {
        check(c.is_string(), "{}: field '{}' must hold strings, got {}", where, o.completions_field, c.type_name());
        completions.push_back(c.get<std::string>());
        names.push_back(o.completions_field);
      }
      label = parse_label(field(o.label_field), o.label_field, where);
    }
    for (size_t k = 0; k < 2; ++k)
      check(!strip_view(completions[k]).empty(), "{}: empty completion in field '{}'", where, names[k]);
    check(completions[0] != completions[1], "{}: the two completions are identical", where);
  }
  std::string group = o.group_field.empty() ? "" : key_string(field(o.group_field));
  std::string id = o.id_field.empty() ? "" : key_string(field(o.id_field));
  check(o.id_field.empty() || !id.empty(), "{}: empty id in field '{}'", where, o.id_field);
  builder.add(std::move(text), label, std::move(group), std::move(id), line, std::move(completions));
}

}  // namespace

int parse_preference(const nlohmann::json& value, std::string_view field, std::string_view where) {
  if (value.is_string()) {
    const std::string s = lower_ascii(strip_view(value.get<std::string>()));
    if (s == "a" || s == "0") return 0;
    if (s == "b" || s == "1") return 1;
  } else if (value.is_number_integer() || value.is_number_unsigned()) {
    const auto v = value.get<int64_t>();
    if (v == 0 || v == 1) return static_cast<int>(v);
  }
  fail("{}: preference '{}' in field '{}' is not a/b or 0/1", where, shown(value), field);
}

int parse_label(const nlohmann::json& value, std::string_view field, std::string_view where) {
  if (value.is_boolean()) return value.get<bool>() ? 1 : 0;
  if (value.is_number_integer() || value.is_number_unsigned()) {
    const auto v = value.get<int64_t>();
    if (v == 0 || v == 1) return static_cast<int>(v);
  } else if (value.is_number_float()) {
    const double v = value.get<double>();
    if (v == 0.0 || v == 1.0) return static_cast<int>(v);
  } else if (value.is_string()) {
    const std::string s = lower_ascii(strip_view(value.get<std::string>()));
    if (s == "0" || s == "false") return 0;
    if (s == "1" || s == "true") return 1;
    fail("{}: label '{}' in field '{}' is not 0/1", where, value.get<std::string>(), field);
  }
  fail("{}: label '{}' in field '{}' is not 0/1", where, shown(value), field);
}

std::vector<Example> load_jsonl_examples(const std::filesystem::path& path, const SourceOptions& options,
                                         SourceStats* stats) {
  const std::string file = path.string();
  check_options(options, file);
  ExampleBuilder builder(file, default_prefix(path, options));
  io::JsonlReadOptions read;
  read.max_rows = options.max_rows;
  const io::JsonlStats js = io::for_each_jsonl(
      path,
      [&](const nlohmann::json& row, size_t line) {
        const std::string where = fmt::format("{}:{}", file, line);
        check(row.is_object(), "{}: expected a JSON object, got {}", where, row.type_name());
        auto field = [&](const std::string& name) -> nlohmann::json {
          auto it = row.find(name);
          if (it == row.end()) {
            std::vector<std::string> keys;
            for (auto kv = row.begin(); kv != row.end(); ++kv) keys.push_back(kv.key());
            fail("{}: missing field '{}' (fields: {})", where, name, join(keys));
          }
          return *it;
        };
        add_row(builder, options, field, where, line);
      },
      read);
  fill_stats(builder.examples(), js.n_invalid_utf8, stats);
  return std::move(builder.examples());
}

size_t for_each_csv_record_in(std::string_view text, std::string_view name, char delimiter, const CsvRecordFn& fn) {
  check(delimiter != '"' && delimiter != '\n' && delimiter != '\r', "{}: invalid CSV delimiter '{}'", name, delimiter);
  std::string owned;
  size_t n_replaced = 0;
  if (!is_valid_utf8(text)) {
    owned = to_valid_utf8(text, &n_replaced);
    text = owned;
  }
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // BOM

  size_t i = 0, line = 1;
  size_t n_fields_expected = 0;  // from the first record
  std::vector<std::string> fields;
  const size_t n = text.size();
  auto at_line_end = [&](size_t k) { return k >= n || text[k] == '\n' || text[k] == '\r'; };
  auto skip_line_end = [&](size_t& k) {  // consume one CRLF, LF or CR
    if (k < n && text[k] == '\r') {
      ++k;
      if (k < n && text[k] == '\n') ++k;
    } else if (k < n && text[k] == '\n') {
      ++k;
    }
  };
  while (i < n) {
    const size_t record_line = line;
    // A blank line between records: skip it.
    if (text[i] == '\n' || text[i] == '\r') {
      skip_line_end(i);
      ++line;
      continue;
    }
    fields.clear();
    while (true) {  // one field per iteration
      std::string field;
      if (i < n && text[i] == '"') {
        const size_t quote_line = line;
        ++i;
        while (true) {
          check(i < n, "{}:{}: unterminated quoted field (opened on line {})", name, line, quote_line);
          const char c = text[i];
          if (c == '"') {
            if (i + 1 < n && text[i + 1] == '"') {
              field.push_back('"');
              i += 2;
              continue;
            }
            ++i;  // closing quote
            break;
          }
          if (c == '\r' || c == '\n') {
            // A line break inside quotes is data: keep it as '\n' and count the line.
            if (c == '\r' && i + 1 < n && text[i + 1] == '\n') ++i;
            field.push_back('\n');
            ++line;
            ++i;
            continue;
          }
          field.push_back(c);
          ++i;
        }
        if (i < n && text[i] != delimiter && !at_line_end(i)) {
          fail("{}:{}: unexpected character '{}' after a closing quote", name, line, text[i]);
        }
      } else {
        while (i < n && text[i] != delimiter && !at_line_end(i)) field.push_back(text[i++]);
      }
      fields.push_back(std::move(field));
      if (i < n && text[i] == delimiter) {
        ++i;
        continue;
      }
      break;  // end of line or file
    }
    if (i < n) {
      skip_line_end(i);
      ++line;
    }
    if (n_fields_expected == 0) n_fields_expected = fields.size();
    check(fields.size() == n_fields_expected, "{}:{}: {} fields, but the first record has {}", name, record_line,
          fields.size(), n_fields_expected);
    fn(fields, record_line);
  }
  return n_replaced;
}

size_t for_each_csv_record(const std::filesystem::path& path, char delimiter, const CsvRecordFn& fn) {
  std::error_code ec;
  check(!std::filesystem::is_directory(path, ec), "{}: is a folder, not a CSV file", path.string());
  const std::string text = read_file(path);
  const size_t n_replaced = for_each_csv_record_in(text, path.string(), delimiter, fn);
  if (n_replaced > 0) {
    log::warn("{}: replaced {} invalid UTF-8 sequence(s) with U+FFFD", path.string(), n_replaced);
  }
  return n_replaced;
}

std::vector<Example> load_csv_examples(const std::filesystem::path& path, const SourceOptions& options,
                                       SourceStats* stats) {
  const std::string file = path.string();
  check_options(options, file);
  check(options.choices_field.empty(), "{}: choices (an array) is for JSONL", file);
  check(options.completions_field.empty(),
        "{}: completions (an array) is for JSONL; in CSV give a/b or "
        "chosen/rejected columns",
        file);
  ExampleBuilder builder(file, default_prefix(path, options));
  std::vector<std::string> columns;
  std::unordered_map<std::string, size_t> column_of;  // the fields the rows need → column
  bool have_columns = false;
  size_t n_rows = 0;
  struct Stop {};  // max_rows reached

  // Every field the options name must be a column (checked at the header).
  auto resolve = [&](size_t line) {
    std::vector<std::string> needed;
    if (!options.comparison()) needed = {options.text_field, options.label_field};
    for (const auto* f : {&options.prompt_field, &options.chosen_field, &options.rejected_field, &options.a_field,
                          &options.b_field, &options.group_field, &options.id_field})
      if (!f->empty()) needed.push_back(*f);
    if (!options.a_field.empty()) needed.push_back(options.label_field);
    for (const auto& name : needed) {
      auto it = std::find(columns.begin(), columns.end(), name);
      if (it == columns.end()) fail("{}:{}: missing field '{}' (columns: {})", file, line, name, join(columns));
      column_of[name] = static_cast<size_t>(it - columns.begin());
    }
    have_columns = true;
  };

  size_t n_replaced = 0;
  try {
    n_replaced = for_each_csv_record(path, options.delimiter, [&](const std::vector<std::string>& f, size_t line) {
      if (!have_columns) {
        if (options.header) {
          columns = f;
          for (auto& c : columns) c = strip(c);
          resolve(line);
          return;
        }
        for (size_t k = 0; k < f.size(); ++k) columns.push_back(std::to_string(k));
        resolve(line);
      }
      const std::string where = fmt::format("{}:{}", file, line);
      add_row(
          builder, options, [&](const std::string& name) { return nlohmann::json(f[column_of.at(name)]); }, where,
          line);
      if (options.max_rows > 0 && ++n_rows >= options.max_rows) throw Stop{};
    });
  } catch (const Stop&) {
  }
  check(!builder.examples().empty(), "{}: no rows", file);
  fill_stats(builder.examples(), n_replaced, stats);
  return std::move(builder.examples());
}

std::vector<Example> load_examples(const std::filesystem::path& path, const SourceOptions& options,
                                   SourceStats* stats) {
  const std::string ext = lower_ascii(path.extension().string());
  if (ext == ".jsonl" || ext == ".json" || ext == ".ndjson") {
    return load_jsonl_examples(path, options, stats);
  }
  if (ext == ".csv") return load_csv_examples(path, options, stats);
  if (ext == ".tsv") {
    SourceOptions o = options;
    o.delimiter = '\t';
    return load_csv_examples(path, o, stats);
  }
  fail("{}: unknown file type '{}' (expected .jsonl, .json, .ndjson, .csv or .tsv)", path.string(), ext);
}

}  // namespace w2s::data
