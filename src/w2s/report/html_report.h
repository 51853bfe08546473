// One self-contained HTML report of a sweep's results: inline CSS and inline SVG figures, no
// scripts, no fonts or files fetched from anywhere, so it opens from disk and can be mailed.
// Per task: accuracy vs strong-student size, PGR heatmaps and median PGR per loss, training
// dynamics, student–supervisor agreement, the PGR table; then a table of every run.
#pragma once

#include <string>

#include "w2s/report/results.h"

namespace w2s::report {

struct ReportOptions {
  std::string title = "w2s report";  // page title and heading
  std::string date;                  // shown in the header; empty = now (local time)
  std::string source;                // where the results came from (shown in the header)
  bool runs_table = true;            // include the table of every run
};

/// The whole page as a string.
std::string render_html_report(const Results& results, const ReportOptions& options = {});

/// render_html_report written atomically to `path` (parent folders created).
void write_html_report(const Results& results, const std::string& path, const ReportOptions& options = {});

}  // namespace w2s::report
