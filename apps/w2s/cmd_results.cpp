// `w2s results RUNS_DIR`: the PGR table (or --gt / --runs tables) of a sweep's finished stages,
// recomputed from the run store with the sweep.toml the sweep wrote there.
#include <fmt/format.h>

#include <filesystem>

#include "commands.h"
#include "w2s/config/schema.h"
#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/report/tables.h"
#include "w2s/sweep/sweep.h"

namespace fs = std::filesystem;

namespace w2s::app {

void register_results(CLI::App& app) {
  auto* cmd = app.add_subcommand("results", "print the PGR table (or --gt, --runs) of a sweep folder");
  auto dir = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>("text");
  auto runs = std::make_shared<bool>(false);
  auto gt = std::make_shared<bool>(false);
  cmd->add_option("RUNS_DIR", *dir, "a sweep's runs_dir (holds sweep.toml)")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("--format", *format, "text | md | csv | json");
  cmd->add_flag("--runs", *runs, "print every stage instead of the PGR table");
  cmd->add_flag("--gt", *gt, "print each model's ground-truth accuracy (mean ± SE over seeds)");
  cmd->callback([dir, format, runs, gt] {
    const auto fmt_ = report::parse_table_format(*format);
    const fs::path cfg = fs::path(*dir) / "sweep.toml";
    check(fs::exists(cfg), "{} not found: is {} the runs_dir of a w2s sweep?", cfg.string(), *dir);
    sweep::SweepOptions o;
    config::apply(o, sweep::SweepOptions::schema(), config::parse_toml_file(cfg.string()), cfg.string());
    o.runs_dir = *dir;
    const auto results = sweep::collect_results(o);
    report::save_results(results, fs::path(*dir) / "results.json");
    check(!(*runs && *gt), "--runs and --gt are different tables: pass one");
    fmt::print("{}", *runs ? report::format_runs_table(results, fmt_)
                     : *gt ? report::format_gt_table(results, fmt_)
                           : report::format_pgr_table(results, fmt_));
  });
}

}  // namespace w2s::app
