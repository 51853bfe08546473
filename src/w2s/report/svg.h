// A small SVG plotting helper for the HTML report: line plots (dash patterns, error bands,
// markers, linear or log x), heatmaps with a color scale and cell labels, grouped bar charts.
// Output is one self-contained <svg> element (no ids, no scripts, no external fonts).
//
// Every plotted data point carries a class the tests count: line-plot markers
// `<circle class="pt">`, heatmap cells `<rect class="cell">`, bars `<rect class="bar">`.
// Each figure's root element has `data-figure="<id>"`.
#pragma once

#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace w2s::report::svg {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Escape text for XML content and attribute values (& < > " ').
std::string escape(std::string_view text);

/// Okabe–Ito colorblind-safe palette without black: color i (cycles after 7).
std::string palette(size_t i);
/// Dash pattern i for stroke-dasharray: "" (solid), "7 4" (dashed), "2 3" (dotted), ...
std::string dash_pattern(size_t i);
/// Sequential color (light → dark blue) for t in [0, 1] (clamped).
std::string sequential_color(double t);

/// 1.2K, 35M, 1.5B: parameter counts on axes and in labels.
std::string format_si(double v);
/// About `target` round tick values covering [lo, hi] (1, 2, 5 × 10^k steps).
std::vector<double> nice_ticks(double lo, double hi, int target = 5);

struct Tick {
  double value = 0.0;
  std::string label;  // may contain '\n' for a second line
};

struct Point {
  double x = 0.0, y = 0.0;
  double err = kNaN;   // half-width of the error band (± SE); NaN = none
  bool marker = true;  // false: part of the line only (e.g. a line's anchor point)
  std::string tip;     // hover text (<title>)
};

struct Series {
  std::string label;
  std::string color = "#0072B2";
  std::string dash;  // stroke-dasharray; "" = solid
  double stroke_width = 2.0;
  std::vector<Point> points;        // drawn in x order as given
  bool line = true;                 // false: markers only (a scatter)
  bool band = true;                 // shade ± err around the line
  std::string marker_class = "pt";  // class of marker circles
  double marker_radius = 3.5;
  bool in_legend = true;  // auto legend only
};

/// A horizontal reference line across the plot (e.g. weak accuracy).
struct RefLine {
  double y = 0.0;
  std::string label;  // drawn at the right end, inside the plot
  std::string color = "#777777";
  std::string dash = "3 3";
};

struct LegendEntry {
  std::string label;
  std::string color = "#333333";
  std::string dash;    // line sample with this dash
  bool marker = true;  // circle on the sample
  bool line = true;    // false: the circle alone (a scatter), or without it a filled square (bars)
};

enum class LegendPos { right, bottom, none };

/// Width of a legend as one column (a right legend), and height of one wrapped at `max_w` (a
/// bottom legend), px.
double legend_column_width(const std::vector<LegendEntry>& entries);
double legend_rows_height(const std::vector<LegendEntry>& entries, double max_w);

/// A figure that is only a legend (shared by a grid of small multiples); no data points.
std::string legend_strip(const std::string& id, const std::vector<LegendEntry>& entries, double width);

struct LinePlot {
  std::string id;  // data-figure attribute
  std::string title, x_label, y_label;
  double width = 560, height = 380;  // whole figure, px (legend included)
  bool x_log = false;
  std::vector<Tick> x_ticks;          // empty = automatic
  double y_min = kNaN, y_max = kNaN;  // NaN = from the data (rounded to ticks)
  std::vector<Series> series;
  std::vector<RefLine> ref_lines;
  std::vector<LegendEntry> legend;  // empty = one entry per series with in_legend
  LegendPos legend_pos = LegendPos::right;
};
std::string line_plot(const LinePlot& p);

struct Heatmap {
  std::string id;
  std::string title, x_label, y_label;
  std::vector<std::string> row_labels, col_labels;
  // [row][col]: present = draw a cell; value NaN = cell without a color (grey, e.g. a status)
  std::vector<std::vector<bool>> present;
  std::vector<std::vector<double>> values;
  std::vector<std::vector<std::vector<std::string>>> text;  // label lines per cell
  std::vector<std::vector<std::string>> tips;               // hover text per cell
  double vmin = 0.0, vmax = 1.0;
  std::string scale_label;  // color bar caption
  double cell_w = 72, cell_h = 44;
};
std::string heatmap(const Heatmap& h);

struct BarSeries {
  std::string label;
  std::string color = "#0072B2";
  std::vector<std::string> colors;  // per-category colors; empty = `color` for all
  std::vector<double> values;       // per category; NaN = no bar ("n/a")
  std::vector<double> errors;       // ± error bar half-widths; empty/NaN = none
  std::vector<std::string> tips;    // hover text per category
};

struct BarChart {
  std::string id;
  std::string title, x_label, y_label;
  double width = 420, height = 300;
  std::vector<std::string> categories;
  std::vector<BarSeries> series;
  double y_min = kNaN, y_max = kNaN;  // NaN = from the data (0 always included)
  bool value_labels = false;          // print each bar's value above it
  std::vector<RefLine> ref_lines;
  LegendPos legend_pos = LegendPos::bottom;  // none when there is one series
};
std::string bar_chart(const BarChart& b);

}  // namespace w2s::report::svg
