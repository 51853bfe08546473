// Shared by `w2s run`, `w2s sweep`, `w2s results` and `w2s quickstart`: a sweep config from a TOML
// file plus command-line overrides, and how progress is shown.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "w2s/config/cli.h"
#include "w2s/sweep/sweep.h"

namespace w2s::app {

struct SweepCli {
  std::shared_ptr<std::string> config_file = std::make_shared<std::string>();
  std::shared_ptr<config::CliBinding<sweep::SweepOptions>> bind;
  std::shared_ptr<bool> quiet = std::make_shared<bool>(false);
  std::shared_ptr<bool> jsonl = std::make_shared<bool>(false);

  /// Adds CONFIG (positional, optional unless `config_required`), every schema flag, --quiet and
  /// --jsonl to `cmd`.
  void add_to(CLI::App& cmd, bool config_required = false, const std::string& default_config = "");
  /// File (if any), then flags.
  sweep::SweepOptions resolve() const;
  sweep::Output output() const;
  std::string default_config_;
};

/// Print the PGR grid to stdout, write <runs_dir>/report.html, and say where things are.
void print_summary(const sweep::SweepOptions& options, const report::Results& results);

}  // namespace w2s::app
