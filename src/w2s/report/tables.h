// Results as tables: the PGR table and the run table in Markdown, CSV, JSON or an aligned
// plain-text table, and the compact pairs × losses PGR grid that `w2s quickstart` prints.
#pragma once

#include <string>
#include <vector>

#include "w2s/report/results.h"

namespace w2s::report {

enum class TableFormat { md, csv, json, text };

/// "md" | "csv" | "json" | "text" (also "markdown", "txt"); anything else → w2s::Error.
TableFormat parse_table_format(const std::string& name);

/// One row per (task, weak, strong, loss, method): accuracies and PGR as mean ± SE over seeds.
/// Rows whose status is not "ok" show the status in the PGR column (CSV/JSON: empty/null pgr and
/// the status column). CSV and JSON carry the raw numbers (mean and SE in separate columns).
std::string format_pgr_table(const Results& r, TableFormat format);

/// One row per stage: key, kind, task, model, supervisor, loss, method, seed, accuracy, commit,
/// wall time, peak memory. Text and Markdown shorten the key to 10 characters.
std::string format_runs_table(const Results& r, TableFormat format);

/// The ground-truth table: per task, one row per model finetuned on ground truth (sorted by
/// non-embedding parameters) with its test accuracy as mean ± SE over seeds — how good each
/// supervisor and each ceiling is. Text and Markdown show percentages; CSV and JSON fractions.
std::string format_gt_table(const Results& r, TableFormat format);

/// Per task: rows weak→strong pairs, columns losses, cells "0.43 ± 0.05" (or the status), then a
/// "median PGR per loss" line. What `w2s quickstart` prints at the end.
///
///   task reviews: PGR (mean ± SE over seeds)
///   pair     xent         logconf
///   xs → s   0.43 ± 0.05  0.51 ± 0.04
///   median PGR per loss: xent 0.43 · logconf 0.51
std::string format_pgr_grid(const Results& r);

/// A generic table (strings), rendered by the functions above; exposed for other reports.
struct Table {
  std::vector<std::string> headers;
  std::vector<bool> right;  // right-align column i (numbers); default left
  std::vector<std::vector<std::string>> rows;
};
/// md, csv or text (json needs typed values: use the format_* functions).
std::string render_table(const Table& t, TableFormat format);

/// Columns of a UTF-8 string on a terminal (code points; the tables use no wide characters).
size_t display_width(const std::string& s);

}  // namespace w2s::report
