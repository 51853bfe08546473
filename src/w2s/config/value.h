// Config values independent of the file format (TOML today): scalars and lists, plus the codecs
// that convert them to and from typed option-struct fields.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "w2s/core/error.h"

namespace w2s::config {

struct Value;
using List = std::vector<Value>;

/// A config value: bool, integer, float, string, or a list of values.
struct Value {
  std::variant<bool, int64_t, double, std::string, List> data;
};

std::string describe(const Value& v);  // for error messages: `"abc"`, `3`, `[1, 2]`

/// Parse a command-line string into a Value of the kind `like` suggests (CLI overrides arrive as
/// text): "true"/"false", integers, floats, strings; comma-separated for lists.
bool parse_bool(std::string_view text, std::string_view key);
int64_t parse_int(std::string_view text, std::string_view key);
double parse_double(std::string_view text, std::string_view key);
std::vector<std::string> split_list(std::string_view text);  // "a,b , c" -> {a, b, c}

/// Conversion between a field type V and Value. Supported: bool, integral types, floating types,
/// std::string, std::vector of those.
template <class V, class Enable = void>
struct Codec;

template <>
struct Codec<bool> {
  static const char* type_name() { return "bool"; }
  static bool from(const Value& v, std::string_view key) {
    if (auto* b = std::get_if<bool>(&v.data)) return *b;
    fail("config key '{}': expected true or false, got {}", key, describe(v));
  }
  static Value to(bool b) { return Value{b}; }
  static bool parse(std::string_view text, std::string_view key) { return parse_bool(text, key); }
};

template <class V>
struct Codec<V, std::enable_if_t<std::is_integral_v<V> && !std::is_same_v<V, bool>>> {
  static const char* type_name() { return "int"; }
  static V from(const Value& v, std::string_view key) {
    if (auto* i = std::get_if<int64_t>(&v.data)) return checked(*i, key);
    fail("config key '{}': expected an integer, got {}", key, describe(v));
  }
  static Value to(V x) { return Value{static_cast<int64_t>(x)}; }
  static V parse(std::string_view text, std::string_view key) { return checked(parse_int(text, key), key); }
  static V checked(int64_t i, std::string_view key) {
    if constexpr (std::is_unsigned_v<V>) {
      check(i >= 0, "config key '{}': must not be negative, got {}", key, i);
    }
    if constexpr (sizeof(V) < sizeof(int64_t)) {
      check(i >= static_cast<int64_t>(std::numeric_limits<V>::min()) &&
                i <= static_cast<int64_t>(std::numeric_limits<V>::max()),
            "config key '{}': {} is out of range", key, i);
    }
    return static_cast<V>(i);
  }
};

template <class V>
struct Codec<V, std::enable_if_t<std::is_floating_point_v<V>>> {
  static const char* type_name() { return "float"; }
  static V from(const Value& v, std::string_view key) {
    if (auto* d = std::get_if<double>(&v.data)) return static_cast<V>(*d);
    if (auto* i = std::get_if<int64_t>(&v.data)) return static_cast<V>(*i);
    fail("config key '{}': expected a number, got {}", key, describe(v));
  }
  static Value to(V x) { return Value{static_cast<double>(x)}; }
  static V parse(std::string_view text, std::string_view key) { return static_cast<V>(parse_double(text, key)); }
};

template <>
struct Codec<std::string> {
  static const char* type_name() { return "string"; }
  static std::string from(const Value& v, std::string_view key) {
    if (auto* s = std::get_if<std::string>(&v.data)) return *s;
    fail("config key '{}': expected a string, got {}", key, describe(v));
  }
  static Value to(const std::string& s) { return Value{s}; }
  static std::string parse(std::string_view text, std::string_view) { return std::string(text); }
};

template <class E>
struct Codec<std::vector<E>> {
  static std::string type_name() { return std::string("list of ") + Codec<E>::type_name(); }
  static std::vector<E> from(const Value& v, std::string_view key) {
    std::vector<E> out;
    if (auto* l = std::get_if<List>(&v.data)) {
      for (const auto& e : *l) out.push_back(Codec<E>::from(e, key));
    } else {
      out.push_back(Codec<E>::from(v, key));  // a scalar is a one-element list
    }
    return out;
  }
  static Value to(const std::vector<E>& xs) {
    List l;
    for (const auto& x : xs) l.push_back(Codec<E>::to(x));
    return Value{std::move(l)};
  }
  static std::vector<E> parse(std::string_view text, std::string_view key) {
    std::vector<E> out;
    for (const auto& part : split_list(text)) out.push_back(Codec<E>::parse(part, key));
    return out;
  }
};

}  // namespace w2s::config
