// Seed-level aggregation for the tables and the HTML report.
#include "w2s/report/aggregate.h"
#include "w2s/core/error.h"
#include "w2s/data/registry.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <tuple>

namespace w2s::report {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

int loss_rank(const std::string& loss) {
  if (loss == "xent") return 0;
  if (loss == "logconf") return 1;
  return 2;
}

bool loss_less(const LossKey& a, const LossKey& b) {
  return std::tuple(loss_rank(a.loss), a.loss, a.method) < std::tuple(loss_rank(b.loss), b.loss, b.method);
}

/// Non-embedding parameters of a model by name, from any record that mentions it (0 if none).
/// A bootstrapping chain "xs>s" is sized by its first supervisor.
int64_t params_of(const Results& r, const std::string& task, std::string name) {
  if (auto gt = name.find('>'); gt != std::string::npos) name = name.substr(0, gt);
  for (const StageRecord& s : r.stages)
    if (s.task == task && s.model == name && s.model_params > 0) return s.model_params;
  for (const PgrRow& p : r.pgr) {
    if (p.task != task) continue;
    if (p.weak == name && p.weak_params > 0) return p.weak_params;
    if (p.strong == name && p.strong_params > 0) return p.strong_params;
  }
  return 0;
}

void add_model(std::vector<ModelName>& out, const std::string& name, int64_t params) {
  for (const ModelName& m : out)
    if (m.name == name) return;
  out.push_back({name, params});
}

void sort_models(std::vector<ModelName>& ms) {
  std::stable_sort(ms.begin(), ms.end(), [](const ModelName& a, const ModelName& b) {
    return std::tie(a.params, a.name) < std::tie(b.params, b.name);
  });
}

}  // namespace

Stat mean_se(const std::vector<double>& xs) {
  Stat s;
  double sum = 0;
  for (double x : xs) {
    if (!std::isfinite(x)) continue;
    sum += x;
    ++s.n;
  }
  if (s.n == 0) return {kNaN, kNaN, 0};
  s.mean = sum / s.n;
  if (s.n == 1) return s;
  double ss = 0;
  for (double x : xs)
    if (std::isfinite(x)) ss += (x - s.mean) * (x - s.mean);
  s.se = std::sqrt(ss / (s.n - 1)) / std::sqrt(double(s.n));
  return s;
}

double median(std::vector<double> xs) {
  std::erase_if(xs, [](double x) { return !std::isfinite(x); });
  if (xs.empty()) return kNaN;
  std::sort(xs.begin(), xs.end());
  const size_t n = xs.size();
  return n % 2 ? xs[n / 2] : 0.5 * (xs[n / 2 - 1] + xs[n / 2]);
}

std::string format_mean_se(double mean, double se, int digits) {
  if (!std::isfinite(mean)) return "n/a";
  if (!std::isfinite(se)) return fmt::format("{:.{}f}", mean, digits);
  return fmt::format("{:.{}f} ± {:.{}f}", mean, digits, se, digits);
}

bool has_pgr(const PgrRow& row) {
  return std::isfinite(row.pgr) && (row.status == "ok" || row.status == "gap_not_significant");
}

bool has_diagnostics(const PgrRow& row) { return std::isfinite(row.misfit) || std::isfinite(row.error_consistency); }

std::string format_fixed(double v, int digits) { return std::isfinite(v) ? fmt::format("{:.{}f}", v, digits) : "-"; }

std::string format_pgr_cell(const PgrRow& row, int digits) {
  if (!has_pgr(row)) return row.status.empty() ? "n/a" : row.status;
  std::string s = fmt::format("{:.{}f}", row.pgr, digits);
  if (std::isfinite(row.pgr_lo) && std::isfinite(row.pgr_hi))
    s += fmt::format(" [{:.{}f}, {:.{}f}]", row.pgr_lo, digits, row.pgr_hi, digits);
  if (row.status == "gap_not_significant") s += " gap n.s.";
  return s;
}

std::string format_pgr_auroc_cell(const PgrRow& row, int digits) {
  if (!std::isfinite(row.weak_auroc)) return "-";
  if (!std::isfinite(row.pgr_auroc)) return "n/a";
  std::string s = fmt::format("{:.{}f}", row.pgr_auroc, digits);
  if (std::isfinite(row.pgr_auroc_lo) && std::isfinite(row.pgr_auroc_hi))
    s += fmt::format(" [{:.{}f}, {:.{}f}]", row.pgr_auroc_lo, digits, row.pgr_auroc_hi, digits);
  if (row.pgr_auroc_gap_ns) s += " gap n.s.";
  return s;
}

std::string format_duration(double s) {
  if (!std::isfinite(s)) return "-";
  if (s < 60) return fmt::format("{:.1f} s", s);
  const auto t = static_cast<int64_t>(std::llround(s));
  if (t < 3600) return fmt::format("{}m{:02}s", t / 60, t % 60);
  return fmt::format("{}h{:02}m", t / 3600, (t % 3600) / 60);
}

std::string format_memory_mb(double mb) {
  if (!std::isfinite(mb) || mb <= 0) return "-";
  if (mb < 1024) return fmt::format("{:.0f} MB", mb);
  return fmt::format("{:.1f} GB", mb / 1024);
}

std::vector<std::string> task_names(const Results& r) {
  std::vector<std::string> out;
  auto add = [&](const std::string& t) {
    if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
  };
  for (const StageRecord& s : r.stages) add(s.task);
  for (const PgrRow& p : r.pgr) add(p.task);
  return out;
}

std::map<std::string, std::string> task_display_names(const Results& r) {
  std::map<std::string, std::string> out;
  std::map<std::string, int> uses;
  for (const std::string& t : task_names(r)) {
    std::string name = t;
    try {
      name = data::parse_task_spec(t).name;
    } catch (const Error&) {
      // a spec this build does not parse (a results file from elsewhere): shown as it is
    }
    if (name.empty()) name = t;
    out[t] = name;
    ++uses[name];
  }
  for (auto& [spec, name] : out)
    if (uses[name] > 1) name = spec;
  return out;
}

std::vector<LossKey> loss_keys(const Results& r, const std::string& task) {
  std::vector<LossKey> out;
  auto add = [&](LossKey k) {
    if (std::find(out.begin(), out.end(), k) == out.end()) out.push_back(std::move(k));
  };
  for (const PgrRow& p : r.pgr)
    if (p.task == task) add({p.loss, p.method});
  for (const StageRecord& s : r.stages)
    if (s.task == task && s.kind == methods::StageKind::student) add({s.loss, s.method});
  std::stable_sort(out.begin(), out.end(), loss_less);
  return out;
}

std::string loss_label(const LossKey& k, const std::vector<LossKey>& all) {
  for (const LossKey& o : all)
    if (o.method != k.method) return fmt::format("{} ({})", k.loss, k.method);
  return k.loss;
}

namespace {

/// Mean test accuracy per model of a task's stages of one kind, sorted by params.
std::vector<ModelPoint> kind_curve(const Results& r, const std::string& task, methods::StageKind kind, int64_t* shots) {
  std::map<std::string, std::vector<double>> accs;
  std::map<std::string, int64_t> params;
  std::set<int64_t> ks;
  for (const StageRecord& s : r.stages) {
    if (s.task != task || s.kind != kind) continue;
    accs[s.model].push_back(s.test_accuracy);
    params[s.model] = s.model_params;
    ks.insert(s.shots);
  }
  if (shots) *shots = ks.size() == 1 ? *ks.begin() : 0;
  std::vector<ModelPoint> out;
  for (auto& [model, xs] : accs) out.push_back({model, params[model], mean_se(xs)});
  std::sort(out.begin(), out.end(), [](const ModelPoint& a, const ModelPoint& b) { return a.params < b.params; });
  return out;
}

}  // namespace

std::vector<ModelPoint> zeroshot_curve(const Results& r, const std::string& task) {
  return kind_curve(r, task, methods::StageKind::zeroshot, nullptr);
}

std::vector<ModelPoint> fewshot_curve(const Results& r, const std::string& task, int64_t* shots) {
  return kind_curve(r, task, methods::StageKind::fewshot, shots);
}

std::vector<ModelPoint> ceiling_curve(const Results& r, const std::string& task) {
  std::map<std::string, std::vector<double>> accs;
  std::map<std::string, int64_t> params;
  for (const StageRecord& s : r.stages) {
    if (s.task != task || s.kind != methods::StageKind::gt) continue;
    accs[s.model].push_back(s.test_accuracy);
    params[s.model] = s.model_params;
  }
  std::vector<ModelPoint> out;
  if (!accs.empty()) {
    for (auto& [model, xs] : accs) out.push_back({model, params[model], mean_se(xs)});
  } else {
    // No stages: weak and ceiling accuracies of the PGR rows (first row per model wins).
    auto add = [&](const std::string& m, int64_t p, double acc, double se, int n) {
      for (const ModelPoint& o : out)
        if (o.model == m) return;
      if (std::isfinite(acc)) out.push_back({m, p, {acc, se, n}});
    };
    for (const PgrRow& p : r.pgr) {
      if (p.task != task) continue;
      add(p.weak, p.weak_params, p.weak_acc, p.weak_se, p.n_seeds);
      add(p.strong, p.strong_params, p.ceiling_acc, p.ceiling_se, p.n_seeds);
    }
  }
  std::sort(out.begin(), out.end(), [](const ModelPoint& a, const ModelPoint& b) {
    return std::tie(a.params, a.model) < std::tie(b.params, b.model);
  });
  return out;
}

std::vector<ModelName> weak_models(const Results& r, const std::string& task) {
  std::vector<ModelName> out;
  for (const PgrRow& p : r.pgr)
    if (p.task == task) add_model(out, p.weak, p.weak_params);
  for (const StageRecord& s : r.stages)
    if (s.task == task && s.kind == methods::StageKind::student)
      add_model(out, s.supervisor, params_of(r, task, s.supervisor));
  sort_models(out);
  return out;
}

std::vector<ModelName> strong_models(const Results& r, const std::string& task) {
  std::vector<ModelName> out;
  for (const PgrRow& p : r.pgr)
    if (p.task == task) add_model(out, p.strong, p.strong_params);
  for (const StageRecord& s : r.stages)
    if (s.task == task && s.kind == methods::StageKind::student) add_model(out, s.model, s.model_params);
  sort_models(out);
  return out;
}

const PgrRow* find_pgr(const Results& r, const std::string& task, const std::string& weak, const std::string& strong,
                       const LossKey& k) {
  for (const PgrRow& p : r.pgr)
    if (p.task == task && p.weak == weak && p.strong == strong && p.loss == k.loss && p.method == k.method) return &p;
  return nullptr;
}

double median_pgr(const Results& r, const std::string& task, const LossKey& k) {
  std::vector<double> xs;
  for (const PgrRow& p : r.pgr)
    if (p.task == task && p.loss == k.loss && p.method == k.method && has_pgr(p)) xs.push_back(p.pgr);
  return median(std::move(xs));
}

double median_pgr_over_tasks(const Results& r, const LossKey& k) {
  std::vector<double> xs;
  for (const std::string& task : task_names(r)) xs.push_back(median_pgr(r, task, k));
  return median(std::move(xs));
}

double median_pgr_over_tasks(const Results& r, const std::string& weak, const std::string& strong, const LossKey& k,
                             int* n_tasks) {
  std::vector<double> xs;
  for (const std::string& task : task_names(r))
    if (const PgrRow* p = find_pgr(r, task, weak, strong, k); p && has_pgr(*p)) xs.push_back(p->pgr);
  if (n_tasks) *n_tasks = static_cast<int>(xs.size());
  return median(std::move(xs));
}

std::vector<PairSummary> pair_summaries(const Results& r, const std::string& task) {
  struct Acc {
    std::vector<double> acc, right, wrong;
    struct Step {
      std::vector<double> acc, agree, alpha, hardened;
    };
    std::map<int64_t, Step> steps;
    int64_t strong_params = 0;
  };
  std::map<std::tuple<std::string, std::string, std::string, std::string>, Acc> groups;
  for (const StageRecord& s : r.stages) {
    if (s.task != task || s.kind != methods::StageKind::student) continue;
    Acc& a = groups[{s.supervisor, s.model, s.loss, s.method}];
    a.strong_params = s.model_params;
    a.acc.push_back(s.test_accuracy);
    a.right.push_back(s.agree_when_weak_right);
    a.wrong.push_back(s.agree_when_weak_wrong);
    for (const DynamicsPoint& d : s.dynamics) {
      auto& st = a.steps[d.step];
      st.acc.push_back(d.test_accuracy);
      st.agree.push_back(d.weak_agreement);
      st.alpha.push_back(d.alpha);
      st.hardened.push_back(d.hardened_rate);
    }
  }
  std::vector<PairSummary> out;
  for (auto& [key, a] : groups) {
    PairSummary p;
    std::tie(p.weak, p.strong, p.loss.loss, p.loss.method) = key;
    p.weak_params = params_of(r, task, p.weak);
    p.strong_params = a.strong_params;
    p.test_accuracy = mean_se(a.acc);
    p.agree_right = mean_se(a.right);
    p.agree_wrong = mean_se(a.wrong);
    for (auto& [step, v] : a.steps)
      p.dynamics.push_back({step, mean_se(v.acc), mean_se(v.agree), mean_se(v.alpha), mean_se(v.hardened)});
    out.push_back(std::move(p));
  }
  std::stable_sort(out.begin(), out.end(), [](const PairSummary& a, const PairSummary& b) {
    if (a.weak_params != b.weak_params) return a.weak_params < b.weak_params;
    if (a.strong_params != b.strong_params) return a.strong_params < b.strong_params;
    if (a.weak != b.weak) return a.weak < b.weak;
    if (a.strong != b.strong) return a.strong < b.strong;
    return loss_less(a.loss, b.loss);
  });
  return out;
}

}  // namespace w2s::report
