// JSON Lines reading (streaming, FILE:LINE errors, counted UTF-8 repair) and atomic writing.
#include "w2s/io/jsonl.h"

#include <cerrno>
#include <cstring>
#include <fstream>

#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/core/log.h"
#include "w2s/core/text.h"
#include "w2s/io/json_read.h"

namespace w2s::io {
namespace {

// nlohmann's messages start with "[json.exception.parse_error.101] "; keep the readable part.
std::string short_json_error(const char* what) {
  std::string m = what;
  if (!m.empty() && m[0] == '[') {
    const size_t close = m.find("] ");
    if (close != std::string::npos) m = m.substr(close + 2);
  }
  return m;
}

/// std::getline with a bound: reads one line (without its '\n') into `line`, but stops once it
/// holds more than `max_bytes` and sets `too_long`. False at the end of the input.
bool getline_bounded(std::istream& in, std::string& line, size_t max_bytes, bool& too_long) {
  line.clear();
  too_long = false;
  char buf[1 << 16];
  for (;;) {
    in.getline(buf, sizeof buf);
    const auto n = static_cast<size_t>(in.gcount());
    if (in.fail() && !in.eof() && n == sizeof buf - 1) {  // the buffer filled before the line ended
      line.append(buf, n);
      in.clear();
      if (line.size() > max_bytes) return too_long = true;
      continue;
    }
    if (in.eof()) {  // the last line, without '\n' (or nothing)
      line.append(buf, n);
      too_long = line.size() > max_bytes;
      return n > 0;
    }
    line.append(buf, n > 0 ? n - 1 : 0);  // gcount counts the '\n' it consumed
    too_long = line.size() > max_bytes;
    return true;
  }
}

}  // namespace

JsonlStats for_each_jsonl(const std::filesystem::path& path, const JsonlRowFn& fn, const JsonlReadOptions& options) {
  std::error_code ec;
  check(!std::filesystem::is_directory(path, ec), "{}: is a folder, not a JSONL file", path.string());
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("{}: cannot open: {}", path.string(), std::strerror(errno));
  JsonlStats stats;
  std::string line;
  bool too_long = false;
  while (getline_bounded(in, line, options.max_line_bytes, too_long)) {
    ++stats.n_lines;
    if (too_long)
      fail("{}:{}: line longer than {} bytes (a JSONL row is one line; is this the right file?)", path.string(),
           stats.n_lines, options.max_line_bytes);
    if (stats.n_lines == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // BOM
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (strip_view(line).empty()) continue;
    if (const size_t bad = find_invalid_utf8(line); bad != std::string_view::npos) {
      check(options.replace_invalid_utf8, "{}:{}: invalid UTF-8 at byte {} of the line", path.string(), stats.n_lines,
            bad + 1);
      stats.n_invalid_utf8 += sanitize_utf8(line);
    }
    nlohmann::json row;
    try {
      row = parse_json(line);
    } catch (const nlohmann::json::exception& e) {
      fail("{}:{}: invalid JSON: {}", path.string(), stats.n_lines, short_json_error(e.what()));
    }
    ++stats.n_rows;
    fn(row, stats.n_lines);
    if (options.max_rows > 0 && stats.n_rows >= options.max_rows) break;
  }
  if (in.bad()) fail("{}: read error: {}", path.string(), std::strerror(errno));
  check(options.allow_empty || stats.n_rows > 0, "{}: no rows (the file is empty or blank)", path.string());
  if (stats.n_invalid_utf8 > 0) {
    log::warn("{}: replaced {} invalid UTF-8 sequence(s) with U+FFFD", path.string(), stats.n_invalid_utf8);
  }
  return stats;
}

std::vector<nlohmann::json> read_jsonl(const std::filesystem::path& path, const JsonlReadOptions& options) {
  std::vector<nlohmann::json> rows;
  for_each_jsonl(
      path, [&](const nlohmann::json& row, size_t) { rows.push_back(row); }, options);
  return rows;
}

std::string to_jsonl_line(const nlohmann::json& row) {
  std::string s = row.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  s.push_back('\n');
  return s;
}

void write_jsonl(const std::filesystem::path& path, const std::vector<nlohmann::json>& rows) {
  std::string out;
  for (const auto& row : rows) out += to_jsonl_line(row);
  write_file_atomic(path, out);
}

}  // namespace w2s::io
