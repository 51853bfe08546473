// Shared by `w2s run`, `w2s sweep` and `w2s quickstart`: a sweep config from a positional TOML
// file plus the config keys as flags (config/cli.h), --quiet / --jsonl for how progress shows, and
// the summary printed at the end.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "w2s/config/cli.h"
#include "w2s/report/results.h"
#include "w2s/sweep/sweep.h"

namespace w2s::app {

/// How a sweep command shows progress.
struct ProgressFlags {
  bool quiet = false;  // no progress output (only the final table)
  bool jsonl = false;  // one JSON object per stage event on stdout (for scripts)
  static const config::Schema<ProgressFlags>& schema();
};

class SweepCli {
 public:
  /// Adds CONFIG (positional; required when `config_required`), every config key, --quiet and
  /// --jsonl to `cmd`.
  SweepCli(CLI::App& cmd, bool config_required);
  /// The config used when CONFIG is not given (quickstart's built-in one).
  void set_default_config(std::string file) { bind_->set_default_config(std::move(file)); }
  /// The config file in effect ("" = none).
  std::string config_file() const { return bind_->config_file(); }
  /// CONFIG (or the default), then --config, --set and flags.
  sweep::SweepOptions resolve() const { return bind_->resolve(); }
  bool dump_requested() const { return bind_->dump_requested(); }
  sweep::Output output() const;

 private:
  std::shared_ptr<config::CliBinding<sweep::SweepOptions>> bind_;
  std::shared_ptr<config::CliBinding<ProgressFlags>> progress_;
};

/// Print the ground-truth table and the PGR grid to stdout, write <runs_dir>/report.html, and say
/// where things are.
void print_summary(const sweep::SweepOptions& options, const report::Results& results);

}  // namespace w2s::app
