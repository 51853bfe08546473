// `w2s tune`: the lr × epochs grid on ground-truth validation data, and the choice per model.
#include "w2s/sweep/tune.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>

#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/core/log.h"
#include "w2s/core/progress.h"
#include "w2s/core/version.h"
#include "w2s/dist/process_group.h"
#include "w2s/eval/predictions.h"
#include "w2s/methods/pipeline.h"
#include "w2s/methods/stage_files.h"
#include "w2s/models/model_spec.h"
#include "w2s/store/run_store.h"
#include "w2s/sweep/executor.h"
#include "w2s/sweep/family_record.h"
#include "w2s/train/compute.h"

namespace fs = std::filesystem;

namespace w2s::sweep {
namespace {

/// The config the grid's stages run with: ground-truth stages only, with validation data.
SweepOptions grid_config(const SweepOptions& o) {
  auto g = o;
  g.losses = {};
  g.bootstrap = false;
  g.zero_shot = false;
  g.few_shot = 0;
  g.model_finetune = "config";
  if (g.data.split.val_fraction == 0.0) g.data.split.val_fraction = o.tune.val_fraction;
  return g;
}

void check_grid(const SweepOptions& o) {
  check(!o.tune.lrs.empty() && !o.tune.epochs.empty(), "tune: the grid is empty (set tune.lrs and tune.epochs)");
  for (double lr : o.tune.lrs) check(lr > 0 && std::isfinite(lr), "tune.lrs: {} is not a positive learning rate", lr);
  for (int64_t e : o.tune.epochs) check(e >= 1, "tune.epochs: {} is not a positive epoch count", e);
  check(o.tune.val_fraction > 0 && o.tune.val_fraction < 1, "tune.val_fraction = {}: must be in (0, 1)",
        o.tune.val_fraction);
  if (!o.tune.write.empty()) {
    auto f = o;
    f.model_finetune = "family";
    check(uses_family_records(f),
          "tune.write: sweeps read family records only when [finetune] trains a head in full (mode = full, readout "
          "auto, head or scalar); this config has mode = {}, readout = {}: drop tune.write and set model_lrs / "
          "model_epochs from the table",
          o.finetune.mode, o.finetune.readout.name);
  }
}

}  // namespace

TuneResult run_tune(const SweepOptions& options, Output output) {
  check_grid(options);
  const auto g = grid_config(options);
  const auto family = family_of(g);
  store::RunStore store(g.runs_dir);
  const bool writer = dist::is_writer();
  const int64_t total = static_cast<int64_t>(options.tune.lrs.size() * options.tune.epochs.size() * family.size() *
                                             g.tasks.size() * g.seeds.size());
  Progress::set_enabled(output == Output::bar && writer);
  std::unique_ptr<Progress> bar;
  if (output == Output::bar && writer) bar = std::make_unique<Progress>("tune", total, "stages", 30.0);
  int64_t done = 0;
  std::string current;
  methods::PipelineObserver obs;
  obs.started = [&](const std::string&, const std::string& what) {
    current = what;
    if (bar) bar->update(done, what);
  };
  obs.progress = [&](int64_t step, int64_t n, const std::string& stats) {
    if (bar) bar->update(done, fmt::format("{} [{}/{}]{}", current, step, n, stats));
  };
  methods::Pipeline p(store, g.data, g.finetune, obs);
  const auto t0 = std::chrono::steady_clock::now();

  TuneResult res;
  for (const auto& m : family) {
    res.models.push_back(m.name);
    res.paths.push_back(m.path);
  }
  // Cells model-major; stages run grid point by grid point (each point's models side by side).
  const size_t per_model = options.tune.lrs.size() * options.tune.epochs.size();
  res.cells.resize(family.size() * per_model);
  std::vector<std::vector<double>> accs(res.cells.size());
  size_t point = 0;
  for (int64_t epochs : options.tune.epochs) {
    for (double lr : options.tune.lrs) {
      auto o = g;
      o.model_lrs.assign(family.size(), lr);
      o.model_epochs.assign(family.size(), epochs);
      Executor ex(o, p, true);
      for (size_t i = 0; i < family.size(); ++i) {
        auto& c = res.cells[i * per_model + point];
        c.model = family[i].name;
        c.lr = lr;
        c.epochs = epochs;
        for (const auto& task : o.tasks) {
          for (size_t k = 0; k < o.seeds.size(); ++k) {
            const auto key = ex.gt(task, o.seeds[k], static_cast<int>(i));
            check(key.has_value(), "tune: no gt stage for {} on {}", family[i].name, task);
            const auto dir = store.path(*key);
            const auto& val = p.split(task, o.seeds[k]).val;
            check(!val.empty(), "tune: {} seed {} has no validation examples (raise tune.val_fraction)", task,
                  o.seeds[k]);
            std::vector<int> labels;
            for (const auto& x : val) labels.push_back(x.label);
            const double acc = eval::accuracy(methods::read_predictions(dir / "val_predictions.jsonl", val), labels);
            accs[i * per_model + point].push_back(acc);
            if (k == 0) c.n_val += static_cast<int64_t>(val.size());
            if (k == 0 && &task == &o.tasks.front()) c.steps = methods::read_stage_metrics(dir).steps;
            ++done;
            if (bar) {
              bar->note(fmt::format("{:<44} lr {:<7g} {} ep  val acc {:.3f}",
                                    fmt::format("{} seed {}: {}", task, o.seeds[k], family[i].name), lr, epochs, acc));
              bar->update(done, "");
            }
          }
        }
      }
      ++point;
    }
  }
  if (bar) bar->finish();

  for (size_t c = 0; c < res.cells.size(); ++c) {
    bool nan = false;
    for (double a : accs[c]) nan |= std::isnan(a);
    const auto ms = eval::mean_se(accs[c]);
    res.cells[c].val_accuracy = nan ? std::nan("") : ms.mean;
    res.cells[c].val_se = ms.se;
    res.cells[c].n_runs = static_cast<int64_t>(accs[c].size());
  }
  // Cells are in the order epochs-major, lr-minor within a model: the first maximum wins ties.
  for (size_t i = 0; i < family.size(); ++i) {
    size_t best = i * per_model;
    for (size_t c = i * per_model; c < (i + 1) * per_model; ++c) {
      const double a = res.cells[c].val_accuracy, b = res.cells[best].val_accuracy;
      if (std::isnan(b) || (!std::isnan(a) && a > b)) best = c;
    }
    res.chosen.push_back(best);
  }

  const auto compute = train::resolve_compute(g.finetune.device, g.finetune.precision);
  res.setting = {{"tasks", g.tasks},
                 {"seeds", g.seeds},
                 {"data",
                  {{"n_train1", g.data.split.n_train1},
                   {"n_train2", g.data.split.n_train2},
                   {"val_fraction", g.data.split.val_fraction},
                   {"balance", g.data.split.balance}}},
                 {"batch_size", g.finetune.batch_size},
                 {"mode", g.finetune.mode},
                 {"readout", g.finetune.readout.name},
                 {"precision", compute.bf16 ? "bfloat16" : "float32"},
                 {"grid", {{"lrs", options.tune.lrs}, {"epochs", options.tune.epochs}}},
                 {"commit", git_commit()}};
  if (writer) {
    nlohmann::json cells = nlohmann::json::array();
    for (size_t c = 0; c < res.cells.size(); ++c) {
      const auto& x = res.cells[c];
      cells.push_back({{"model", x.model},
                       {"lr", x.lr},
                       {"epochs", x.epochs},
                       {"steps", x.steps},
                       {"val_accuracy", std::isnan(x.val_accuracy) ? nlohmann::json() : nlohmann::json(x.val_accuracy)},
                       {"val_se", x.val_se},
                       {"n_runs", x.n_runs},
                       {"per_run", accs[c]}});
    }
    nlohmann::ordered_json choices = nlohmann::ordered_json::object();
    for (size_t i = 0; i < res.models.size(); ++i) choices[res.models[i]] = tune_record(res, i);
    write_file_atomic(
        fs::path(g.runs_dir) / "tune.json",
        nlohmann::ordered_json{{"setting", res.setting}, {"cells", cells}, {"chosen", choices}}.dump(1) + "\n");
    if (!options.tune.write.empty()) {
      std::map<std::string, nlohmann::ordered_json> records;
      for (size_t i = 0; i < res.models.size(); ++i) {
        check(!models::is_scratch(res.paths[i]), "tune.write: {} is a scratch model; its choice is not recorded",
              res.models[i]);
        check(fs::weakly_canonical(family_index_of(models::backbone_dir(res.paths[i]))) ==
                  fs::weakly_canonical(options.tune.write),
              "tune.write = {}: model {} ({}) is not in that folder; sweeps look for a model's record in family.json "
              "beside its folder",
              options.tune.write, res.models[i], res.paths[i]);
        records[model_folder(models::backbone_dir(res.paths[i])).filename().string()] = tune_record(res, i);
      }
      write_finetune_records(options.tune.write, records);
      log::info("tune: recorded {} models' choices in {}", records.size(), options.tune.write);
    }
  }
  log::info("tune: {} stages in {}", total,
            format_duration(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()));
  return res;
}

nlohmann::ordered_json tune_record(const TuneResult& r, size_t i) {
  const auto& c = r.cells.at(r.chosen.at(i));
  auto j = nlohmann::ordered_json{
      {"lr", c.lr},
      {"epochs", c.epochs},
      {"steps", c.steps},
      {"val_accuracy", std::isnan(c.val_accuracy) ? nlohmann::json() : nlohmann::json(c.val_accuracy)},
      {"val_se", c.val_se},
      {"chosen_by", "w2s tune: highest mean accuracy on ground-truth validation data"}};
  for (const auto& [k, v] : r.setting.items()) j[k] = v;
  return j;
}

std::string format_tune(const TuneResult& r) {
  std::string out =
      fmt::format("{:<12} {:>8} {:>6} {:>6}  {:>14}\n", "model", "lr", "epochs", "steps", "val acc % ± SE");
  for (size_t c = 0; c < r.cells.size(); ++c) {
    const auto& x = r.cells[c];
    bool chosen = false;
    for (size_t k : r.chosen) chosen |= k == c;
    out += fmt::format("{:<12} {:>8g} {:>6} {:>6}  {:>7.1f} ± {:<4.1f}{}\n", x.model, x.lr, x.epochs, x.steps,
                       100 * x.val_accuracy, 100 * x.val_se, chosen ? "  ← chosen" : "");
  }
  std::string lrs, eps;
  for (size_t i = 0; i < r.chosen.size(); ++i) {
    lrs += fmt::format("{}{:g}", i ? ", " : "", r.cells[r.chosen[i]].lr);
    eps += fmt::format("{}{}", i ? ", " : "", r.cells[r.chosen[i]].epochs);
  }
  out += fmt::format("\nIn a sweep config (same models, in this order):\nmodel_lrs = [{}]\nmodel_epochs = [{}]\n", lrs,
                     eps);
  return out;
}

}  // namespace w2s::sweep
