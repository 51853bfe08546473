#include "sweep_cli.h"

#include <fmt/format.h>

#include <filesystem>

#include "w2s/report/html_report.h"
#include "w2s/report/tables.h"

namespace fs = std::filesystem;

namespace w2s::app {

const config::Schema<ProgressFlags>& ProgressFlags::schema() {
  static const auto s =
      config::Schema<ProgressFlags>()
          .field("quiet", &ProgressFlags::quiet, "no progress output (only the final table)")
          .field("jsonl", &ProgressFlags::jsonl, "one JSON object per stage event on stdout (for scripts)");
  return s;
}

SweepCli::SweepCli(CLI::App& cmd, bool config_required)
    : bind_(config::bind_cli_with_config<sweep::SweepOptions>(cmd, config_required)),
      progress_(config::bind_flags<ProgressFlags>(cmd)) {}

sweep::Output SweepCli::output() const {
  const auto f = progress_->resolve();
  return f.jsonl ? sweep::Output::jsonl : f.quiet ? sweep::Output::quiet : sweep::Output::bar;
}

void print_summary(const sweep::SweepOptions& o, const report::Results& results) {
  fmt::print("\nmodels finetuned on ground truth (test accuracy, mean ± SE over seeds):\n{}",
             report::format_gt_table(results, report::TableFormat::text));
  if (!o.losses.empty()) fmt::print("\n{}", report::format_pgr_grid(results));
  const fs::path html = fs::path(o.runs_dir) / "report.html";
  report::write_html_report(results, html.string(), {});
  fmt::print("\nresults: {}\nreport:  {}\n", (fs::path(o.runs_dir) / "results.json").string(), html.string());
}

}  // namespace w2s::app
