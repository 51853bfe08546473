// `w2s report RESULTS`: the self-contained HTML report (default) or a PGR / run table in
// md, csv, json or text, from a results JSON file or a runs folder (logic in w2s/report).
#include <fmt/format.h>

#include <filesystem>
#include <string>

#include "commands.h"
#include "w2s/config/cli.h"
#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/report/html_report.h"
#include "w2s/report/results.h"
#include "w2s/report/tables.h"

namespace w2s::app {
namespace {

namespace fs = std::filesystem;

struct ReportCliOptions {
  std::string results;               // results JSON file, or a runs folder holding results.json
  std::string out;                   // output file; empty: html → <folder>/report.html, else stdout
  std::string format = "html";       // html | md | csv | json | text
  std::string table = "pgr";         // for md/csv/json/text: pgr | runs | grid (text only)
  std::string title = "w2s report";  // HTML page title
  static const config::Schema<ReportCliOptions>& schema() {
    using O = ReportCliOptions;
    static const auto s =
        config::Schema<O>()
            .field("results", &O::results, "results JSON file, or a runs folder with results.json")
            .field("out", &O::out, "output file (default: html → <folder>/report.html, others → stdout)")
            .field("format", &O::format, "output format", {"html", "md", "csv", "json", "text"})
            .field("table", &O::table, "table to print for md/csv/json/text", {"pgr", "runs", "grid"})
            .field("title", &O::title, "HTML page title");
    return s;
  }
};

/// The folder the default report.html goes into: the runs folder, or the results file's folder.
fs::path default_out_dir(const std::string& results) {
  if (fs::is_directory(results)) return results;
  const fs::path parent = fs::path(results).parent_path();
  return parent.empty() ? fs::path(".") : parent;
}

void run(const ReportCliOptions& o) {
  check(!o.results.empty(), "report: give a results JSON file or a runs folder");
  const report::Results results = report::load_results(o.results);  // a folder: its results.json
  if (o.format == "html") {
    const std::string out = o.out.empty() ? (default_out_dir(o.results) / "report.html").string() : o.out;
    report::ReportOptions ro;
    ro.title = o.title;
    ro.source = report::results_file(o.results).string();
    report::write_html_report(results, out, ro);
    fmt::print("wrote {} ({} runs, {} PGR rows)\n", out, results.stages.size(), results.pgr.size());
    return;
  }
  const report::TableFormat format = report::parse_table_format(o.format);
  std::string text;
  if (o.table == "pgr") {
    text = report::format_pgr_table(results, format);
  } else if (o.table == "runs") {
    text = report::format_runs_table(results, format);
  } else if (o.table == "grid") {
    check(format == report::TableFormat::text, "report: --table grid is text only (--format text)");
    text = report::format_pgr_grid(results);
  } else {
    fail("report: unknown --table '{}' (pgr, runs, grid)", o.table);
  }
  if (o.out.empty()) {
    fmt::print("{}", text);
  } else {
    write_file_atomic(o.out, text);
    fmt::print("wrote {}\n", o.out);
  }
}

}  // namespace

void register_report(CLI::App& app) {
  auto* cmd =
      app.add_subcommand("report", "HTML report (inline SVG figures) or PGR / run tables from a sweep's results");
  auto bind = config::bind_cli<ReportCliOptions>(*cmd, {"results"});
  cmd->callback([bind] {
    const auto o = bind->resolve();
    if (bind->dump_requested()) return fmt::print("{}", config::dump_toml(o, bind->schema()));
    run(o);
  });
}

}  // namespace w2s::app
