// Bounded JSON parsing and safe excerpts (see json_read.h).
#include "w2s/io/json_read.h"

#include <fmt/format.h>

#include <string>
#include <unordered_set>
#include <vector>

#include "w2s/core/error.h"
#include "w2s/core/file.h"

namespace w2s::io {

namespace {

using json = nlohmann::json;

/// Thrown by the checking pass at the first level past the cap: a json::exception, so every
/// caller's handler for bad JSON handles it too.
class TooDeep : public json::exception {
 public:
  explicit TooDeep(int max_depth)
      : exception(kJsonTooDeepId,
                  fmt::format("JSON nested deeper than {} levels (not a file w2s reads)", max_depth).c_str()) {}
};

/// The checking pass: nesting depth and, when asked, the keys of each open object. Builds no
/// values. (nlohmann's callback parser would do this while building the document, but it rescans
/// the parent object after every nested one ends: quadratic in the keys of a large object.)
class Checker final : public json::json_sax_t {
 public:
  Checker(int max_depth, RepeatedKey* repeated) : max_depth_(max_depth), repeated_(repeated) {}

  bool start_object(std::size_t) override { return open(); }
  bool start_array(std::size_t) override { return open(); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }
  bool key(string_t& k) override {
    if (repeated_ != nullptr && !keys_.empty() && repeated_->key.empty() && !keys_.back().insert(k).second) {
      repeated_->key = k;
      repeated_->depth = static_cast<int>(keys_.size());
    }
    return true;
  }
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  // A syntax error stops the pass; the parse that follows throws nlohmann's own error for it.
  bool parse_error(std::size_t, const std::string&, const json::exception&) override { return false; }

 private:
  bool open() {
    if (depth_ >= max_depth_) throw TooDeep(max_depth_);
    ++depth_;
    if (repeated_ != nullptr) keys_.emplace_back();  // arrays too: end_array pops one
    return true;
  }
  bool close() {
    --depth_;
    if (repeated_ != nullptr) keys_.pop_back();
    return true;
  }

  int max_depth_;
  int depth_ = 0;
  RepeatedKey* repeated_;
  std::vector<std::unordered_set<std::string>> keys_;  // one per open container
};

json checked_parse(std::string_view text, int max_depth, RepeatedKey* repeated) {
  Checker checker(max_depth, repeated);
  json::sax_parse(text.begin(), text.end(), &checker);
  return json::parse(text.begin(), text.end());
}

}  // namespace

nlohmann::json parse_json(std::string_view text, int max_depth) { return checked_parse(text, max_depth, nullptr); }

nlohmann::json parse_json(std::string_view text, RepeatedKey& repeated, int max_depth) {
  repeated = {};
  return checked_parse(text, max_depth, &repeated);
}

nlohmann::json read_json_file(const std::filesystem::path& path, int max_depth) {
  const std::string text = read_file(path);
  try {
    return parse_json(text, max_depth);
  } catch (const nlohmann::json::exception& e) {
    fail("{}: invalid JSON: {}", path.string(), e.what());
  }
}

std::string json_excerpt(const nlohmann::json& v, size_t max_chars) {
  if (v.is_array()) return fmt::format("an array of {} item{}", v.size(), v.size() == 1 ? "" : "s");
  if (v.is_object()) return fmt::format("an object of {} key{}", v.size(), v.size() == 1 ? "" : "s");
  std::string s = v.is_string() ? nlohmann::json(v.get_ref<const std::string&>().substr(0, max_chars))
                                      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                                : v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (v.is_string() && v.get_ref<const std::string&>().size() > max_chars) s.insert(s.size() - 1, "…");
  return s;
}

}  // namespace w2s::io
