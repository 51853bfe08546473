// Config values, closest-key suggestions, and TOML/JSON rendering for Schema<T>.
#include "w2s/config/schema.h"

#include <toml++/toml.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>

#include "w2s/config/cli.h"
#include "w2s/core/text.h"

namespace w2s::config {

std::string describe(const Value& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using X = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<X, bool>)
          return x ? "true" : "false";
        else if constexpr (std::is_same_v<X, int64_t>)
          return std::to_string(x);
        else if constexpr (std::is_same_v<X, double>)
          return fmt::format("{}", x);
        else if constexpr (std::is_same_v<X, std::string>)
          return "\"" + x + "\"";
        else {
          std::string s = "[";
          for (size_t i = 0; i < x.size(); ++i) s += (i ? ", " : "") + describe(x[i]);
          return s + "]";
        }
      },
      v.data);
}

std::string render_value(const Value& v) {
  if (auto* s = std::get_if<std::string>(&v.data)) return s->empty() ? "\"\"" : *s;
  return describe(v);
}

std::string suggest_flag(const CLI::App& app, const std::string& arg) {
  if (arg.rfind("--", 0) != 0) return "";
  const CLI::App* cmd = &app;
  for (bool deeper = true; deeper;) {
    deeper = false;
    for (const auto* sub : cmd->get_subcommands()) {
      cmd = sub;
      deeper = true;
      break;
    }
  }
  std::vector<std::string> names;
  for (const auto* opt : cmd->get_options())
    for (const auto& n : opt->get_lnames()) names.push_back(n);
  const auto eq = arg.find('=');
  const auto hint = closest_key(arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2), names);
  return hint.empty() ? "" : "did you mean '--" + hint + "'?";
}

std::string flag_name(const std::string& key) {
  std::string out = "--" + key;
  std::replace(out.begin(), out.end(), '_', '-');
  return out;
}

bool parse_bool(std::string_view t, std::string_view key) {
  if (t == "true" || t == "1" || t == "yes" || t == "on") return true;
  if (t == "false" || t == "0" || t == "no" || t == "off") return false;
  fail("config key '{}': expected true or false, got '{}'", key, t);
}

int64_t parse_int(std::string_view t, std::string_view key) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || p != t.data() + t.size()) fail("config key '{}': expected an integer, got '{}'", key, t);
  return v;
}

double parse_double(std::string_view t, std::string_view key) {
  std::string s(t);
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || errno == ERANGE)
    fail("config key '{}': expected a number, got '{}'", key, t);
  return v;
}

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    auto part = text.substr(start, comma - start);
    while (!part.empty() && std::isspace(static_cast<unsigned char>(part.front()))) part.remove_prefix(1);
    while (!part.empty() && std::isspace(static_cast<unsigned char>(part.back()))) part.remove_suffix(1);
    if (!part.empty()) out.emplace_back(part);
    start = comma + 1;
  }
  return out;
}

namespace {

Value from_toml(const toml::node& node, const std::string& key, const std::string& source) {
  if (auto b = node.as_boolean()) return Value{b->get()};
  if (auto i = node.as_integer()) return Value{i->get()};
  if (auto d = node.as_floating_point()) return Value{d->get()};
  if (auto s = node.as_string()) return Value{s->get()};
  if (auto a = node.as_array()) {
    List l;
    for (const auto& e : *a) l.push_back(from_toml(e, key, source));
    return Value{std::move(l)};
  }
  const auto& src = node.source();
  fail(
      "{}:{}:{}: config key '{}': unsupported value type (dates and inline tables are not "
      "options)",
      source, src.begin.line, src.begin.column, key);
}

void flatten_table(const toml::table& t, const std::string& prefix, const std::string& source, FlatConfig& out) {
  for (const auto& [k, node] : t) {
    const std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    // Options are named by dotted paths, so a quoted part that is empty or holds a dot could name
    // no option and would not survive a dump (`"a.b" = 1` and `a.b = 1` would be one key).
    if (k.str().empty() || k.str().find('.') != std::string_view::npos) {
      const auto& src = k.source();
      fail(
          "{}:{}:{}: config key '{}': a key part may not be empty or contain '.' (option keys are dotted paths, e.g. "
          "finetune.lr)",
          source, src.begin.line, src.begin.column, key);
    }
    if (auto sub = node.as_table()) {
      flatten_table(*sub, key, source, out);
    } else {
      out.emplace_back(key, from_toml(node, key, source));
    }
  }
}

// A TOML basic string: quotation mark, backslash and the control characters (U+0000..U+001F,
// U+007F) escaped, everything else (valid UTF-8, as toml++ and the schemas guarantee) verbatim.
std::string toml_string(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (u < 0x20 || u == 0x7f)
          out += fmt::format("\\u{:04X}", u);
        else
          out += c;
    }
  }
  return out + "\"";
}

// One key component: bare when TOML allows (A-Za-z0-9_-, non-empty), quoted otherwise.
std::string toml_key(std::string_view k) {
  const bool bare = !k.empty() && std::all_of(k.begin(), k.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
  return bare ? std::string(k) : toml_string(k);
}

// A dotted flat key (a table path) as TOML: each component bare or quoted.
std::string toml_dotted(std::string_view key) {
  std::string out;
  size_t start = 0;
  for (;;) {
    const auto dot = key.find('.', start);
    out += toml_key(key.substr(start, dot == key.npos ? key.npos : dot - start));
    if (dot == key.npos) return out;
    out += '.';
    start = dot + 1;
  }
}

void to_toml_value(const Value& v, std::ostringstream& os) {
  std::visit(
      [&](const auto& x) {
        using X = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<X, bool>)
          os << (x ? "true" : "false");
        else if constexpr (std::is_same_v<X, int64_t>)
          os << x;
        else if constexpr (std::is_same_v<X, double>) {
          if (std::isfinite(x) && x == std::floor(x) && std::fabs(x) < 1e15)
            os << fmt::format("{:.1f}", x);
          else if (std::isnan(x))
            os << "nan";
          else if (std::isinf(x))
            os << (x > 0 ? "inf" : "-inf");
          else {
            std::string f = fmt::format("{}", x);
            if (f.find_first_of(".eE") == f.npos) f += ".0";  // must not read back as an integer
            os << f;
          }
        } else if constexpr (std::is_same_v<X, std::string>) {
          os << toml_string(x);
        } else {
          os << "[";
          for (size_t i = 0; i < x.size(); ++i) {
            if (i) os << ", ";
            to_toml_value(x[i], os);
          }
          os << "]";
        }
      },
      v.data);
}

nlohmann::json to_json_value(const Value& v) {
  return std::visit(
      [](const auto& x) -> nlohmann::json {
        using X = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<X, List>) {
          auto a = nlohmann::json::array();
          for (const auto& e : x) a.push_back(to_json_value(e));
          return a;
        } else {
          return nlohmann::json(x);
        }
      },
      v.data);
}

}  // namespace

std::string closest_key(std::string_view key, const std::vector<std::string>& candidates) {
  // Plausible matches only: closest_name's limit, or the key's last component matching exactly.
  std::string best = closest_name(key, candidates);
  if (!best.empty()) return best;
  const auto tail = [](std::string_view s) {
    auto p = s.rfind('.');
    return p == s.npos ? s : s.substr(p + 1);
  };
  for (const auto& c : candidates)
    if (tail(c) == tail(key)) return c;
  return "";
}

FlatConfig parse_toml_string(std::string_view text, const std::string& source) {
  toml::table t;
  try {
    t = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    const auto& s = e.source();
    fail("{}:{}:{}: TOML syntax error: {}", source, s.begin.line, s.begin.column, e.description());
  }
  FlatConfig out;
  flatten_table(t, "", source, out);
  return out;
}

FlatConfig parse_toml_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("{}: cannot open config file", path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_toml_string(ss.str(), path);
}

std::string to_toml(const FlatConfig& flat) {
  // Top-level keys first, then one [table] per dotted prefix, in first-seen order.
  std::ostringstream os;
  std::vector<std::string> tables;
  std::map<std::string, std::vector<const std::pair<std::string, Value>*>> by_table;
  for (const auto& kv : flat) {
    const auto dot = kv.first.rfind('.');
    const std::string table = dot == std::string::npos ? "" : kv.first.substr(0, dot);
    if (!by_table.count(table)) tables.push_back(table);
    by_table[table].push_back(&kv);
  }
  std::stable_partition(tables.begin(), tables.end(), [](const std::string& t) { return t.empty(); });
  bool first = true;
  for (const auto& table : tables) {
    if (!table.empty()) os << (first ? "" : "\n") << "[" << toml_dotted(table) << "]\n";
    first = false;
    for (const auto* kv : by_table[table]) {
      const auto dot = kv->first.rfind('.');
      os << toml_key(dot == std::string::npos ? std::string_view(kv->first)
                                              : std::string_view(kv->first).substr(dot + 1))
         << " = ";
      to_toml_value(kv->second, os);
      os << "\n";
    }
  }
  return os.str();
}

std::string to_json(const FlatConfig& flat) {
  nlohmann::json root = nlohmann::json::object();
  for (const auto& [key, value] : flat) {
    nlohmann::json* node = &root;
    size_t start = 0;
    for (size_t dot; (dot = key.find('.', start)) != std::string::npos; start = dot + 1)
      node = &(*node)[key.substr(start, dot - start)];
    (*node)[key.substr(start)] = to_json_value(value);
  }
  return root.dump(2);
}

}  // namespace w2s::config
