// Schema<T>: the one table that drives an option struct's TOML keys, CLI flags, --help text,
// --dump-config output and validation. Declare it once per struct:
//
//   struct ScoreOptions {
//     std::string model;  // checkpoint folder
//     int64_t max_tokens = 1024;  // truncate longer texts
//     static const config::Schema<ScoreOptions>& schema();
//   };
//   const config::Schema<ScoreOptions>& ScoreOptions::schema() {
//     static const auto s = config::Schema<ScoreOptions>()
//         .field("model", &ScoreOptions::model, "checkpoint folder")
//         .field("max_tokens", &ScoreOptions::max_tokens, "truncate longer texts");
//     return s;
//   }
//
// Nested structs become TOML tables / dotted keys via section("train", &Opts::train).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "w2s/config/value.h"
#include "w2s/core/error.h"

namespace w2s::config {

template <class T>
class Schema {
 public:
  struct Entry {
    std::string key;                                  // dotted key, e.g. "train.lr_peak"
    std::string help;                                 // one line, with units
    std::string type_name;                            // "int", "float", "list of string", ...
    std::vector<std::string> choices;                 // allowed values (strings only); empty = any
    std::function<void(T&, const Value&)> set;        // from a file value
    std::function<void(T&, std::string_view)> parse;  // from command-line text
    std::function<Value(const T&)> get;               // current value
  };

  /// A leaf option. `choices` restricts string values.
  template <class V>
  Schema&& field(std::string key, V T::*member, std::string help, std::vector<std::string> choices = {}) && {
    add_field(std::move(key), member, std::move(help), std::move(choices));
    return std::move(*this);
  }
  template <class V>
  Schema& field(std::string key, V T::*member, std::string help, std::vector<std::string> choices = {}) & {
    add_field(std::move(key), member, std::move(help), std::move(choices));
    return *this;
  }

  /// A leaf option kept in a member struct but keyed as this struct's own (no prefix):
  ///   .field("n_test", &DataOptions::split, &data::SplitOptions::n_test, "test examples")
  template <class S, class V>
  Schema&& field(std::string key, S T::*outer, V S::*inner, std::string help,
                 std::vector<std::string> choices = {}) && {
    add_entry<V>(
        std::move(key), std::move(help), std::move(choices),
        [outer, inner](T& obj) -> V& { return (obj.*outer).*inner; },
        [outer, inner](const T& obj) -> const V& { return (obj.*outer).*inner; });
    return std::move(*this);
  }

  /// All fields of a nested struct under "prefix.".
  template <class S>
  Schema&& section(const std::string& prefix, S T::*member, const Schema<S>& sub) && {
    for (const auto& e : sub.entries()) {
      Entry out{prefix + "." + e.key, e.help, e.type_name, e.choices, nullptr, nullptr, nullptr};
      out.set = [member, f = e.set](T& obj, const Value& v) { f(obj.*member, v); };
      out.parse = [member, f = e.parse](T& obj, std::string_view s) { f(obj.*member, s); };
      out.get = [member, f = e.get](const T& obj) { return f(obj.*member); };
      entries_.push_back(std::move(out));
    }
    return std::move(*this);
  }

  const std::vector<Entry>& entries() const { return entries_; }

  const Entry* find(std::string_view key) const {
    for (const auto& e : entries_)
      if (e.key == key) return &e;
    return nullptr;
  }

  std::vector<std::string> keys() const {
    std::vector<std::string> out;
    for (const auto& e : entries_) out.push_back(e.key);
    return out;
  }

 private:
  template <class V>
  void add_field(std::string key, V T::*member, std::string help, std::vector<std::string> choices) {
    add_entry<V>(
        std::move(key), std::move(help), std::move(choices), [member](T& obj) -> V& { return obj.*member; },
        [member](const T& obj) -> const V& { return obj.*member; });
  }

  template <class V, class Ref, class ConstRef>
  void add_entry(std::string key, std::string help, std::vector<std::string> choices, Ref ref, ConstRef cref) {
    Entry e;
    e.key = key;
    e.help = std::move(help);
    e.type_name = Codec<V>::type_name();
    e.choices = choices;
    e.set = [ref, key, choices](T& obj, const Value& v) {
      V x = Codec<V>::from(v, key);
      check_choice(key, x, choices);
      ref(obj) = std::move(x);
    };
    e.parse = [ref, key, choices](T& obj, std::string_view s) {
      V x = Codec<V>::parse(s, key);
      check_choice(key, x, choices);
      ref(obj) = std::move(x);
    };
    e.get = [cref](const T& obj) { return Codec<V>::to(cref(obj)); };
    entries_.push_back(std::move(e));
  }

  template <class V>
  static void check_choice(const std::string& key, const V& x, const std::vector<std::string>& choices) {
    if constexpr (std::is_same_v<V, std::string>) {
      if (choices.empty()) return;
      for (const auto& c : choices)
        if (c == x) return;
      std::string all;
      for (const auto& c : choices) all += (all.empty() ? "" : ", ") + c;
      fail("config key '{}': '{}' is not one of: {}", key, x, all);
    }
  }

  std::vector<Entry> entries_;
};

/// The closest of `candidates` to `key` by edit distance ("" if none is reasonably close).
std::string closest_key(std::string_view key, const std::vector<std::string>& candidates);

/// Flattened config: dotted key -> value, in the order found.
using FlatConfig = std::vector<std::pair<std::string, Value>>;

/// Parse a TOML file into dotted keys; syntax errors name FILE:LINE:COLUMN.
FlatConfig parse_toml_file(const std::string& path);
FlatConfig parse_toml_string(std::string_view text, const std::string& source);

/// Render dotted keys as TOML (tables for dotted prefixes, in the given order).
std::string to_toml(const FlatConfig& flat);
/// Render as a JSON object text (nested by dotted keys), for records in run folders.
std::string to_json(const FlatConfig& flat);

/// Apply flattened values to obj; an unknown key is an error naming `source` and the closest key.
template <class T>
void apply(T& obj, const Schema<T>& schema, const FlatConfig& flat, const std::string& source) {
  for (const auto& [key, value] : flat) {
    const auto* e = schema.find(key);
    if (!e) {
      const auto hint = closest_key(key, schema.keys());
      if (hint.empty()) fail("{}: unknown config key '{}'", source, key);
      fail("{}: unknown config key '{}' (did you mean '{}'?)", source, key, hint);
    }
    try {
      e->set(obj, value);
    } catch (const Error& err) {
      fail("{}: {}", source, err.what());
    }
  }
}

/// Apply "key=value" (command-line --set) overrides.
template <class T>
void apply_override(T& obj, const Schema<T>& schema, std::string_view assignment) {
  const auto eq = assignment.find('=');
  check(eq != std::string_view::npos, "--set '{}': expected KEY=VALUE", assignment);
  const auto key = std::string(assignment.substr(0, eq));
  const auto* e = schema.find(key);
  if (!e) {
    const auto hint = closest_key(key, schema.keys());
    if (hint.empty()) fail("--set: unknown config key '{}'", key);
    fail("--set: unknown config key '{}' (did you mean '{}'?)", key, hint);
  }
  e->parse(obj, assignment.substr(eq + 1));
}

/// The resolved config as dotted keys, every field included.
template <class T>
FlatConfig flatten(const T& obj, const Schema<T>& schema) {
  FlatConfig out;
  for (const auto& e : schema.entries()) out.emplace_back(e.key, e.get(obj));
  return out;
}

template <class T>
std::string dump_toml(const T& obj, const Schema<T>& schema) {
  return to_toml(flatten(obj, schema));
}

}  // namespace w2s::config
