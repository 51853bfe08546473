// Result collection: stage records and PGR rows of a sweep folder.
#include "w2s/sweep/collect.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <tuple>

#include "w2s/core/error.h"
#include "w2s/core/log.h"
#include "w2s/eval/pgr.h"
#include "w2s/eval/predictions.h"
#include "w2s/io/json_read.h"
#include "w2s/io/jsonl.h"
#include "w2s/methods/stage_files.h"
#include "w2s/sweep/executor.h"
#include "w2s/sweep/plan.h"

namespace fs = std::filesystem;

namespace w2s::sweep {

std::vector<report::MarginBin> margin_bins(const fs::path& predictions, int n_bins) {
  std::vector<std::pair<double, bool>> rows;  // (margin: |p1 − 0.5| for two choices, right)
  io::for_each_jsonl(predictions, [&](const nlohmann::json& row, size_t) {
    const auto p = methods::prediction_of(row);
    rows.emplace_back(eval::margin(p), eval::predicted(p) == row.at("gt_label").get<int>());
  });
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<report::MarginBin> out;
  const size_t n = rows.size();
  for (int b = 0; b < n_bins && n > 0; ++b) {
    const size_t lo = n * b / n_bins, hi = n * (b + 1) / n_bins;
    if (hi <= lo) continue;
    report::MarginBin bin;
    for (size_t i = lo; i < hi; ++i) bin.margin += rows[i].first, bin.accuracy += rows[i].second;
    bin.n = static_cast<int64_t>(hi - lo);
    bin.margin /= static_cast<double>(bin.n);
    bin.accuracy /= static_cast<double>(bin.n);
    out.push_back(bin);
  }
  return out;
}

static report::StageRecord read_stage_record_unchecked(store::RunStore& store, const std::string& key, bool margins);

report::StageRecord read_stage_record(store::RunStore& store, const std::string& key, bool margins) {
  // meta.json of a copied or edited folder may hold a value of the wrong type: name the file.
  return io::naming_file(store.path(key) / "meta.json",
                         [&] { return read_stage_record_unchecked(store, key, margins); });
}

static report::StageRecord read_stage_record_unchecked(store::RunStore& store, const std::string& key, bool margins) {
  const auto meta = store.meta(key);
  const auto m = methods::read_stage_metrics(store.path(key));
  report::StageRecord r;
  r.key = key;
  r.kind = methods::parse_stage_kind(meta.value("kind", ""), (store.path(key) / "meta.json").string());
  r.task = meta.value("task", "");
  r.model = meta.value("model", "");
  r.model_params = meta.value("model_params", int64_t{0});
  r.supervisor = meta.value("supervisor", "");
  const bool gt = r.kind == methods::StageKind::gt;
  r.loss = gt ? "gt" : meta.value("loss", "");
  r.method = meta.value("method", gt ? methods::to_string(methods::Method::finetune) : "");
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
  r.shots = meta.value("shots", int64_t{0});
  r.shots_kept = meta.value("shots_kept", 0.0);
  if (margins && fs::exists(store.path(key) / "test_predictions.jsonl"))
    r.margins = margin_bins(store.path(key) / "test_predictions.jsonl", 5);
  const fs::path dyn = store.path(key) / "dynamics.jsonl";
  if (fs::exists(dyn)) {
    io::JsonlReadOptions ro;
    ro.allow_empty = true;
    io::for_each_jsonl(
        dyn,
        [&](const nlohmann::json& row, size_t) {
          report::DynamicsPoint pt;
          pt.step = row.value("step", int64_t{0});
          pt.test_accuracy = row.contains("accuracy") && row["accuracy"].contains("test")
                                 ? row["accuracy"]["test"].get<double>()
                                 : std::nan("");
          pt.weak_agreement = row.contains("agreement") && row["agreement"].contains("test")
                                  ? row["agreement"]["test"].get<double>()
                                  : std::nan("");
          if (row.contains("loss") && row["loss"].is_object()) {
            const auto& l = row["loss"];
            if (l.contains("alpha")) pt.alpha = l["alpha"].get<double>();
            if (l.contains("threshold")) pt.threshold = l["threshold"].get<double>();
            if (l.contains("hardened_rate")) pt.hardened_rate = l["hardened_rate"].get<double>();
          }
          r.dynamics.push_back(pt);
        },
        ro);
  }
  return r;
}

namespace {

/// Stage records and accuracies of one or more configs of the same experiment, by model name.
struct Collector {
  using RowId =
      std::tuple<std::string, std::string, std::string, std::string, std::string>;  // task, weak, strong, loss, method
  std::map<std::string, size_t> stage_of;                                           // key → index in res.stages
  std::map<std::tuple<std::string, int64_t, std::string>, double> weak_acc;         // (task, seed, model) → accuracy
  std::map<std::tuple<std::string, int64_t, std::string>, double> ceiling_acc;      // the same, as a ceiling
  std::map<std::tuple<std::string, int64_t, std::string>, double> zs_acc;           // the same, zero-shot
  std::map<RowId, std::map<int64_t, double>> st_acc;                                // row → seed → student accuracy
  std::map<std::tuple<std::string, int64_t, std::string>, std::string> weak_key;    // (task, seed, model) → stage key
  std::map<std::tuple<std::string, int64_t, std::string>, std::string> ceiling_key;  // the same, as a ceiling
  std::map<RowId, std::map<int64_t, std::string>> st_key;                            // row → seed → student key
  store::RunStore* store = nullptr;
  std::map<std::string, int64_t> params;         // model → non-embedding params
  std::vector<RowId> rows;                       // first planned first
  std::map<RowId, std::set<int64_t>> row_seeds;  // every seed any config planned
  report::Results res;

  void add(const SweepOptions& o, methods::Pipeline& p) {
    Executor ex(o, p, false);
    const auto family = family_of(o);
    for (const auto& s : plan_sweep(o)) {
      const auto key = ex.stage(s);
      if (!key || !p.store().has(*key)) continue;
      // A stage another config of the folder planned too is read once.
      auto [at, fresh] = stage_of.try_emplace(*key, res.stages.size());
      if (fresh)
        res.stages.push_back(read_stage_record(p.store(), *key, p.task(s.task).kind == data::TaskKind::comparison));
      const auto& rec = res.stages[at->second];
      const auto& model = family[s.model].name;
      params[model] = rec.model_params;
      if (s.kind == methods::StageKind::gt) {
        if (s.role != Role::strong)
          weak_acc[{s.task, s.seed, model}] = rec.test_accuracy, weak_key[{s.task, s.seed, model}] = *key;
        if (s.role != Role::weak)
          ceiling_acc[{s.task, s.seed, model}] = rec.test_accuracy, ceiling_key[{s.task, s.seed, model}] = *key;
      } else if (s.kind == methods::StageKind::zeroshot) {
        zs_acc[{s.task, s.seed, model}] = rec.test_accuracy;
      } else if (s.kind == methods::StageKind::fewshot) {
        // read into res.stages only: the ground-truth table shows it
      } else {
        const RowId id{s.task, family[s.chain[0]].name, model, s.loss, methods::to_string(s.method)};
        st_acc[id][s.seed] = rec.test_accuracy;
        st_key[id][s.seed] = *key;
      }
    }
    for (const auto& task : o.tasks)
      for (const auto& pair : pairs_of(o))
        for (const auto& loss : o.losses) {
          const RowId id{task, family[pair.weak].name, family[pair.strong].name, loss, methods::to_string(pair.method)};
          if (!row_seeds.count(id)) rows.push_back(id);
          row_seeds[id].insert(o.seeds.begin(), o.seeds.end());
        }
  }

  std::map<std::string, std::pair<std::vector<std::string>, std::vector<uint8_t>>> outcomes_;  // key → (ids, right)

  /// Test example ids and which the stage got right, from its test_predictions.jsonl (empty when
  /// the file is missing).
  const std::pair<std::vector<std::string>, std::vector<uint8_t>>& outcomes(const std::string& key) {
    auto [it, fresh] = outcomes_.try_emplace(key);
    const fs::path f = store->path(key) / "test_predictions.jsonl";
    if (fresh && fs::exists(f)) {
      io::for_each_jsonl(f, [&](const nlohmann::json& row, size_t) {
        const auto p = methods::prediction_of(row);  // a NaN predicts -1: wrong
        it->second.first.push_back(row.value("id", ""));
        it->second.second.push_back(eval::predicted(p) == row.at("gt_label").get<int>());
      });
    }
    return it->second;
  }

  /// The three stages' per-example outcomes into `seed`, when all three predicted the same test
  /// examples in the same order (else the bootstrap resamples seeds only).
  void paired_outcomes(const std::string& weak, const std::string& student, const std::string& ceiling,
                       eval::PgrSeed& seed) {
    const auto& w = outcomes(weak);
    const auto& s = outcomes(student);
    const auto& c = outcomes(ceiling);
    if (w.second.empty() || w.first != s.first || w.first != c.first) return;
    seed.weak_right = w.second, seed.student_right = s.second, seed.ceiling_right = c.second;
  }

  /// Hard labels by example id of a stage's weak_labels.jsonl (its train-half-2 predictions).
  std::map<std::string, int> hard_labels(const std::string& key) {
    std::map<std::string, int> out;
    const fs::path f = store->path(key) / "weak_labels.jsonl";
    if (!fs::exists(f)) return out;
    io::for_each_jsonl(f, [&](const nlohmann::json& row, size_t) {
      if (row.contains("id") && row.contains("hard_label")) out[row.at("id").get<std::string>()] = row.at("hard_label");
    });
    return out;
  }

  /// A student's misfit: the share of the examples it trained on whose weak label its own final
  /// prediction contradicts (NaN when a file is missing or no id matches).
  double misfit(const std::string& student_key) {
    const auto meta = store->meta(student_key);
    if (!meta.contains("labels")) return std::nan("");
    const auto weak = hard_labels(meta.at("labels").get<std::string>());
    const auto own = hard_labels(student_key);
    int64_t n = 0, differ = 0;
    for (const auto& [id, label] : weak) {
      const auto it = own.find(id);
      if (it == own.end()) continue;
      ++n;
      differ += it->second != label;
    }
    return n > 0 ? static_cast<double>(differ) / static_cast<double>(n) : std::nan("");
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
      std::vector<double> wv, sv, cv, zv, misfits, kappas;
      std::vector<eval::PgrSeed> seeds, auroc_seeds;  // auroc_seeds: test AUROC, complete seeds only
      const auto& students = st_acc[id];
      for (int64_t seed : row_seeds[id]) {
        auto get = [&](const auto& acc, const std::string& m) {
          auto it = acc.find({task, seed, m});
          return it == acc.end() ? std::nan("") : it->second;
        };
        wv.push_back(get(weak_acc, weak));
        cv.push_back(get(ceiling_acc, strong));
        auto it = students.find(seed);
        sv.push_back(it == students.end() ? std::nan("") : it->second);
        auto z = zs_acc.find({task, seed, strong});
        if (z != zs_acc.end()) zv.push_back(z->second);
        seeds.push_back({wv.back(), sv.back(), cv.back(), {}, {}, {}});
        if (std::isfinite(wv.back()) && std::isfinite(sv.back()) && std::isfinite(cv.back())) {
          paired_outcomes(weak_key.at({task, seed, weak}), st_key[id].at(seed), ceiling_key.at({task, seed, strong}),
                          seeds.back());
          misfits.push_back(misfit(st_key[id].at(seed)));
          if (!seeds.back().weak_right.empty())
            kappas.push_back(eval::error_consistency(seeds.back().weak_right, seeds.back().ceiling_right));
          const auto auroc = [&](const std::string& key) { return res.stages[stage_of.at(key)].test_auroc; };
          auroc_seeds.push_back({auroc(weak_key.at({task, seed, weak})),
                                 auroc(st_key[id].at(seed)),
                                 auroc(ceiling_key.at({task, seed, strong})),
                                 {},
                                 {},
                                 {}});
        }
      }
      const auto ws = eval::mean_se(wv), cs = eval::mean_se(cv), ss = eval::mean_se(sv);
      const auto g = eval::estimate_pgr(seeds);
      row.weak_acc = ws.mean, row.weak_se = ws.se;
      row.ceiling_acc = cs.mean, row.ceiling_se = cs.se;
      row.student_acc = ss.mean, row.student_se = ss.se;
      row.pgr = g.value, row.pgr_se = g.se, row.n_seeds = g.n;
      row.pgr_lo = g.lo, row.pgr_hi = g.hi, row.pgr_over_examples = g.over_examples;
      row.status = g.status;
      if (!zv.empty()) {
        const auto zs = eval::mean_se(zv);
        row.zeroshot_acc = zs.mean, row.zeroshot_se = zs.se;
      }
      row.misfit = eval::mean_se(misfits).mean;  // NaNs skipped; none left → NaN
      row.error_consistency = eval::mean_se(kappas).mean;
      if (!auroc_seeds.empty() && std::all_of(auroc_seeds.begin(), auroc_seeds.end(), [](const eval::PgrSeed& a) {
            return std::isfinite(a.weak) && std::isfinite(a.student) && std::isfinite(a.ceiling);
          })) {
        std::vector<double> wa, sa, ca;
        for (const auto& a : auroc_seeds) wa.push_back(a.weak), sa.push_back(a.student), ca.push_back(a.ceiling);
        row.weak_auroc = eval::mean_se(wa).mean;
        row.student_auroc = eval::mean_se(sa).mean;
        row.ceiling_auroc = eval::mean_se(ca).mean;
        const auto ga = eval::estimate_pgr(auroc_seeds);
        row.pgr_auroc = ga.value, row.pgr_auroc_lo = ga.lo, row.pgr_auroc_hi = ga.hi;
        row.pgr_auroc_gap_ns = ga.status == "gap_not_significant";
      }
      res.pgr.push_back(row);
    }
    return std::move(res);
  }
};

}  // namespace

report::Results collect_results(const std::vector<SweepOptions>& configs) {
  check(!configs.empty(), "collect_results: no sweep configs");
  store::RunStore store(configs.front().runs_dir);
  methods::Pipeline p(store, configs.front().data, configs.front().finetune);
  Collector c;
  c.store = &store;
  for (const auto& o : configs) c.add(o, p);
  if (c.res.stages.empty())
    if (const auto keys = store.keys(); !keys.empty())
      log::warn(
          "{}: none of its {} finished stages is one the recorded sweeps plan. Stages made before stage keys "
          "covered the full weights, the tokenizer and the resolved precision (w2s 0.2, issue #17) have other keys: "
          "rerun the sweep to rebuild them, or read them with the w2s that made them (its commit is in each "
          "stage's meta.json)",
          configs.front().runs_dir, keys.size());
  return c.finish();
}

report::Results collect_results(const SweepOptions& o) { return collect_results(std::vector<SweepOptions>{o}); }

}  // namespace w2s::sweep
