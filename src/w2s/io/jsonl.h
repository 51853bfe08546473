// JSON Lines: a streaming reader that names FILE:LINE on every error, and an atomic writer.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace w2s::io {

/// Options for reading a JSONL file.
struct JsonlReadOptions {
  bool allow_empty = false;          // false: a file with no rows throws "FILE: no rows"
  bool replace_invalid_utf8 = true;  // true: invalid UTF-8 bytes become U+FFFD (counted);
                                     // false: a line with invalid UTF-8 throws FILE:LINE
  size_t max_rows = 0;               // stop after this many rows; 0 = all
  size_t max_line_bytes = 64 << 20;  // a longer line throws FILE:LINE before it is read whole
};

/// What a read saw.
struct JsonlStats {
  size_t n_rows = 0;          // rows passed to the callback
  size_t n_lines = 0;         // physical lines read (blank ones included)
  size_t n_invalid_utf8 = 0;  // U+FFFD replacements made (see text_utf8.h for the policy)
};

/// Called once per non-blank line with the parsed row and its 1-based line number.
using JsonlRowFn = std::function<void(const nlohmann::json& row, size_t line_no)>;

/// Stream a JSONL file row by row. Blank (whitespace-only) lines are skipped; a UTF-8 BOM and
/// CRLF line ends are accepted. A malformed line throws w2s::Error "FILE:LINE: invalid JSON: ...";
/// an empty file throws "FILE: no rows" unless allow_empty. Invalid UTF-8 is replaced and a
/// warning with the count is logged once per file. Exceptions thrown by `fn` propagate unchanged.
///
///   for_each_jsonl("train.jsonl", [&](const nlohmann::json& row, size_t line) { ... });
JsonlStats for_each_jsonl(const std::filesystem::path& path, const JsonlRowFn& fn,
                          const JsonlReadOptions& options = {});

/// Read every row into memory (same rules as for_each_jsonl).
std::vector<nlohmann::json> read_jsonl(const std::filesystem::path& path, const JsonlReadOptions& options = {});

/// One row as a single JSON line with a trailing '\n' (compact; invalid UTF-8 → U+FFFD).
std::string to_jsonl_line(const nlohmann::json& row);

/// Write rows as JSONL atomically (readers see the old file or the whole new one).
void write_jsonl(const std::filesystem::path& path, const std::vector<nlohmann::json>& rows);

}  // namespace w2s::io
