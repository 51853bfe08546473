// The report's figures for one task (see figures.h), built on the svg.h helpers.
#include "w2s/report/figures.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <tuple>

#include "w2s/report/aggregate.h"
#include "w2s/report/svg.h"

namespace w2s::report {
namespace {

constexpr const char* kBlack = "#000000";
constexpr const char* kAccColor = "#0072B2";    // dynamics: student test accuracy
constexpr const char* kAgreeColor = "#E69F00";  // dynamics: agreement with the supervisor
constexpr const char* kRightColor = "#009E73";  // agreement when the supervisor was right
constexpr const char* kWrongColor = "#D55E00";  // ... and when it was wrong
constexpr const char* kLossInk = "#555555";     // legend samples for dash = loss
constexpr const char* kAlphaColor = "#CC79A7";  // dynamics: the confidence loss's α
constexpr const char* kHardColor = "#56B4E9";   // dynamics: share of the batch hardened to class 1

std::string slug(const std::string& s) {
  std::string out;
  for (char c : s) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
  return out;
}

const ModelPoint* find_model(const std::vector<ModelPoint>& curve, const std::string& name) {
  for (const ModelPoint& m : curve)
    if (m.model == name) return &m;
  return nullptr;
}

size_t key_index(const std::vector<LossKey>& keys, const LossKey& k) {
  return size_t(std::find(keys.begin(), keys.end(), k) - keys.begin());
}

std::string status_text(const std::string& status) {
  if (status == "ceiling_not_above_weak") return "ceiling ≤ weak";
  return status.empty() ? "n/a" : status;
}

/// x ticks at the models' sizes ("xs" over "1.2M") when they are far enough apart on a log axis
/// of about `plot_w` px; empty (automatic decade ticks) otherwise.
std::vector<svg::Tick> model_ticks(std::vector<ModelName> models, double plot_w) {
  std::erase_if(models, [](const ModelName& m) { return m.params <= 0; });
  if (models.empty()) return {};
  std::sort(models.begin(), models.end(), [](const ModelName& a, const ModelName& b) { return a.params < b.params; });
  const double span = std::log10(double(models.back().params) * 1.5 / (double(models.front().params) / 1.5));
  std::vector<svg::Tick> ticks;
  for (const ModelName& m : models) {
    if (!ticks.empty() && ticks.back().value == double(m.params)) {
      ticks.back().label.insert(ticks.back().label.find('\n'), "/" + m.name);
      continue;
    }
    if (!ticks.empty() && std::log10(double(m.params) / ticks.back().value) / span * plot_w < 46) return {};
    ticks.push_back({double(m.params), m.name + "\n" + svg::format_si(double(m.params))});
  }
  return ticks;
}

}  // namespace

std::string accuracy_vs_size_figure(const Results& r, const std::string& task) {
  const auto ceiling = ceiling_curve(r, task);
  const auto weak = weak_models(r, task);
  const auto strong = strong_models(r, task);
  const auto keys = loss_keys(r, task);
  const auto pairs = pair_summaries(r, task);

  svg::LinePlot p;
  p.id = "accuracy-vs-size-" + slug(task);
  p.title = fmt::format("{}: test accuracy vs strong student size", task);
  p.x_label = "strong student size (non-embedding parameters, log scale)";
  p.y_label = "test accuracy";
  p.width = 720, p.height = 440;
  p.x_log = true;

  bool any = false;
  for (size_t li = 0; li < keys.size(); ++li) {
    const std::string label = loss_label(keys[li], keys);
    for (size_t wi = 0; wi < weak.size(); ++wi) {
      svg::Series se;
      se.color = svg::palette(wi);
      se.dash = svg::dash_pattern(li);
      se.in_legend = false;
      // The line starts at the supervisor's own accuracy (already a ceiling marker).
      if (const ModelPoint* m = find_model(ceiling, weak[wi].name.substr(0, weak[wi].name.find('>'))))
        se.points.push_back({double(m->params), m->acc.mean, svg::kNaN, false, ""});
      bool student = false;
      for (const ModelName& s : strong) {
        Stat acc{svg::kNaN, svg::kNaN, 0};
        if (const PgrRow* row = find_pgr(r, task, weak[wi].name, s.name, keys[li])) {
          acc = {row->student_acc, row->student_se, row->n_seeds};
          if (se.points.empty() && std::isfinite(row->weak_acc))
            se.points.push_back({double(row->weak_params), row->weak_acc, svg::kNaN, false, ""});
        }
        if (!std::isfinite(acc.mean))
          for (const PairSummary& ps : pairs)
            if (ps.weak == weak[wi].name && ps.strong == s.name && ps.loss == keys[li]) acc = ps.test_accuracy;
        if (!std::isfinite(acc.mean)) continue;
        student = true;
        se.points.push_back({double(s.params), acc.mean, acc.se, true,
                             fmt::format("{} → {} ({}): accuracy {} over {} seeds", weak[wi].name, s.name, label,
                                         format_mean_se(acc.mean, acc.se, 3), acc.n)});
      }
      if (!student) continue;
      std::stable_sort(se.points.begin(), se.points.end(),
                       [](const svg::Point& a, const svg::Point& b) { return a.x < b.x; });
      p.series.push_back(std::move(se));
      any = true;
    }
  }
  if (!ceiling.empty()) {
    svg::Series gt;
    gt.label = "ground truth (ceiling)";
    gt.color = kBlack;
    gt.stroke_width = 2.2;
    gt.marker_radius = 3.8;
    for (const ModelPoint& m : ceiling)
      gt.points.push_back({double(m.params), m.acc.mean, m.acc.se, true,
                           fmt::format("{} trained on ground truth: accuracy {} over {} seeds", m.model,
                                       format_mean_se(m.acc.mean, m.acc.se, 3), m.acc.n)});
    p.series.push_back(std::move(gt));
    any = true;
  }
  if (!any) return "";

  p.legend.push_back({"ground truth (ceiling)", kBlack, "", true, true});
  for (size_t wi = 0; wi < weak.size(); ++wi)
    p.legend.push_back({"weak supervisor " + weak[wi].name, svg::palette(wi), "", true, true});
  for (size_t li = 0; li < keys.size(); ++li)
    p.legend.push_back({"loss " + loss_label(keys[li], keys), kLossInk, svg::dash_pattern(li), false, true});

  std::vector<ModelName> sized = strong;
  for (const ModelPoint& m : ceiling) sized.push_back({m.model, m.params});
  std::sort(sized.begin(), sized.end(), [](const ModelName& a, const ModelName& b) {
    return std::tie(a.params, a.name) < std::tie(b.params, b.name);
  });
  sized.erase(
      std::unique(sized.begin(), sized.end(), [](const ModelName& a, const ModelName& b) { return a.name == b.name; }),
      sized.end());
  // A legend wider than a third of the figure (bootstrap chains name every link) goes below the
  // plot, which keeps its width; the figure grows by the legend's height.
  if (svg::legend_column_width(p.legend) > p.width / 3) {
    p.legend_pos = svg::LegendPos::bottom;
    p.height += svg::legend_rows_height(p.legend, p.width - 24) + 6;
  }
  p.x_ticks = model_ticks(sized, p.legend_pos == svg::LegendPos::bottom ? 640 : 460);
  return svg::line_plot(p);
}

std::vector<std::string> pgr_heatmaps(const Results& r, const std::string& task) {
  const auto keys = loss_keys(r, task);
  double vmin = 0, vmax = 1;
  for (const PgrRow& row : r.pgr)
    if (row.task == task && has_pgr(row)) vmin = std::min(vmin, row.pgr), vmax = std::max(vmax, row.pgr);
  vmin = std::floor(vmin * 10) / 10, vmax = std::ceil(vmax * 10) / 10;

  std::vector<std::string> out;
  for (const LossKey& k : keys) {
    std::vector<ModelName> rows, cols;
    auto add = [](std::vector<ModelName>& v, const std::string& n, int64_t params) {
      for (const ModelName& m : v)
        if (m.name == n) return;
      v.push_back({n, params});
    };
    for (const PgrRow& row : r.pgr)
      if (row.task == task && row.loss == k.loss && row.method == k.method) {
        add(rows, row.weak, row.weak_params);
        add(cols, row.strong, row.strong_params);
      }
    if (rows.empty()) continue;
    auto by_size = [](const ModelName& a, const ModelName& b) {
      return std::tie(a.params, a.name) < std::tie(b.params, b.name);
    };
    std::sort(rows.begin(), rows.end(), by_size);
    std::sort(cols.begin(), cols.end(), by_size);

    svg::Heatmap h;
    h.id = "pgr-heatmap-" + slug(task) + "-" + slug(loss_label(k, keys));
    h.title = "PGR · " + loss_label(k, keys);
    h.x_label = "strong student";
    h.y_label = "weak supervisor";
    h.scale_label = "PGR";
    h.vmin = vmin, h.vmax = vmax;
    for (const ModelName& m : rows) h.row_labels.push_back(m.name);
    for (const ModelName& m : cols) h.col_labels.push_back(m.name);
    const size_t nr = rows.size(), nc = cols.size();
    h.present.assign(nr, std::vector<bool>(nc, false));
    h.values.assign(nr, std::vector<double>(nc, svg::kNaN));
    h.text.assign(nr, std::vector<std::vector<std::string>>(nc));
    h.tips.assign(nr, std::vector<std::string>(nc));
    for (size_t i = 0; i < nr; ++i)
      for (size_t j = 0; j < nc; ++j) {
        const PgrRow* row = find_pgr(r, task, rows[i].name, cols[j].name, k);
        if (!row) continue;
        h.present[i][j] = true;
        if (has_pgr(*row)) {
          h.values[i][j] = row->pgr;
          h.text[i][j] = {fmt::format("{:.2f}{}", row->pgr, row->status == "ok" ? "" : " n.s."),
                          std::isfinite(row->pgr_lo) && std::isfinite(row->pgr_hi)
                              ? fmt::format("[{:.2f}, {:.2f}]", row->pgr_lo, row->pgr_hi)
                              : ""};
        } else {
          h.text[i][j] = {status_text(row->status)};
        }
        h.tips[i][j] = fmt::format(
            "{} → {} ({}): PGR {} over {} seeds; weak {}, student {}, ceiling {}", row->weak, row->strong,
            loss_label(k, keys), format_pgr_cell(*row), row->n_seeds, format_mean_se(row->weak_acc, row->weak_se, 3),
            format_mean_se(row->student_acc, row->student_se, 3), format_mean_se(row->ceiling_acc, row->ceiling_se, 3));
      }
    out.push_back(svg::heatmap(h));
  }
  return out;
}

std::string median_pgr_chart(const Results& r, const std::string& task) {
  const auto keys = loss_keys(r, task);
  svg::BarChart b;
  b.id = "median-pgr-" + slug(task);
  b.title = "median PGR per loss";
  b.x_label = "loss";
  b.y_label = "median PGR over pairs";
  b.width = std::max(250.0, 120.0 + 80.0 * double(keys.size()));
  b.height = 250;
  b.value_labels = true;
  b.legend_pos = svg::LegendPos::none;
  svg::BarSeries se;
  se.label = "median PGR";
  se.color = svg::sequential_color(0.78);
  bool any_rows = false;
  for (const LossKey& k : keys) {
    int n_ok = 0, n = 0;
    for (const PgrRow& row : r.pgr)
      if (row.task == task && row.loss == k.loss && row.method == k.method) ++n, n_ok += has_pgr(row);
    any_rows = any_rows || n > 0;
    b.categories.push_back(loss_label(k, keys));
    const double m = median_pgr(r, task, k);
    se.values.push_back(m);
    se.tips.push_back(fmt::format("{}: median PGR {} over the {} of {} pairs with a PGR", loss_label(k, keys),
                                  std::isfinite(m) ? fmt::format("{:.3f}", m) : "n/a", n_ok, n));
  }
  if (!any_rows) return "";
  b.series.push_back(std::move(se));
  return svg::bar_chart(b);
}

std::string misfit_figure(const Results& r, const std::string& task) {
  const auto keys = loss_keys(r, task);
  svg::LinePlot p;
  p.id = "misfit-" + slug(task);
  p.title = "PGR and the student's misfit";
  p.x_label = "misfit: student disagrees with its weak labels (train)";
  p.y_label = "PGR";
  p.width = 480, p.height = 320;
  p.legend_pos = svg::LegendPos::bottom;
  size_t n = 0;
  for (const LossKey& k : keys) {
    svg::Series se;
    se.label = loss_label(k, keys);
    se.color = svg::palette(key_index(keys, k));
    se.line = false;
    se.band = false;
    for (const PgrRow& row : r.pgr) {
      if (row.task != task || row.loss != k.loss || row.method != k.method) continue;
      if (!has_pgr(row) || !std::isfinite(row.misfit)) continue;
      svg::Point pt;
      pt.x = row.misfit, pt.y = row.pgr;
      pt.tip = fmt::format("{} → {}, {}: misfit {:.3f}, PGR {}, error consistency κ {}", row.weak, row.strong, se.label,
                           row.misfit, format_pgr_cell(row),
                           std::isfinite(row.error_consistency) ? fmt::format("{:.2f}", row.error_consistency) : "n/a");
      se.points.push_back(std::move(pt));
    }
    n += se.points.size();
    if (!se.points.empty()) p.series.push_back(std::move(se));
  }
  if (n == 0) return "";
  p.ref_lines.push_back({0.0, "PGR 0"});
  return svg::line_plot(p);
}

std::vector<std::string> dynamics_panels(const Results& r, const std::string& task, std::string* legend_strip) {
  const auto keys = loss_keys(r, task);
  const auto ceiling = ceiling_curve(r, task);
  const auto pairs = pair_summaries(r, task);
  // Pairs in order of first appearance (pair_summaries is sorted by size).
  std::vector<std::pair<std::string, std::string>> order;
  for (const PairSummary& ps : pairs) {
    if (ps.dynamics.empty()) continue;
    const auto key = std::pair(ps.weak, ps.strong);
    if (std::find(order.begin(), order.end(), key) == order.end()) order.push_back(key);
  }
  std::vector<std::string> out;
  std::vector<size_t> used_keys;
  struct {
    bool alpha = false, hard = false;
  } loss_state;  // whether any panel drew the loss's α / hardened share
  for (const auto& [weak, strong] : order) {
    svg::LinePlot p;
    p.id = "dynamics-" + slug(task) + "-" + slug(weak) + "-" + slug(strong);
    p.title = weak + " → " + strong;
    p.x_label = "optimizer step";
    p.y_label = "accuracy / agreement";
    p.width = 322, p.height = 250;
    p.legend_pos = svg::LegendPos::none;
    for (const PairSummary& ps : pairs) {
      if (ps.weak != weak || ps.strong != strong || ps.dynamics.empty()) continue;
      const size_t li = key_index(keys, ps.loss);
      if (std::find(used_keys.begin(), used_keys.end(), li) == used_keys.end()) used_keys.push_back(li);
      const std::string label = loss_label(ps.loss, keys);
      svg::Series acc, agree;
      acc.color = kAccColor, agree.color = kAgreeColor;
      acc.dash = agree.dash = svg::dash_pattern(li);
      acc.marker_radius = agree.marker_radius = 2.4;
      acc.stroke_width = agree.stroke_width = 1.7;
      for (const PairSummary::Step& st : ps.dynamics) {
        const double x = double(st.step);
        acc.points.push_back({x, st.test_accuracy.mean, st.test_accuracy.se, true,
                              fmt::format("{}, step {}: test accuracy {}", label, st.step,
                                          format_mean_se(st.test_accuracy.mean, st.test_accuracy.se, 3))});
        agree.points.push_back({x, st.weak_agreement.mean, st.weak_agreement.se, true,
                                fmt::format("{}, step {}: agreement with {} {}", label, st.step, weak,
                                            format_mean_se(st.weak_agreement.mean, st.weak_agreement.se, 3))});
      }
      p.series.push_back(std::move(acc));
      p.series.push_back(std::move(agree));
      // What the loss did (the confidence loss: α and the hardened share), where recorded.
      svg::Series alpha, hard;
      alpha.color = kAlphaColor, hard.color = kHardColor;
      alpha.dash = hard.dash = svg::dash_pattern(li);
      alpha.marker_radius = hard.marker_radius = 1.6;
      alpha.stroke_width = hard.stroke_width = 1.2;
      for (const PairSummary::Step& st : ps.dynamics) {
        const double x = double(st.step);
        if (st.alpha.n > 0)
          alpha.points.push_back({x, st.alpha.mean, st.alpha.se, true,
                                  fmt::format("{}, step {}: α {}", label, st.step, format_fixed(st.alpha.mean, 3))});
        if (st.hardened_rate.n > 0)
          hard.points.push_back({x, st.hardened_rate.mean, st.hardened_rate.se, true,
                                 fmt::format("{}, step {}: hardened to class 1 {}", label, st.step,
                                             format_mean_se(st.hardened_rate.mean, st.hardened_rate.se, 3))});
      }
      loss_state.alpha |= !alpha.points.empty();
      loss_state.hard |= !hard.points.empty();
      if (!alpha.points.empty()) p.series.push_back(std::move(alpha));
      if (!hard.points.empty()) p.series.push_back(std::move(hard));
    }
    if (const ModelPoint* m = find_model(ceiling, weak.substr(0, weak.find('>'))))
      p.ref_lines.push_back({m->acc.mean, "weak", "#888888", "5 3"});
    if (const ModelPoint* m = find_model(ceiling, strong))
      p.ref_lines.push_back({m->acc.mean, "ceiling", kBlack, "2 3"});
    out.push_back(svg::line_plot(p));
  }
  if (legend_strip && !out.empty()) {
    std::sort(used_keys.begin(), used_keys.end());
    std::vector<svg::LegendEntry> entries = {{"student test accuracy", kAccColor, "", true, true},
                                             {"agreement with the weak labels", kAgreeColor, "", true, true}};
    if (loss_state.alpha) entries.push_back({"confidence loss α", kAlphaColor, "", true, true});
    if (loss_state.hard) entries.push_back({"share hardened to class 1", kHardColor, "", true, true});
    for (size_t li : used_keys)
      if (li < keys.size())
        entries.push_back({"loss " + loss_label(keys[li], keys), kLossInk, svg::dash_pattern(li), false, true});
    entries.push_back({"weak supervisor accuracy", "#888888", "5 3", false, true});
    entries.push_back({"ceiling (strong model on ground truth)", kBlack, "2 3", false, true});
    *legend_strip = svg::legend_strip("dynamics-legend-" + slug(task), entries, 1290);
  }
  return out;
}

std::vector<std::string> agreement_charts(const Results& r, const std::string& task) {
  const auto keys = loss_keys(r, task);
  const auto pairs = pair_summaries(r, task);
  std::vector<std::string> out;
  for (const LossKey& k : keys) {
    svg::BarChart b;
    b.id = "agreement-" + slug(task) + "-" + slug(loss_label(k, keys));
    b.title = "student–supervisor agreement · " + loss_label(k, keys);
    b.x_label = "weak supervisor → strong student";
    b.y_label = "agreement on test set";
    b.y_min = 0, b.y_max = 1;
    svg::BarSeries right, wrong;
    right.label = "supervisor right", right.color = kRightColor;
    wrong.label = "supervisor wrong", wrong.color = kWrongColor;
    bool any = false;
    for (const PairSummary& ps : pairs) {
      if (!(ps.loss == k)) continue;
      const std::string pair = ps.weak + "→" + ps.strong;
      b.categories.push_back(pair);
      right.values.push_back(ps.agree_right.mean), right.errors.push_back(ps.agree_right.se);
      wrong.values.push_back(ps.agree_wrong.mean), wrong.errors.push_back(ps.agree_wrong.se);
      right.tips.push_back(fmt::format("{} ({}): agreement where the supervisor was right {}", pair,
                                       loss_label(k, keys), format_mean_se(ps.agree_right.mean, ps.agree_right.se, 3)));
      wrong.tips.push_back(fmt::format("{} ({}): agreement where the supervisor was wrong {}", pair,
                                       loss_label(k, keys), format_mean_se(ps.agree_wrong.mean, ps.agree_wrong.se, 3)));
      any = any || std::isfinite(ps.agree_right.mean) || std::isfinite(ps.agree_wrong.mean);
    }
    if (!any) continue;
    b.width = std::max(340.0, 110.0 + 95.0 * double(b.categories.size()));
    b.height = 280;
    b.series = {std::move(right), std::move(wrong)};
    out.push_back(svg::bar_chart(b));
  }
  return out;
}

std::string reward_margin_figure(const Results& r, const std::string& task) {
  // (label, is a student) → per bin: accuracies over seeds; in first-seen order by model size.
  std::vector<std::pair<std::string, bool>> order;
  std::map<std::string, std::vector<std::vector<double>>> acc;
  std::map<std::string, int64_t> size_of;
  std::vector<const StageRecord*> stages;
  for (const StageRecord& s : r.stages)
    if (s.task == task && !s.margins.empty() &&
        (s.kind == methods::StageKind::gt || s.kind == methods::StageKind::student))
      stages.push_back(&s);
  std::stable_sort(stages.begin(), stages.end(), [](const StageRecord* a, const StageRecord* b) {
    return std::tuple(a->kind != methods::StageKind::gt, a->model_params) <
           std::tuple(b->kind != methods::StageKind::gt, b->model_params);
  });
  for (const StageRecord* s : stages) {
    const bool student = s->kind == methods::StageKind::student;
    const std::string label = student ? fmt::format("{} ← {} ({})", s->model, s->supervisor, s->loss) : s->model;
    auto [it, fresh] = acc.try_emplace(label);
    if (fresh) order.emplace_back(label, student), size_of[label] = s->model_params;
    if (it->second.size() < s->margins.size()) it->second.resize(s->margins.size());
    for (size_t b = 0; b < s->margins.size(); ++b) it->second[b].push_back(s->margins[b].accuracy);
  }
  if (order.empty()) return "";
  svg::LinePlot p;
  p.id = "margins-" + slug(task);
  p.title = "Accuracy by reward margin";
  p.x_label = "margin quintile (|r₁ − r₀|, low → high)";
  p.y_label = "test accuracy";
  for (int b = 1; b <= 5; ++b) p.x_ticks.push_back({double(b), std::to_string(b)});
  size_t color = 0;
  for (const auto& [label, student] : order) {
    svg::Series series;
    series.label = label;
    series.color = svg::palette(color++);
    series.dash = student ? "6 3" : "";
    const auto& bins = acc[label];
    for (size_t b = 0; b < bins.size(); ++b) {
      const auto st = mean_se(bins[b]);
      series.points.push_back(
          {double(b + 1), st.mean, st.se, true,
           fmt::format("{}, margin quintile {}: accuracy {}", label, b + 1, format_mean_se(st.mean, st.se, 3))});
    }
    p.series.push_back(std::move(series));
  }
  return svg::line_plot(p);
}

}  // namespace w2s::report
