// SVG line plots, heatmaps and grouped bar charts as strings (see svg.h).
#include "w2s/report/svg.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace w2s::report::svg {
namespace {

constexpr const char* kInk = "#222222";    // axes, titles
constexpr const char* kMuted = "#555555";  // tick labels
constexpr const char* kGrid = "#e8e8e8";   // grid lines
constexpr double kFont = 11.0;             // tick labels, legends

std::string f(double v) { return fmt::format("{:.1f}", v); }

/// Rough width of `s` in a sans-serif font of `size` px (no font metrics offline).
double text_width(const std::string& s, double size) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return double(n) * size * 0.57;
}

std::string text(double x, double y, const std::string& s, const std::string& attrs = "") {
  return fmt::format("<text x=\"{}\" y=\"{}\"{}{}>{}</text>", f(x), f(y), attrs.empty() ? "" : " ", attrs, escape(s));
}

std::string line(double x1, double y1, double x2, double y2, const std::string& attrs) {
  return fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" {}/>", f(x1), f(y1), f(x2), f(y2), attrs);
}

std::string dash_attr(const std::string& dash) {
  return dash.empty() ? "" : fmt::format(" stroke-dasharray=\"{}\"", escape(dash));
}

std::string tip(const std::string& t) { return t.empty() ? "" : "<title>" + escape(t) + "</title>"; }

std::string open_svg(const std::string& id, double w, double h, const std::string& title) {
  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"fig\" data-figure=\"{}\" width=\"{}\" "
      "height=\"{}\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\" "
      "font-family=\"Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif\">",
      escape(id), f(w), f(h), f(w), f(h), escape(title));
  s += fmt::format("<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>", f(w), f(h));
  return s;
}

std::string title_text(const std::string& t, double x) {
  return t.empty() ? "" : text(x, 19, t, "font-size=\"13.5\" font-weight=\"600\" fill=\"#222222\"");
}

/// Decimals that show every tick of step `step` distinctly.
int decimals_for(double step) {
  if (!(step > 0) || !std::isfinite(step)) return 2;
  for (int d = 0; d < 6; ++d) {
    const double scaled = step * std::pow(10.0, d);
    if (std::abs(scaled - std::round(scaled)) < 1e-6 * std::max(1.0, scaled)) return d;
  }
  return 6;
}

std::string tick_label(double v, double step) {
  if (std::abs(v) < step * 1e-6) v = 0.0;
  return fmt::format("{:.{}f}", v, decimals_for(step));
}

/// Linear or log10 map from a data interval to a pixel interval.
struct Scale {
  double d0 = 0, d1 = 1, p0 = 0, p1 = 1;
  bool log = false;
  double operator()(double v) const {
    const double a = log ? std::log10(d0) : d0, b = log ? std::log10(d1) : d1;
    const double t = ((log ? std::log10(v) : v) - a) / (b - a);
    return p0 + t * (p1 - p0);
  }
};

/// A legend: vertical list (right) or rows that wrap at `max_w` (bottom). Returns its size.
struct LegendBox {
  std::string svg;
  double w = 0, h = 0;
};
LegendBox legend(const std::vector<LegendEntry>& entries, double x, double y, double max_w, bool vertical) {
  LegendBox box;
  const double row_h = 17, sample = 24;
  double cx = x, cy = y;
  for (const LegendEntry& e : entries) {
    const double w = sample + 6 + text_width(e.label, kFont) + 14;
    if (!vertical && cx > x && cx + w > x + max_w) {
      cx = x;
      cy += row_h;
    }
    const double mid = cy + row_h / 2;
    if (e.line) {
      box.svg += line(cx, mid, cx + sample, mid,
                      fmt::format("stroke=\"{}\" stroke-width=\"2\"{}", escape(e.color), dash_attr(e.dash)));
      if (e.marker)
        box.svg += fmt::format("<circle class=\"legend-mark\" cx=\"{}\" cy=\"{}\" r=\"3.2\" fill=\"{}\"/>",
                               f(cx + sample / 2), f(mid), escape(e.color));
    } else if (e.marker) {  // a scatter's sample: the marker alone
      box.svg += fmt::format("<circle class=\"legend-mark\" cx=\"{}\" cy=\"{}\" r=\"3.5\" fill=\"{}\"/>",
                             f(cx + sample / 2), f(mid), escape(e.color));
    } else {
      box.svg += fmt::format(
          "<rect class=\"legend-mark\" x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" "
          "rx=\"2\" fill=\"{}\"/>",
          f(cx + 6), f(mid - 6), escape(e.color));
    }
    box.svg += text(cx + sample + 6, mid + 4, e.label, fmt::format("font-size=\"{}\" fill=\"{}\"", kFont, kInk));
    box.w = std::max(box.w, cx - x + w);
    if (vertical)
      cy += row_h;
    else
      cx += w;
  }
  box.h = entries.empty() ? 0 : (vertical ? cy - y : cy - y + row_h);
  return box;
}

/// Height of a bottom legend wrapped at `max_w`.
double legend_height(const std::vector<LegendEntry>& entries, double max_w) {
  return legend(entries, 0, 0, max_w, false).h;
}

double legend_width(const std::vector<LegendEntry>& entries) { return legend(entries, 0, 0, 1e9, true).w; }

/// Frame shared by line plots and bar charts: grid, y ticks and labels, axes, axis labels.
std::string y_axis(const Scale& ys, const std::vector<double>& ticks, double left, double right,
                   const std::string& y_label, double top, double bottom) {
  std::string s;
  const double step = ticks.size() > 1 ? ticks[1] - ticks[0] : 1.0;
  for (double t : ticks) {
    const double y = ys(t);
    s += line(left, y, right, y, fmt::format("stroke=\"{}\" stroke-width=\"1\"", kGrid));
    s += line(left - 4, y, left, y, fmt::format("stroke=\"{}\"", kInk));
    s += text(left - 7, y + 3.8, tick_label(t, step),
              fmt::format("font-size=\"{}\" fill=\"{}\" text-anchor=\"end\"", kFont, kMuted));
  }
  s += line(left, top, left, bottom, fmt::format("stroke=\"{}\"", kInk));
  const double cy = (top + bottom) / 2;
  s += fmt::format(
      "<text x=\"14\" y=\"{}\" font-size=\"12\" fill=\"{}\" text-anchor=\"middle\" "
      "transform=\"rotate(-90 14 {})\">{}</text>",
      f(cy), kInk, f(cy), escape(y_label));
  return s;
}

/// Round domain and ticks for [lo, hi]; a fixed end (not NaN) is kept as given.
std::vector<double> domain_ticks(double& lo, double& hi, double fixed_lo, double fixed_hi, int target) {
  if (std::isfinite(fixed_lo)) lo = fixed_lo;
  if (std::isfinite(fixed_hi)) hi = fixed_hi;
  if (!(hi > lo)) {
    const double pad = std::abs(lo) > 1e-9 ? std::abs(lo) * 0.05 : 0.5;
    lo -= pad, hi += pad;
  }
  std::vector<double> t = nice_ticks(lo, hi, target);
  if (!std::isfinite(fixed_lo)) lo = std::min(lo, t.front());
  if (!std::isfinite(fixed_hi)) hi = std::max(hi, t.back());
  std::erase_if(t, [&](double v) { return v < lo - 1e-12 || v > hi + 1e-12; });
  return t;
}

}  // namespace

double legend_column_width(const std::vector<LegendEntry>& entries) { return legend_width(entries); }
double legend_rows_height(const std::vector<LegendEntry>& entries, double max_w) {
  return legend_height(entries, max_w);
}

std::string escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        // Control characters are not allowed in XML 1.0 (tab and newline are).
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n')
          out += ' ';
        else
          out += c;
    }
  }
  return out;
}

std::string palette(size_t i) {
  // Okabe & Ito (2008): blue, orange, bluish green, vermillion, reddish purple, sky blue, yellow.
  static const std::array<const char*, 7> kColors = {"#0072B2", "#E69F00", "#009E73", "#D55E00",
                                                     "#CC79A7", "#56B4E9", "#C9B200"};
  return kColors[i % kColors.size()];
}

std::string dash_pattern(size_t i) {
  static const std::array<const char*, 5> kDashes = {"", "7 4", "2 3", "9 3 2 3", "4 2"};
  return kDashes[i % kDashes.size()];
}

std::string sequential_color(double t) {
  // ColorBrewer "Blues" (9 classes), interpolated.
  static const std::array<std::array<int, 3>, 9> kStops = {{{247, 251, 255},
                                                            {222, 235, 247},
                                                            {198, 219, 239},
                                                            {158, 202, 225},
                                                            {107, 174, 214},
                                                            {66, 146, 198},
                                                            {33, 113, 181},
                                                            {8, 81, 156},
                                                            {8, 48, 107}}};
  if (!std::isfinite(t)) t = 0;
  t = std::clamp(t, 0.0, 1.0) * double(kStops.size() - 1);
  const size_t i = std::min(size_t(t), kStops.size() - 2);
  const double u = t - double(i);
  int rgb[3];
  for (int k = 0; k < 3; ++k) rgb[k] = int(std::lround(kStops[i][k] * (1 - u) + kStops[i + 1][k] * u));
  return fmt::format("#{:02x}{:02x}{:02x}", rgb[0], rgb[1], rgb[2]);
}

std::string format_si(double v) {
  const double a = std::abs(v);
  auto short_num = [](double x) {
    return x >= 100 ? fmt::format("{:.0f}", x) : x >= 10 ? fmt::format("{:.3g}", x) : fmt::format("{:.2g}", x);
  };
  if (a >= 1e9) return short_num(v / 1e9) + "B";
  if (a >= 1e6) return short_num(v / 1e6) + "M";
  if (a >= 1e3) return short_num(v / 1e3) + "K";
  return short_num(v);
}

std::vector<double> nice_ticks(double lo, double hi, int target) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) return {0.0, 1.0};
  if (hi < lo) std::swap(lo, hi);
  if (hi - lo < 1e-12) hi = lo + 1.0;
  const double raw = (hi - lo) / std::max(1, target);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (raw <= m * mag * 1.0000001) {
      step = m * mag;
      break;
    }
  std::vector<double> out;
  const double first = std::floor(lo / step + 1e-9) * step;
  for (double v = first; v <= hi + step * (1 - 1e-9); v += step) {
    out.push_back(std::abs(v) < step * 1e-9 ? 0.0 : v);
    if (out.size() > 50) break;
  }
  return out;
}

std::string legend_strip(const std::string& id, const std::vector<LegendEntry>& entries, double width) {
  const double h = legend_height(entries, width - 16) + 8;
  return open_svg(id, width, h, "legend") + legend(entries, 8, 4, width - 16, false).svg + "</svg>";
}

std::string line_plot(const LinePlot& p) {
  // Data extents.
  double x_lo = INFINITY, x_hi = -INFINITY, y_lo = INFINITY, y_hi = -INFINITY;
  for (const Series& s : p.series)
    for (const Point& pt : s.points) {
      if (!std::isfinite(pt.x) || !std::isfinite(pt.y) || (p.x_log && pt.x <= 0)) continue;
      x_lo = std::min(x_lo, pt.x), x_hi = std::max(x_hi, pt.x);
      const double e = std::isfinite(pt.err) && s.band ? pt.err : 0.0;
      y_lo = std::min(y_lo, pt.y - e), y_hi = std::max(y_hi, pt.y + e);
    }
  for (const RefLine& r : p.ref_lines)
    if (std::isfinite(r.y)) y_lo = std::min(y_lo, r.y), y_hi = std::max(y_hi, r.y);

  std::vector<LegendEntry> entries = p.legend;
  if (entries.empty())
    for (const Series& s : p.series)
      if (s.in_legend && !s.label.empty())
        entries.push_back({s.label, s.color, s.dash, !s.marker_class.empty(), s.line});
  const bool right_legend = p.legend_pos == LegendPos::right && !entries.empty();
  const bool bottom_legend = p.legend_pos == LegendPos::bottom && !entries.empty();

  bool two_line_ticks = false;
  for (const Tick& t : p.x_ticks) two_line_ticks |= t.label.find('\n') != std::string::npos;
  const double left = 58, top = p.title.empty() ? 14 : 34;
  const double right = p.width - 16 - (right_legend ? legend_width(entries) + 12 : 0);
  const double leg_h = bottom_legend ? legend_height(entries, p.width - 24) + 6 : 0;
  const double bottom = p.height - 42 - (two_line_ticks ? 13 : 0) - leg_h;

  std::string s = open_svg(p.id, p.width, p.height, p.title) + title_text(p.title, left);
  if (x_lo > x_hi) {  // nothing to draw
    s += text(p.width / 2, p.height / 2, "no data",
              fmt::format("font-size=\"12\" fill=\"{}\" text-anchor=\"middle\"", kMuted));
    return s + "</svg>";
  }

  // Scales and ticks.
  if (y_lo > y_hi) y_lo = 0, y_hi = 1;
  const double y_pad = (y_hi - y_lo) * 0.04;
  double yl = y_lo - (std::isfinite(p.y_min) ? 0 : y_pad), yh = y_hi + (std::isfinite(p.y_max) ? 0 : y_pad);
  const std::vector<double> y_ticks = domain_ticks(yl, yh, p.y_min, p.y_max, 5);
  const Scale ys{yl, yh, bottom, top, false};

  Scale xs{x_lo, x_hi, left + 10, right - 10, p.x_log};
  std::vector<Tick> x_ticks = p.x_ticks;
  if (p.x_log) {
    xs.d0 = x_lo / 1.5, xs.d1 = x_hi * 1.5, xs.p0 = left, xs.p1 = right;
    if (x_ticks.empty()) {
      const bool narrow = std::log10(xs.d1 / xs.d0) < 2;
      for (int k = int(std::floor(std::log10(xs.d0))); k <= int(std::ceil(std::log10(xs.d1))); ++k)
        for (double m : narrow ? std::vector<double>{1, 2, 5} : std::vector<double>{1}) {
          const double v = m * std::pow(10.0, k);
          if (v >= xs.d0 && v <= xs.d1) x_ticks.push_back({v, format_si(v)});
        }
    }
  } else {
    double xl = x_lo, xh = x_hi;
    const std::vector<double> t = domain_ticks(xl, xh, kNaN, kNaN, 6);
    xs = Scale{xl, xh, left, right, false};
    if (x_ticks.empty()) {
      const double step = t.size() > 1 ? t[1] - t[0] : 1.0;
      for (double v : t) x_ticks.push_back({v, step >= 1000 ? format_si(v) : tick_label(v, step)});
    }
  }

  // Frame: grid, ticks, axes, labels.
  s += "<g class=\"axes\">";
  s += y_axis(ys, y_ticks, left, right, p.y_label, top, bottom);
  for (const Tick& t : x_ticks) {
    if (t.value < xs.d0 || t.value > xs.d1) continue;
    const double x = xs(t.value);
    s += line(x, top, x, bottom, fmt::format("stroke=\"{}\" stroke-width=\"1\"", kGrid));
    s += line(x, bottom, x, bottom + 4, fmt::format("stroke=\"{}\"", kInk));
    const auto nl = t.label.find('\n');
    const std::string attrs = fmt::format("font-size=\"{}\" fill=\"{}\" text-anchor=\"middle\"", kFont, kMuted);
    s += text(x, bottom + 16, t.label.substr(0, nl), attrs);
    if (nl != std::string::npos) s += text(x, bottom + 29, t.label.substr(nl + 1), attrs);
  }
  s += line(left, bottom, right, bottom, fmt::format("stroke=\"{}\"", kInk));
  s += text((left + right) / 2, bottom + (two_line_ticks ? 45 : 33), p.x_label,
            fmt::format("font-size=\"12\" fill=\"{}\" text-anchor=\"middle\"", kInk));
  s += "</g>";

  // Reference lines, labelled at the left end (above the line; below when that would collide).
  std::vector<double> label_ys;
  for (const RefLine& r : p.ref_lines) {
    if (!std::isfinite(r.y)) continue;
    const double y = ys(r.y);
    s += line(left, y, right, y,
              fmt::format("class=\"ref\" stroke=\"{}\" stroke-width=\"1.2\"{}", escape(r.color), dash_attr(r.dash)));
    if (r.label.empty()) continue;
    double ly = y - 4;
    for (double o : label_ys)
      if (std::abs(o - ly) < 11) ly = y + 11;
    label_ys.push_back(ly);
    s += text(left + 5, ly, r.label, fmt::format("font-size=\"10\" fill=\"{}\"", escape(r.color)));
  }

  // Series: bands under lines under markers.
  auto usable = [&](const Point& pt) { return std::isfinite(pt.x) && std::isfinite(pt.y) && (!p.x_log || pt.x > 0); };
  for (const Series& se : p.series) {
    if (!se.band || !se.line) continue;
    std::string upper, lower;
    int n = 0;
    for (const Point& pt : se.points)
      if (usable(pt) && std::isfinite(pt.err) && pt.err > 0) ++n;
    if (n < 2) continue;
    for (const Point& pt : se.points)
      if (usable(pt)) {
        const double e = std::isfinite(pt.err) ? pt.err : 0.0;
        upper += f(xs(pt.x)) + "," + f(ys(pt.y + e)) + " ";
        lower = f(xs(pt.x)) + "," + f(ys(pt.y - e)) + " " + lower;
      }
    s += fmt::format(
        "<polygon class=\"band\" points=\"{}{}\" fill=\"{}\" fill-opacity=\"0.14\" "
        "stroke=\"none\"/>",
        upper, lower, escape(se.color));
  }
  for (const Series& se : p.series) {
    if (!se.line) continue;
    std::string d;
    for (const Point& pt : se.points)
      if (usable(pt)) d += (d.empty() ? "M" : " L") + f(xs(pt.x)) + " " + f(ys(pt.y));
    if (d.find('L') == std::string::npos) continue;
    s += fmt::format(
        "<path class=\"line\" d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\" "
        "stroke-linejoin=\"round\" stroke-linecap=\"round\"{}/>",
        d, escape(se.color), f(se.stroke_width), dash_attr(se.dash));
  }
  for (const Series& se : p.series) {
    if (se.marker_class.empty()) continue;
    for (const Point& pt : se.points) {
      if (!usable(pt) || !pt.marker) continue;
      s += fmt::format(
          "<circle class=\"{}\" cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{}\" "
          "stroke=\"#ffffff\" stroke-width=\"1\">{}</circle>",
          escape(se.marker_class), f(xs(pt.x)), f(ys(pt.y)), f(se.marker_radius), escape(se.color), tip(pt.tip));
    }
  }

  if (right_legend) s += legend(entries, right + 16, top, 0, true).svg;
  if (bottom_legend) s += legend(entries, 12, p.height - leg_h, p.width - 24, false).svg;
  return s + "</svg>";
}

std::string heatmap(const Heatmap& h) {
  const size_t nr = h.row_labels.size(), nc = h.col_labels.size();
  double row_label_w = 0;
  for (const auto& l : h.row_labels) row_label_w = std::max(row_label_w, text_width(l, kFont));
  const double left = 30 + row_label_w + 8, top = h.title.empty() ? 14 : 34;
  const double grid_w = double(nc) * h.cell_w, grid_h = double(nr) * h.cell_h;
  const double bar_x = left + grid_w + 18, bar_h = std::max(grid_h, 90.0);
  // The title starts right of the rotated y label (x 14), which can reach up to it on a 1-row grid.
  const double title_x = 30;
  const double width = std::max(bar_x + 14 + 40, title_x + text_width(h.title, 13.5) + 10);
  const double height = top + std::max(grid_h, bar_h) + 46;

  std::string s = open_svg(h.id, width, height, h.title) + title_text(h.title, title_x);
  const double span = h.vmax > h.vmin ? h.vmax - h.vmin : 1.0;
  auto at = [](const auto& grid, size_t r, size_t c, auto fallback) {
    return r < grid.size() && c < grid[r].size() ? grid[r][c] : fallback;
  };
  for (size_t r = 0; r < nr; ++r) {
    const double y = top + double(r) * h.cell_h;
    s += text(left - 8, y + h.cell_h / 2 + 4, h.row_labels[r],
              fmt::format("font-size=\"{}\" fill=\"{}\" text-anchor=\"end\"", kFont, kInk));
    for (size_t c = 0; c < nc; ++c) {
      if (!at(h.present, r, c, false)) continue;
      const double x = left + double(c) * h.cell_w;
      const double v = at(h.values, r, c, kNaN);
      const bool has = std::isfinite(v);
      const double t = has ? (v - h.vmin) / span : 0.0;
      const std::string fill = has ? sequential_color(t) : "#eeeeee";
      s += fmt::format(
          "<rect class=\"cell\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" "
          "fill=\"{}\" stroke=\"#ffffff\" stroke-width=\"2\">{}</rect>",
          f(x), f(y), f(h.cell_w), f(h.cell_h), fill, tip(at(h.tips, r, c, std::string())));
      const auto lines = at(h.text, r, c, std::vector<std::string>{});
      const std::string ink = !has ? "#666666" : t > 0.55 ? "#ffffff" : kInk;
      const double y0 = y + h.cell_h / 2 - (double(lines.size()) - 1) * 6.5 + 4;
      for (size_t k = 0; k < lines.size(); ++k)
        s += text(x + h.cell_w / 2, y0 + double(k) * 13, lines[k],
                  fmt::format("font-size=\"{}\" fill=\"{}\" text-anchor=\"middle\"{}", k == 0 && has ? 12 : 10, ink,
                              k == 0 && has ? " font-weight=\"600\"" : ""));
    }
  }
  for (size_t c = 0; c < nc; ++c)
    s += text(left + (double(c) + 0.5) * h.cell_w, top + grid_h + 16, h.col_labels[c],
              fmt::format("font-size=\"{}\" fill=\"{}\" text-anchor=\"middle\"", kFont, kInk));
  s += text(left + grid_w / 2, top + grid_h + 36, h.x_label,
            fmt::format("font-size=\"12\" fill=\"{}\" text-anchor=\"middle\"", kInk));
  const double cy = top + grid_h / 2;
  s += fmt::format(
      "<text x=\"14\" y=\"{}\" font-size=\"12\" fill=\"{}\" text-anchor=\"middle\" "
      "transform=\"rotate(-90 14 {})\">{}</text>",
      f(cy), kInk, f(cy), escape(h.y_label));

  // Color bar: stacked steps (no gradient ids, so figures can be pasted anywhere).
  const int steps = 32;
  for (int k = 0; k < steps; ++k) {
    const double y = top + bar_h * (1 - double(k + 1) / steps);
    s += fmt::format("<rect class=\"cbar\" x=\"{}\" y=\"{}\" width=\"12\" height=\"{}\" fill=\"{}\"/>", f(bar_x), f(y),
                     f(bar_h / steps + 0.5), sequential_color((k + 0.5) / steps));
  }
  const std::vector<double> bar_ticks = nice_ticks(h.vmin, h.vmax, 4);
  const double bar_step = bar_ticks.size() > 1 ? bar_ticks[1] - bar_ticks[0] : 0.1;
  for (double t : bar_ticks) {
    if (t < h.vmin - 1e-9 || t > h.vmax + 1e-9) continue;
    const double y = top + bar_h * (1 - (t - h.vmin) / span);
    s += line(bar_x + 12, y, bar_x + 16, y, fmt::format("stroke=\"{}\"", kInk));
    s += text(bar_x + 19, y + 3.8, tick_label(t, bar_step), fmt::format("font-size=\"10\" fill=\"{}\"", kMuted));
  }
  s += text(bar_x, top + bar_h + 16, h.scale_label, fmt::format("font-size=\"10\" fill=\"{}\"", kMuted));
  return s + "</svg>";
}

std::string bar_chart(const BarChart& b) {
  const size_t nc = b.categories.size(), ns = b.series.size();
  auto value = [&](size_t s, size_t c) { return c < b.series[s].values.size() ? b.series[s].values[c] : kNaN; };
  auto error = [&](size_t s, size_t c) { return c < b.series[s].errors.size() ? b.series[s].errors[c] : kNaN; };
  double lo = 0, hi = 0;
  for (size_t s = 0; s < ns; ++s)
    for (size_t c = 0; c < nc; ++c) {
      const double v = value(s, c), e = std::isfinite(error(s, c)) ? error(s, c) : 0.0;
      if (!std::isfinite(v)) continue;
      lo = std::min(lo, v - e), hi = std::max(hi, v + e);
    }
  if (b.value_labels) hi += (hi - lo) * 0.08;
  const std::vector<double> ticks = domain_ticks(lo, hi, b.y_min, b.y_max, 5);

  std::vector<LegendEntry> entries;
  if (b.legend_pos != LegendPos::none && ns > 1)
    for (const BarSeries& se : b.series) entries.push_back({se.label, se.color, "", false, false});
  const double left = 58, right = b.width - 14, top = b.title.empty() ? 14 : 34;
  // Measured at the width it is drawn at below, so a legend that wraps gets the rows it needs.
  const double leg_w = b.width - left - 12;
  const double leg_h = entries.empty() ? 0 : legend_height(entries, leg_w) + 6;
  const double bottom = b.height - 42 - leg_h;
  const Scale ys{lo, hi, bottom, top, false};

  std::string s = open_svg(b.id, b.width, b.height, b.title) + title_text(b.title, left);
  s += "<g class=\"axes\">" + y_axis(ys, ticks, left, right, b.y_label, top, bottom);
  s += line(left, ys(std::clamp(0.0, lo, hi)), right, ys(std::clamp(0.0, lo, hi)), fmt::format("stroke=\"{}\"", kInk));
  s += text((left + right) / 2, bottom + 33, b.x_label,
            fmt::format("font-size=\"12\" fill=\"{}\" text-anchor=\"middle\"", kInk));
  s += "</g>";

  const double band = (right - left) / double(std::max<size_t>(nc, 1));
  const double bar_w = band * (ns > 1 ? 0.78 : 0.56) / double(std::max<size_t>(ns, 1));
  const double y0 = ys(std::clamp(0.0, lo, hi));
  for (size_t c = 0; c < nc; ++c) {
    const double gx = left + band * double(c) + (band - bar_w * double(ns)) / 2;
    s += text(left + band * (double(c) + 0.5), bottom + 16, b.categories[c],
              fmt::format("font-size=\"{}\" fill=\"{}\" text-anchor=\"middle\"", kFont, kInk));
    for (size_t k = 0; k < ns; ++k) {
      const BarSeries& se = b.series[k];
      const double v = value(k, c), x = gx + bar_w * double(k);
      if (!std::isfinite(v)) {
        s += text(x + bar_w / 2, y0 - 4, "n/a",
                  fmt::format("font-size=\"9\" fill=\"{}\" text-anchor=\"middle\"", kMuted));
        continue;
      }
      const std::string color = c < se.colors.size() ? se.colors[c] : se.color;
      const double yv = ys(v);
      s += fmt::format(
          "<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" "
          "fill=\"{}\" stroke=\"#ffffff\" stroke-width=\"0.8\">{}</rect>",
          f(x), f(std::min(yv, y0)), f(std::max(bar_w, 1.0)), f(std::max(std::abs(y0 - yv), 0.5)), escape(color),
          tip(c < se.tips.size() ? se.tips[c] : ""));
      const double e = error(k, c);
      if (std::isfinite(e) && e > 0) {
        const double cx = x + bar_w / 2, cap = std::min(5.0, bar_w / 3);
        const std::string st = fmt::format("class=\"err\" stroke=\"{}\" stroke-width=\"1.2\"", kInk);
        s += line(cx, ys(v - e), cx, ys(v + e), st);
        s += line(cx - cap, ys(v + e), cx + cap, ys(v + e), st);
        s += line(cx - cap, ys(v - e), cx + cap, ys(v - e), st);
      }
      if (b.value_labels) {
        const double ty = v >= 0 ? ys(v + (std::isfinite(e) ? e : 0)) - 5 : ys(v) + 13;
        s += text(x + bar_w / 2, ty, fmt::format("{:.2f}", v),
                  fmt::format("font-size=\"10.5\" fill=\"{}\" text-anchor=\"middle\"", kInk));
      }
    }
  }
  for (const RefLine& r : b.ref_lines)
    if (std::isfinite(r.y) && r.y >= lo && r.y <= hi)
      s += line(left, ys(r.y), right, ys(r.y),
                fmt::format("class=\"ref\" stroke=\"{}\" stroke-width=\"1\"{}", escape(r.color), dash_attr(r.dash)));
  if (!entries.empty()) s += legend(entries, left, b.height - leg_h, leg_w, false).svg;
  return s + "</svg>";
}

}  // namespace w2s::report::svg
