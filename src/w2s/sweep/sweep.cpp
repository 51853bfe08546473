// Sweep planning, sharding, execution and result collection.
#include "w2s/sweep/sweep.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/core/log.h"
#include "w2s/core/progress.h"
#include "w2s/core/version.h"
#include "w2s/data/jsonl.h"
#include "w2s/eval/metrics.h"
#include "w2s/report/results.h"
#include "w2s/sweep/folder.h"
#include "w2s/sweep/run_store.h"

namespace fs = std::filesystem;

namespace w2s::sweep {

const config::Schema<SweepOptions>& SweepOptions::schema() {
  using O = SweepOptions;
  static const auto s = config::Schema<O>()
      .field("runs_dir", &O::runs_dir, "run store folder (results.json and report.html land here)")
      .field("tasks", &O::tasks, "task specs (built-in names or files)")
      .field("models", &O::models, "HF checkpoint folders, weakest first")
      .field("model_names", &O::model_names, "display names (default: folder names)")
      .field("model_lrs", &O::model_lrs, "finetuning learning rate per model (empty = finetune.lr)")
      .field("seeds", &O::seeds, "seeds (split, init and order)")
      .field("losses", &O::losses, "student losses (empty: only the ground-truth runs, see `w2s results --gt`)")
      .field("same_size", &O::same_size, "also train students with weak == strong")
      .field("bootstrap", &O::bootstrap, "also bootstrap through intermediate sizes")
      .field("bootstrap_steps", &O::bootstrap_steps, "intermediate sizes per bootstrap chain (0 = every one)")
      .field("bootstrap_data", &O::bootstrap_data,
             "data of each bootstrap link: shared (all of train half 2, relabelled in-sample) | "
             "disjoint (one slice of half 2 per link, labelled by the link before, which never saw it)",
             {"shared", "disjoint"})
      .field("generative_finetune", &O::generative_finetune, "finetune every model on the task's text first")
      .section("data", &O::data, methods::DataOptions::schema())
      .section("finetune", &O::finetune, train::FinetuneOptions::schema())
      .section("genft", &O::genft, methods::GenftOptions::schema());
  return s;
}

std::vector<methods::ModelRef> family_of(const SweepOptions& o) {
  check(!o.models.empty(), "no models: set `models` to checkpoint folders, weakest first");
  check(o.model_names.empty() || o.model_names.size() == o.models.size(),
        "model_names has {} entries for {} models", o.model_names.size(), o.models.size());
  check(o.model_lrs.empty() || o.model_lrs.size() == o.models.size(),
        "model_lrs has {} entries for {} models", o.model_lrs.size(), o.models.size());
  std::vector<methods::ModelRef> out;
  for (size_t i = 0; i < o.models.size(); ++i) {
    methods::ModelRef m;
    m.path = o.models[i];
    // Default name: the folder's name ("models/w2s-xs" → "w2s-xs"; "runs/family/xs/model" → "xs").
    fs::path p = fs::path(train::backbone_dir(o.models[i])).lexically_normal();
    if (p.filename().empty()) p = p.parent_path();
    if (p.filename() == "model" && p.has_parent_path()) p = p.parent_path();
    m.name = o.model_names.empty() ? p.filename().string() : o.model_names[i];
    if (o.model_names.empty() && o.models[i].rfind(train::kScratchPrefix, 0) == 0) m.name = "scratch-" + m.name;
    m.lr = o.model_lrs.empty() ? 0.0 : o.model_lrs[i];
    out.push_back(m);
  }
  return out;
}

std::vector<int> bootstrap_chain(int w, int s, int64_t steps) {
  const int between = s - w - 1;  // intermediate sizes available
  const int k = steps <= 0 || steps >= between ? between : static_cast<int>(steps);
  std::vector<int> chain = {w};
  // k sizes spread evenly over w+1 … s−1: the j-th (1-based) at w + round(j·(s − w)/(k + 1)).
  // Steps of (s − w)/(k + 1) ≥ 1 keep them distinct, increasing and strictly between w and s.
  for (int j = 1; j <= k; ++j) chain.push_back(w + static_cast<int>(std::lround(double(j) * (s - w) / (k + 1))));
  return chain;
}

std::vector<PlannedStage> plan_sweep(const SweepOptions& o) {
  check(!o.seeds.empty() && !o.tasks.empty(), "a sweep needs at least one task and one seed");
  check(o.bootstrap_steps >= 0, "bootstrap_steps must be 0 (every intermediate size) or more, not {}",
        o.bootstrap_steps);
  check(o.bootstrap_data == "shared" || o.bootstrap_data == "disjoint",
        "bootstrap_data must be shared or disjoint, not \"{}\"", o.bootstrap_data);
  for (const auto& l : o.losses) {
    methods::LossOptions lo = o.finetune.loss;
    lo.name = l;
    methods::make_loss(lo);  // validates the name
  }
  const int n = static_cast<int>(o.models.size());
  std::vector<PlannedStage> plan;
  int unit = 0;
  for (const auto& task : o.tasks)
    for (int64_t seed : o.seeds)
      for (int w = 0; w < n; ++w, ++unit) {
        plan.push_back({"gt", task, seed, w, {}, "", "", unit});
        for (int s = w; s < n; ++s) {
          if (s == w && !o.same_size) continue;
          for (const auto& loss : o.losses) plan.push_back({"student", task, seed, s, {w}, loss, "finetune", unit});
        }
        if (o.bootstrap)
          for (int s = w + 2; s < n; ++s)
            for (const auto& loss : o.losses) {
              const auto chain = bootstrap_chain(w, s, o.bootstrap_steps);
              plan.push_back({"student", task, seed, s, chain, loss, "bootstrap", unit});
            }
      }
  return plan;
}

std::pair<int, int> parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  try {
    check(slash != std::string::npos, "");
    const int i = std::stoi(text.substr(0, slash)), n = std::stoi(text.substr(slash + 1));
    check(n >= 1 && i >= 1 && i <= n, "");
    return {i, n};
  } catch (...) {
    fail("--shard must be I/N with 1 ≤ I ≤ N (e.g. 2/4), not \"{}\"", text);
  }
}

std::vector<PlannedStage> shard_of(const std::vector<PlannedStage>& plan, int i, int n) {
  std::vector<PlannedStage> out;
  for (const auto& s : plan)
    if (s.unit % n == i - 1) out.push_back(s);
  return out;
}

namespace {

methods::LossOptions loss_named(const SweepOptions& o, const std::string& name) {
  methods::LossOptions lo = o.finetune.loss;
  lo.name = name;
  return lo;
}

/// Runs or names stages; `run` false computes keys only (result collection).
class Executor {
 public:
  Executor(const SweepOptions& o, methods::Pipeline& p, bool run) : o_(o), p_(p), run_(run), family_(family_of(o)) {}

  /// The model as used for `task` (after generative finetuning when enabled); nullopt when it
  /// does not exist yet and we are not running.
  std::optional<methods::ModelRef> model(const std::string& task, int i) {
    if (!o_.generative_finetune) return family_[i];
    auto m = p_.genft(task, family_[i], o_.genft, run_);
    if (!fs::exists(m.path)) return std::nullopt;
    return m;
  }

  std::optional<std::string> gt(const std::string& task, int64_t seed, int i) {
    auto m = model(task, i);
    if (!m) return std::nullopt;
    return run_ ? p_.gt(task, *m, seed) : p_.gt_key(task, *m, seed);
  }

  /// A direct student, or the links of a bootstrapping chain in order. With bootstrap_data =
  /// disjoint, link k of a chain of L students trains on slice k of L of train half 2, labelled
  /// by link k − 1 (the weak model for the first); with shared, every link trains on all of it
  /// (and the first link is the direct student, reused).
  std::optional<std::string> student(const PlannedStage& s) {
    const bool disjoint = s.method == "bootstrap" && o_.bootstrap_data == "disjoint";
    const auto links = static_cast<int64_t>(s.chain.size());  // students in the chain, final included
    auto slice = [&](int64_t k) { return disjoint ? methods::TrainSlice{k, links} : methods::TrainSlice{}; };
    auto labels = gt(s.task, s.seed, s.chain[0]);
    for (size_t k = 1; k < s.chain.size() && labels; ++k)
      labels = link(s, s.chain[k], *labels, k == 1 && !disjoint ? "finetune" : "bootstrap", slice(int64_t(k) - 1));
    if (!labels) return std::nullopt;
    return link(s, s.model, *labels, s.chain.size() == 1 ? s.method : "bootstrap", slice(links - 1));
  }

 private:
  std::optional<std::string> link(const PlannedStage& s, int model_index, const std::string& labels,
                                  const std::string& method, methods::TrainSlice slice) {
    auto m = model(s.task, model_index);
    if (!m) return std::nullopt;
    const auto lo = loss_named(o_, s.loss);
    if (!run_) return p_.student_key(s.task, *m, labels, lo, s.seed, method, slice);
    return p_.student(s.task, *m, labels, lo, s.seed, method, slice);
  }

  const SweepOptions& o_;
  methods::Pipeline& p_;
  bool run_;
  std::vector<methods::ModelRef> family_;
};

report::StageRecord record_of(RunStore& store, const std::string& key) {
  const auto meta = store.meta(key);
  const auto m = methods::read_stage_metrics(store.path(key));
  report::StageRecord r;
  r.key = key;
  r.kind = meta.value("kind", "");
  r.task = meta.value("task", "");
  r.model = meta.value("model", "");
  r.model_params = meta.value("model_params", int64_t{0});
  r.supervisor = meta.value("supervisor", "");
  r.loss = r.kind == "gt" ? "gt" : meta.value("loss", "");
  r.method = meta.value("method", r.kind == "gt" ? "finetune" : "");
  r.seed = meta.value("seed", int64_t{0});
  r.test_accuracy = m.test_accuracy;
  r.test_auroc = m.test_auroc;
  r.test_ece = m.test_ece;
  r.agree_when_weak_right = m.agree_when_weak_right;
  r.agree_when_weak_wrong = m.agree_when_weak_wrong;
  r.n_weak_right = m.n_weak_right;
  r.n_weak_wrong = m.n_weak_wrong;
  r.commit = meta.value("commit", "");
  r.wall_seconds = meta.value("wall_seconds", 0.0);
  r.peak_rss_mb = meta.value("peak_rss_mb", 0.0);
  const fs::path dyn = store.path(key) / "dynamics.jsonl";
  if (fs::exists(dyn)) {
    data::JsonlReadOptions ro;
    ro.allow_empty = true;
    data::for_each_jsonl(dyn, [&](const nlohmann::json& row, size_t) {
      report::DynamicsPoint pt;
      pt.step = row.value("step", int64_t{0});
      pt.test_accuracy = row.contains("accuracy") && row["accuracy"].contains("test") ? row["accuracy"]["test"].get<double>() : std::nan("");
      pt.weak_agreement = row.contains("agreement") && row["agreement"].contains("test") ? row["agreement"]["test"].get<double>() : std::nan("");
      r.dynamics.push_back(pt);
    }, ro);
  }
  return r;
}

/// Stage records and accuracies of one or more configs of the same experiment, by model name.
struct Collector {
  using RowId = std::tuple<std::string, std::string, std::string, std::string, std::string>;  // task, weak, strong, loss, method
  std::map<std::string, size_t> stage_of;                                   // key → index in res.stages
  std::map<std::tuple<std::string, int64_t, std::string>, double> gt_acc;  // (task, seed, model) → accuracy
  std::map<RowId, std::map<int64_t, double>> st_acc;                        // row → seed → student accuracy
  std::map<std::string, int64_t> params;                                    // model → non-embedding params
  std::vector<RowId> rows;                                                  // first planned first
  std::map<RowId, std::set<int64_t>> row_seeds;                             // every seed any config planned
  report::Results res;

  void add(const SweepOptions& o, methods::Pipeline& p) {
    Executor ex(o, p, false);
    const auto family = family_of(o);
    for (const auto& s : plan_sweep(o)) {
      const auto key = s.kind == "gt" ? ex.gt(s.task, s.seed, s.model) : ex.student(s);
      if (!key || !p.store().has(*key)) continue;
      // A stage another config of the folder planned too is read once.
      auto [at, fresh] = stage_of.try_emplace(*key, res.stages.size());
      if (fresh) res.stages.push_back(record_of(p.store(), *key));
      const auto& rec = res.stages[at->second];
      const auto& model = family[s.model].name;
      params[model] = rec.model_params;
      if (s.kind == "gt") gt_acc[{s.task, s.seed, model}] = rec.test_accuracy;
      else st_acc[{s.task, family[s.chain[0]].name, model, s.loss, s.method}][s.seed] = rec.test_accuracy;
    }
    for (const auto& task : o.tasks)
      for (size_t w = 0; w < family.size(); ++w)
        for (size_t s = w; s < family.size(); ++s)
          for (const auto& method : {std::string("finetune"), std::string("bootstrap")}) {
            if (method == "finetune" && s == w && !o.same_size) continue;
            if (method == "bootstrap" && (!o.bootstrap || s < w + 2)) continue;
            for (const auto& loss : o.losses) {
              const RowId id{task, family[w].name, family[s].name, loss, method};
              if (!row_seeds.count(id)) rows.push_back(id);
              row_seeds[id].insert(o.seeds.begin(), o.seeds.end());
            }
          }
  }

  report::Results finish() {
    for (const auto& id : rows) {
      const auto& [task, weak, strong, loss, method] = id;
      report::PgrRow row;
      row.task = task;
      row.weak = weak;
      row.strong = strong;
      row.loss = loss;
      row.method = method;
      row.weak_params = params.count(weak) ? params[weak] : 0;
      row.strong_params = params.count(strong) ? params[strong] : 0;
      std::vector<double> wv, sv, cv;
      const auto& students = st_acc[id];
      for (int64_t seed : row_seeds[id]) {
        auto get = [&](const std::string& m) {
          auto it = gt_acc.find({task, seed, m});
          return it == gt_acc.end() ? std::nan("") : it->second;
        };
        wv.push_back(get(weak));
        cv.push_back(get(strong));
        auto it = students.find(seed);
        sv.push_back(it == students.end() ? std::nan("") : it->second);
      }
      const auto ws = eval::mean_se(wv), cs = eval::mean_se(cv), ss = eval::mean_se(sv);
      const auto g = eval::pgr(wv, sv, cv);
      row.weak_acc = ws.mean, row.weak_se = ws.se;
      row.ceiling_acc = cs.mean, row.ceiling_se = cs.se;
      row.student_acc = ss.mean, row.student_se = ss.se;
      row.pgr = g.value, row.pgr_se = g.se, row.n_seeds = g.n;
      row.status = g.status;
      res.pgr.push_back(row);
    }
    return std::move(res);
  }
};

}  // namespace

report::Results collect_results(const std::vector<SweepOptions>& configs) {
  check(!configs.empty(), "collect_results: no sweep configs");
  RunStore store(configs.front().runs_dir);
  methods::Pipeline p(store, configs.front().data, configs.front().finetune);
  Collector c;
  for (const auto& o : configs) c.add(o, p);
  return c.finish();
}

report::Results collect_results(const SweepOptions& o) { return collect_results(std::vector<SweepOptions>{o}); }

report::Results run_sweep(const SweepOptions& o, const SweepRunOptions& run) {
  const auto plan = plan_sweep(o);
  const auto mine = shard_of(plan, run.shard_i, run.shard_n);
  RunStore store(o.runs_dir);
  record_sweep_config(o);
  int64_t done = 0;
  const auto t0 = std::chrono::steady_clock::now();
  std::unique_ptr<Progress> bar;
  Progress::set_enabled(run.output == Output::bar);
  if (run.output == Output::bar) bar = std::make_unique<Progress>("sweep", static_cast<int64_t>(mine.size()), "stages", 30.0);
  std::string current;
  methods::PipelineObserver obs;
  obs.started = [&](const std::string& key, const std::string& what) {
    current = what;
    if (run.output == Output::jsonl)
      std::cout << nlohmann::json{{"event", "start"}, {"key", key}, {"stage", what}}.dump() << std::endl;
    if (bar) bar->update(done, what);
  };
  obs.progress = [&](int64_t step, int64_t total, const std::string& stats) {
    if (bar) bar->update(done, fmt::format("{} [{}/{}]{}", current, step, total, stats));
  };
  std::set<std::string> reported;  // a stage looked up again as a dependency is not reported twice
  obs.finished = [&](const std::string& key, const std::string& what, bool reused, const methods::StageMetrics& m) {
    if (!reported.insert(key).second) return;
    auto num = [](double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); };
    if (run.output == Output::jsonl) {
      std::cout << nlohmann::json{{"event", "done"}, {"key", key}, {"stage", what}, {"reused", reused},
                                  {"test_accuracy", num(m.test_accuracy)}, {"agreement", num(m.agreement)}}.dump()
                << std::endl;
    } else if (bar && !key.starts_with("genft")) {
      bar->note(fmt::format("{:<48} acc {:.3f}{}{}", what, m.test_accuracy,
                            std::isfinite(m.agreement) ? fmt::format("  agree {:.3f}", m.agreement) : "",
                            reused ? "  (reused)" : ""));
    }
  };
  methods::Pipeline p(store, o.data, o.finetune, obs);
  Executor ex(o, p, true);
  for (const auto& s : mine) {
    if (s.kind == "gt") ex.gt(s.task, s.seed, s.model);
    else ex.student(s);
    ++done;
    if (bar) bar->update(done, "");
  }
  if (bar) bar->finish();
  // The folder's tables: this sweep and every earlier sweep of the same experiment run into it.
  auto res = collect_results(folder_configs(o.runs_dir));
  write_file_atomic(fs::path(o.runs_dir) / "results.json", report::to_json(res).dump(1) + "\n");
  log::info("sweep: {} stages (shard {}/{}) in {}", mine.size(), run.shard_i, run.shard_n,
            format_duration(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()));
  return res;
}

}  // namespace w2s::sweep
