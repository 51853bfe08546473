// The report's figures for one task, as SVG strings (html_report.cpp lays them out).
// Data points carry the classes of svg.h: `circle.pt`, `rect.cell`, `rect.bar`.
#pragma once

#include <string>
#include <vector>

#include "w2s/report/results.h"

namespace w2s::report {

/// Test accuracy vs strong-student size (log x): one line per (weak supervisor, loss), color per
/// supervisor, dash per loss (xent solid, logconf dashed, ...), ± SE bands; each line starts at
/// its supervisor's own accuracy (no marker there); the ground-truth ceiling in black.
/// Markers: one per student (weak, strong, loss) point plus one per ceiling model.
/// "" when the task has nothing to plot.
std::string accuracy_vs_size_figure(const Results& r, const std::string& task);

/// One heatmap per loss (rows weak, columns strong, cell = PGR mean ± SE or the status); one
/// `rect.cell` per PGR row. Color scale shared across the task's losses.
std::vector<std::string> pgr_heatmaps(const Results& r, const std::string& task);

/// Median PGR over pairs per loss (one `rect.bar` per loss with an ok pair); "" without rows.
std::string median_pgr_chart(const Results& r, const std::string& task);

/// Training dynamics, one panel per weak→strong pair: student test accuracy and agreement with
/// the supervisor vs step, dash per loss; weak and ceiling accuracy as reference lines. Empty
/// when no student recorded dynamics. `legend_strip` gets the shared legend.
std::vector<std::string> dynamics_panels(const Results& r, const std::string& task, std::string* legend_strip);

/// Student–supervisor agreement when the supervisor was right / wrong, per pair, one grouped
/// bar chart per loss; charts without any number are left out.
std::vector<std::string> agreement_charts(const Results& r, const std::string& task);

/// Comparison tasks: test accuracy by margin quintile (|p1 − 0.5|, i.e. of the reward difference)
/// for each model on ground truth (solid) and each student (dashed), mean over seeds; "" when no
/// stage recorded margins.
std::string reward_margin_figure(const Results& r, const std::string& task);

/// Diagnostics per pair: PGR against the student's misfit on its weak labels (the share of the
/// labels it trained on that its own predictions contradict), one marker series per loss, with
/// error consistency in the tooltips; "" when no pair has both numbers.
std::string misfit_figure(const Results& r, const std::string& task);

}  // namespace w2s::report
