// `w2s results RUNS_DIR`: the PGR table (or --gt / --runs / --compare tables) of a sweep's finished stages,
// recomputed from the run store with the configs the sweeps run into it recorded there
// (sweep/folder.h).
#include <fmt/format.h>

#include <filesystem>

#include "commands.h"
#include "w2s/config/cli.h"
#include "w2s/core/error.h"
#include "w2s/report/compare.h"
#include "w2s/report/tables.h"
#include "w2s/sweep/collect.h"
#include "w2s/sweep/folder.h"

namespace fs = std::filesystem;

namespace w2s::app {
namespace {

struct ResultsOptions {
  std::string runs_dir;         // a sweep's runs_dir (holds sweep.toml)
  std::string format = "text";  // text | md | csv | json
  bool runs = false;            // every stage instead of the PGR table
  bool gt = false;              // each model's ground-truth accuracy
  std::string compare;          // "A,B": students of loss A against loss B, paired tests
  static const config::Schema<ResultsOptions>& schema() {
    using O = ResultsOptions;
    static const auto s =
        config::Schema<O>()
            .field("runs_dir", &O::runs_dir,
                   "a sweep's runs_dir (holds sweep.toml; every sweep of the same experiment run into it counts)")
            .field("format", &O::format, "table format", {"text", "md", "csv", "json"})
            .field("runs", &O::runs, "print every stage instead of the PGR table")
            .field("gt", &O::gt, "print each model's ground-truth accuracy (mean ± SE over seeds)")
            .field("compare", &O::compare,
                   "A,B: per pair the students' accuracy under loss A minus loss B, with a paired t-test and a "
                   "Wilcoxon signed-rank test across pairs (and across tasks)");
    return s;
  }
};

}  // namespace

void register_results(CLI::App& app) {
  auto* cmd = app.add_subcommand("results", "print the PGR table (or --gt, --runs) of a sweep folder");
  auto bind = config::bind_cli<ResultsOptions>(*cmd, {"runs_dir"});
  cmd->callback([bind] {
    const auto o = bind->resolve();
    if (bind->dump_requested()) return fmt::print("{}", config::dump_toml(o, bind->schema()));
    check(!o.runs_dir.empty(), "w2s results: give RUNS_DIR, a sweep's runs_dir");
    check(fs::is_directory(o.runs_dir), "w2s results: {} is not a folder", o.runs_dir);
    check(int(o.runs) + int(o.gt) + int(!o.compare.empty()) <= 1,
          "--runs, --gt and --compare are different tables: pass one");
    std::string a, b;
    if (!o.compare.empty()) {
      const auto comma = o.compare.find(',');
      check(comma != std::string::npos && comma > 0 && comma + 1 < o.compare.size() &&
                o.compare.find(',', comma + 1) == std::string::npos,
            "--compare takes two losses as A,B (e.g. logconf,xent), not \"{}\"", o.compare);
      a = o.compare.substr(0, comma), b = o.compare.substr(comma + 1);
    }
    const auto format = report::parse_table_format(o.format);
    const auto results = sweep::collect_results(sweep::folder_configs(o.runs_dir));
    report::save_results(results, fs::path(o.runs_dir) / "results.json");
    fmt::print("{}", o.runs               ? report::format_runs_table(results, format)
                     : o.gt               ? report::format_gt_table(results, format)
                     : !o.compare.empty() ? report::format_compare(results, a, b, format)
                                          : report::format_pgr_table(results, format));
  });
}

}  // namespace w2s::app
