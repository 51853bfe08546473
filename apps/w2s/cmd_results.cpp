// `w2s results RUNS_DIR`: the PGR table (or --gt / --runs tables) of a sweep's finished stages,
// recomputed from the run store with the configs the sweeps run into it recorded there
// (sweep/folder.h).
#include <fmt/format.h>

#include <filesystem>

#include "commands.h"
#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/report/tables.h"
#include "w2s/sweep/folder.h"
#include "w2s/sweep/sweep.h"

namespace fs = std::filesystem;

namespace w2s::app {

void register_results(CLI::App& app) {
  auto* cmd = app.add_subcommand("results", "print the PGR table (or --gt, --runs) of a sweep folder");
  auto dir = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>("text");
  auto runs = std::make_shared<bool>(false);
  auto gt = std::make_shared<bool>(false);
  cmd->add_option("RUNS_DIR", *dir, "a sweep's runs_dir (holds sweep.toml; every sweep of the same experiment run into it counts)")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("--format", *format, "text | md | csv | json");
  cmd->add_flag("--runs", *runs, "print every stage instead of the PGR table");
  cmd->add_flag("--gt", *gt, "print each model's ground-truth accuracy (mean ± SE over seeds)");
  cmd->callback([dir, format, runs, gt] {
    const auto fmt_ = report::parse_table_format(*format);
    const auto results = sweep::collect_results(sweep::folder_configs(*dir));
    report::save_results(results, fs::path(*dir) / "results.json");
    check(!(*runs && *gt), "--runs and --gt are different tables: pass one");
    fmt::print("{}", *runs ? report::format_runs_table(results, fmt_)
                     : *gt ? report::format_gt_table(results, fmt_)
                           : report::format_pgr_table(results, fmt_));
  });
}

}  // namespace w2s::app
