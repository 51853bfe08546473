// The method comparison table and its paired tests.
#include "w2s/report/compare.h"

#include <fmt/format.h>
#include <fmt/ranges.h>  // fmt::join (fmt ≥ 11 keeps it here; libtorch 2.x ships fmt 11)
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include "w2s/core/error.h"
#include "w2s/eval/paired_tests.h"
#include "w2s/report/aggregate.h"

namespace w2s::report {
namespace {

using nlohmann::json;

json num(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

struct Pair {
  const PgrRow* a = nullptr;
  const PgrRow* b = nullptr;
  double diff = 0.0;  // student accuracy A − B, in points
};

json test_json(const eval::PairedTest& t) {
  return {{"n", t.n},
          {"mean_diff_points", num(t.mean)},
          {"sd_points", num(t.sd)},
          {"wins", t.wins},
          {"losses", t.losses},
          {"ties", t.ties},
          {"t", num(t.t)},
          {"t_p", num(t.t_p)},
          {"wilcoxon_w_plus", num(t.w_plus)},
          {"wilcoxon_p", num(t.w_p)},
          {"wilcoxon_exact", t.w_exact}};
}

std::string test_line(const std::string& a, const std::string& b, const std::string& over, const eval::PairedTest& t) {
  std::string s = fmt::format("{} − {} over {} {}: mean {:+.2f} points", a, b, t.n, over, t.mean);
  if (std::isfinite(t.sd)) s += fmt::format(" (sd {:.2f})", t.sd);
  s += fmt::format("; {} better on {}, worse on {}, tied on {}", a, t.wins, t.losses, t.ties);
  if (std::isfinite(t.t_p)) s += fmt::format("; paired t = {:.2f}, p = {:.3g}", t.t, t.t_p);
  s += fmt::format("; Wilcoxon W+ = {:g}, p = {:.3g} ({})", t.w_plus, t.w_p, t.w_exact ? "exact" : "normal approx.");
  return s;
}

}  // namespace

std::string format_compare(const Results& r, const std::string& a, const std::string& b, TableFormat format) {
  check(a != b, "--compare needs two different losses, got {} twice", a);
  std::set<std::string> losses;
  std::map<std::tuple<std::string, std::string, std::string, std::string>, Pair> by_pair;
  for (const PgrRow& p : r.pgr) {
    losses.insert(p.loss);
    if (p.loss != a && p.loss != b) continue;
    auto& slot = by_pair[{p.task, p.weak, p.strong, p.method}];
    (p.loss == a ? slot.a : slot.b) = &p;
  }
  check(losses.count(a) && losses.count(b), "--compare {},{}: the results have the losses {}", a, b,
        fmt::join(losses, ", "));
  std::vector<Pair> pairs;
  int64_t one_sided = 0;
  for (auto& [id, p] : by_pair) {
    const bool both = p.a && p.b && p.a->n_seeds > 0 && p.b->n_seeds > 0 && std::isfinite(p.a->student_acc) &&
                      std::isfinite(p.b->student_acc);
    if (!both) {
      ++one_sided;
      continue;
    }
    p.diff = 100.0 * (p.a->student_acc - p.b->student_acc);
    pairs.push_back(p);
  }
  check(!pairs.empty(), "--compare {},{}: no weak→strong pair has finished students of both", a, b);
  std::stable_sort(pairs.begin(), pairs.end(), [](const Pair& x, const Pair& y) {
    return std::tuple(x.a->task, x.a->weak_params, x.a->strong_params) <
           std::tuple(y.a->task, y.a->weak_params, y.a->strong_params);
  });

  std::vector<double> diffs;
  std::map<std::string, std::vector<double>> per_task;
  for (const Pair& p : pairs) diffs.push_back(p.diff), per_task[p.a->task].push_back(p.diff);
  const auto over_pairs = eval::paired_tests(diffs);
  std::vector<double> task_means;
  for (const auto& [task, ds] : per_task) {
    double s = 0.0;
    for (double d : ds) s += d;
    task_means.push_back(s / static_cast<double>(ds.size()));
  }
  const bool tasks = per_task.size() > 1;
  const auto over_tasks = eval::paired_tests(task_means);

  if (format == TableFormat::json) {
    json rows = json::array();
    for (const Pair& p : pairs)
      rows.push_back({{"task", p.a->task},
                      {"weak", p.a->weak},
                      {"strong", p.a->strong},
                      {"method", p.a->method},
                      {"n_seeds", std::min(p.a->n_seeds, p.b->n_seeds)},
                      {"student_acc_a", num(p.a->student_acc)},
                      {"student_acc_b", num(p.b->student_acc)},
                      {"diff_points", num(p.diff)},
                      {"pgr_a", num(p.a->pgr)},
                      {"pgr_b", num(p.b->pgr)}});
    json out = {{"a", a}, {"b", b}, {"rows", rows}, {"over_pairs", test_json(over_pairs)}, {"one_sided", one_sided}};
    if (tasks) out["over_tasks"] = test_json(over_tasks);
    return out.dump(1) + "\n";
  }
  Table t;
  t.headers = {"task", "weak", "strong", "seeds", a + " acc", b + " acc", "diff (points)", "PGR " + a, "PGR " + b};
  t.right = {false, false, false, true, true, true, true, true, true};
  const auto shown = task_display_names(r);
  for (const Pair& p : pairs) {
    const bool csv = format == TableFormat::csv;
    auto acc = [&](const PgrRow* x) {
      return csv ? fmt::format("{:.6g}", x->student_acc) : format_mean_se(x->student_acc, x->student_se, 3);
    };
    auto pgr = [&](const PgrRow* x) {
      if (!std::isfinite(x->pgr)) return std::string(csv ? "" : "-");
      return csv ? fmt::format("{:.6g}", x->pgr) : fmt::format("{:.2f}", x->pgr);
    };
    const std::string strong = p.a->method == "finetune" ? p.a->strong : p.a->strong + " (" + p.a->method + ")";
    t.rows.push_back({csv ? p.a->task : shown.at(p.a->task), p.a->weak, strong,
                      std::to_string(std::min(p.a->n_seeds, p.b->n_seeds)), acc(p.a), acc(p.b),
                      csv ? fmt::format("{:.6g}", p.diff) : fmt::format("{:+.2f}", p.diff), pgr(p.a), pgr(p.b)});
  }
  std::string out = render_table(t, format);
  if (format == TableFormat::csv) return out;
  const std::string sep = format == TableFormat::md ? "\n" : "";
  out += sep + test_line(a, b, "pairs", over_pairs) + "\n";
  if (tasks) out += sep + test_line(a, b, "tasks (each task's mean)", over_tasks) + "\n";
  if (one_sided > 0) out += sep + fmt::format("({} pairs have only one of the two and are left out)\n", one_sided);
  return out;
}

}  // namespace w2s::report
