// JSON from files w2s did not write (checkpoints, tokenizers, datasets, configs, copied run
// folders): parsed with a nesting cap, errors that name the file, and values described in
// messages without dumping them whole (a hostile value can be megabytes, or nested deep enough
// to overflow the stack of a recursive dump).
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <string_view>

#include "w2s/core/error.h"

namespace w2s::io {

/// Deeper than any real config, tokenizer or safetensors header (they nest fewer than 10 levels).
constexpr int kMaxJsonDepth = 100;

/// The nlohmann::json::exception id parse_json throws for too deep a nesting.
constexpr int kJsonTooDeepId = 599;

/// Parse `text` as nlohmann::json::parse does, but refuse nesting deeper than `max_depth`: a first
/// pass (SAX, no values built, linear in the text) checks the nesting before the document is built.
/// Both a syntax error and too deep a nesting throw nlohmann::json::exception (callers name the file).
nlohmann::json parse_json(std::string_view text, int max_depth = kMaxJsonDepth);

/// The first key that appears twice within one object (nlohmann keeps the last silently; formats
/// such as safetensors forbid repeats).
struct RepeatedKey {
  std::string key;  // empty: no key repeats
  int depth = 0;    // nesting of the object that repeats it: 1 is the top-level object
};

/// parse_json that also finds the first repeated key (in the same first pass).
nlohmann::json parse_json(std::string_view text, RepeatedKey& repeated, int max_depth = kMaxJsonDepth);

/// parse_json of a whole file; any JSON error → w2s::Error "<path>: invalid JSON: …".
nlohmann::json read_json_file(const std::filesystem::path& path, int max_depth = kMaxJsonDepth);

/// Call `fn()`, which reads values out of JSON from `file`; a nlohmann::json exception it throws
/// (a missing key, a value of the wrong type) becomes w2s::Error "<file>: <what>", so no message
/// about a file's content leaves without the file's name.
///
///   const auto step = io::naming_file(path, [&] { return j.at("step").get<int64_t>(); });
template <typename Fn>
decltype(auto) naming_file(const std::filesystem::path& file, Fn&& fn) {
  try {
    return fn();
  } catch (const nlohmann::json::exception& e) {
    throw Error(file.string() + ": " + e.what());
  }
}

/// `row[key]` as a T; missing → w2s::Error "<where>: missing \"key\"", the wrong type → "<where>:
/// \"key\" has the wrong type (<type>)". `where` names the file and line.
template <typename T>
T required_field(const nlohmann::json& row, const char* key, const std::string& where) {
  check(row.contains(key), "{}: missing \"{}\"", where, key);
  try {
    return row.at(key).get<T>();
  } catch (const nlohmann::json::exception&) {
    fail("{}: \"{}\" has the wrong type ({})", where, key, row.at(key).type_name());
  }
}

/// A short description of `v` for an error message: a scalar as JSON (a string cut to
/// `max_chars`), an array or object by its kind and size ("an array of 3 items"). Never recursive.
std::string json_excerpt(const nlohmann::json& v, size_t max_chars = 60);

}  // namespace w2s::io
