// Binds a Schema<T> to a CLI11 subcommand, so one table drives TOML keys, flags and --help:
//   CONFIG             optionally, a positional TOML file (bind_cli_with_config)
//   --KEY VALUE        one flag per schema key (dots kept, '_' written as '-': --train.lr-peak);
//                      booleans are switches (--json, --json=false)
//   --config FILE      TOML files, merged in order (repeatable)
//   --set KEY=VALUE    override any key by its TOML name (repeatable)
//   --dump-config      print the resolved config as TOML and exit
// Resolution order: defaults < CONFIG < --config files < --set < flags. A command's own flags
// that are not config keys (w2s sweep --shard) are a Schema too, bound by bind_flags.
#pragma once

#include <CLI/CLI.hpp>

#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "w2s/config/schema.h"

namespace w2s::config {

std::string flag_name(const std::string& key);  // "train.lr_peak" -> "--train.lr-peak"
std::string render_value(const Value& v);       // for "(default: ...)" in --help

/// For an unknown command-line flag: "did you mean '--x'?" among the options of the most deeply
/// selected subcommand of `app`, or "" when nothing is close.
std::string suggest_flag(const CLI::App& app, const std::string& arg);

template <class T>
class CliBinding {
 public:
  /// `positionals`: keys bound to positional arguments, in order (e.g. {"model"}). `config_keys`
  /// false: the options are the command's own flags, not config keys (no --config, --set,
  /// --dump-config; see bind_flags).
  CliBinding(CLI::App& cmd, const Schema<T>& schema, T defaults = T{}, std::vector<std::string> positionals = {},
             bool config_keys = true)
      : schema_(schema), defaults_(std::move(defaults)) {
    for (const auto& key : positionals) {
      const auto* e = schema_.find(key);
      check(e != nullptr, "internal: positional '{}' is not a schema key", key);
      cmd.add_option(key, values_[key], e->help)->type_name(upper(key));
    }
    for (const auto& e : schema_.entries()) {
      auto it = values_.find(e.key);
      if (it != values_.end() && is_positional(positionals, e.key)) continue;
      std::string help = e.help + " (default: " + render_value(e.get(defaults_)) + ")";
      if (!e.choices.empty()) {
        std::string all;
        for (const auto& c : e.choices) all += (all.empty() ? "" : "|") + c;
        help += " [" + all + "]";
      }
      CLI::Option* opt = nullptr;
      if (e.type_name == "bool") {
        // A switch: `--flag` sets true, `--flag=false` sets false.
        auto* slot = &values_[e.key];
        opt = cmd.add_flag_function(
            flag_name(e.key), [slot](int64_t count) { *slot = count > 0 ? "true" : "false"; }, help);
      } else {
        // One-letter keys also get the short form (-n).
        const std::string names = e.key.size() == 1 ? "-" + e.key + "," + flag_name(e.key) : flag_name(e.key);
        opt = cmd.add_option(names, values_[e.key], help);
        opt->type_name(upper(e.type_name));
      }
      opt->group(config_keys ? "Options (TOML key in --config files = flag name with '_')" : "Command options");
    }
    if (!config_keys) return;
    cmd.add_option("--config", config_files_, "TOML config file(s), merged in order")
        ->type_name("FILE")
        ->check(CLI::ExistingFile);
    cmd.add_option("--set", overrides_, "override a config key: KEY=VALUE (repeatable)")->type_name("KEY=VALUE");
    cmd.add_flag("--dump-config", dump_, "print the resolved config (TOML) and exit");
  }

  /// Add a positional CONFIG file (merged before --config files); `required`: it must be given
  /// unless a default config is set.
  void add_config_positional(CLI::App& cmd, bool required) {
    config_positional_ = true;
    config_required_ = required;
    auto* opt = cmd.add_option("CONFIG", config_file_, "TOML config (same keys as the flags)");
    opt->check(CLI::ExistingFile);
    if (required) opt->required();
  }
  /// The file used when no CONFIG is given (e.g. a command's built-in config).
  void set_default_config(std::string file) { default_config_ = std::move(file); }
  /// The positional config file in effect ("" = none).
  std::string config_file() const { return config_file_.empty() ? default_config_ : config_file_; }

  /// The resolved options. Throws w2s::Error on unknown keys or bad values.
  T resolve() const { return resolve_from(defaults_); }

  /// As resolve(), starting from `base`.
  T resolve_from(T obj) const {
    if (config_positional_) {
      const std::string file = config_file();
      check(!file.empty() || !config_required_, "a CONFIG file is required (a TOML config; see --help)");
      if (!file.empty()) apply(obj, schema_, parse_toml_file(file), file);
    }
    for (const auto& f : config_files_) apply(obj, schema_, parse_toml_file(f), f);
    for (const auto& s : overrides_) apply_override(obj, schema_, s);
    for (const auto& e : schema_.entries()) {
      auto it = values_.find(e.key);
      if (it != values_.end() && it->second) {
        try {
          e.parse(obj, *it->second);
        } catch (const Error& err) {
          fail("{}: {}", flag_name(e.key), err.what());
        }
      }
    }
    return obj;
  }

  /// True if --dump-config was given; then print dump_toml(resolve()) and return.
  bool dump_requested() const { return dump_; }
  const Schema<T>& schema() const { return schema_; }

 private:
  static bool is_positional(const std::vector<std::string>& p, const std::string& key) {
    for (const auto& k : p)
      if (k == key) return true;
    return false;
  }
  static std::string upper(std::string s) {
    for (auto& c : s) c = (c == ' ' || c == '.') ? '_' : static_cast<char>(std::toupper(c));
    return s;
  }

  const Schema<T>& schema_;
  T defaults_;
  std::map<std::string, std::optional<std::string>> values_;
  std::vector<std::string> config_files_;
  std::vector<std::string> overrides_;
  bool dump_ = false;
  bool config_positional_ = false, config_required_ = false;
  std::string config_file_, default_config_;
};

/// Convenience for cmd_<verb>.cpp: binding that lives as long as the callback needs it.
template <class T>
std::shared_ptr<CliBinding<T>> bind_cli(CLI::App& cmd, std::vector<std::string> positionals = {}, T defaults = T{}) {
  return std::make_shared<CliBinding<T>>(cmd, T::schema(), std::move(defaults), std::move(positionals));
}

/// As bind_cli, with a positional CONFIG file first (`w2s sweep CONFIG`, `w2s pretrain CONFIG`).
template <class T>
std::shared_ptr<CliBinding<T>> bind_cli_with_config(CLI::App& cmd, bool required) {
  auto b = std::make_shared<CliBinding<T>>(cmd, T::schema(), T{});
  b->add_config_positional(cmd, required);
  return b;
}

/// A command's own flags (not config keys: no TOML, no --config/--set/--dump-config), declared by
/// a Schema like every option: e.g. `w2s sweep --shard`, `w2s run --weak`.
template <class T>
std::shared_ptr<CliBinding<T>> bind_flags(CLI::App& cmd, std::vector<std::string> positionals = {}) {
  return std::make_shared<CliBinding<T>>(cmd, T::schema(), T{}, std::move(positionals), false);
}

}  // namespace w2s::config
