#include "sweep_config.h"

#include <fmt/format.h>

#include <filesystem>

#include "w2s/report/html_report.h"
#include "w2s/report/tables.h"

namespace fs = std::filesystem;

namespace w2s::app {

void SweepCli::add_to(CLI::App& cmd, bool config_required, const std::string& default_config) {
  default_config_ = default_config;
  auto* opt = cmd.add_option("CONFIG", *config_file, "TOML config (same keys as the flags)")->check(CLI::ExistingFile);
  if (config_required) opt->required();
  bind = config::bind_cli<sweep::SweepOptions>(cmd);
  cmd.add_flag("--quiet", *quiet, "no progress output (only the final table)");
  cmd.add_flag("--jsonl", *jsonl, "one JSON object per stage event on stdout (for scripts)");
}

sweep::SweepOptions SweepCli::resolve() const {
  sweep::SweepOptions o;
  const std::string file = config_file->empty() ? default_config_ : *config_file;
  if (!file.empty()) config::apply(o, sweep::SweepOptions::schema(), config::parse_toml_file(file), file);
  return bind->resolve_from(o);
}

sweep::Output SweepCli::output() const {
  return *jsonl ? sweep::Output::jsonl : *quiet ? sweep::Output::quiet : sweep::Output::bar;
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
