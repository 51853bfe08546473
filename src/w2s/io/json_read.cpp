// Bounded JSON parsing and safe excerpts (see json_read.h).
#include "w2s/io/json_read.h"

#include <fmt/format.h>

#include "w2s/core/error.h"
#include "w2s/core/file.h"

namespace w2s::io {

namespace {

/// Thrown from the parser callback at the first level past the cap: a json::exception, so every
/// caller's handler for bad JSON handles it too.
class TooDeep : public nlohmann::json::exception {
 public:
  explicit TooDeep(int max_depth)
      : exception(599, fmt::format("JSON nested deeper than {} levels (not a file w2s reads)", max_depth).c_str()) {}
};

}  // namespace

nlohmann::json parse_json(std::string_view text, int max_depth) {
  auto cap = [max_depth](int depth, nlohmann::json::parse_event_t event, nlohmann::json&) {
    if ((event == nlohmann::json::parse_event_t::object_start || event == nlohmann::json::parse_event_t::array_start) &&
        depth >= max_depth)
      throw TooDeep(max_depth);
    return true;
  };
  return nlohmann::json::parse(text.begin(), text.end(), cap);
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
