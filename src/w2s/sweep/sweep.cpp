// Sweep execution with progress display.
#include "w2s/sweep/sweep.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <memory>
#include <set>

#include "w2s/core/file.h"
#include "w2s/core/log.h"
#include "w2s/core/progress.h"
#include "w2s/dist/process_group.h"
#include "w2s/methods/pipeline.h"
#include "w2s/store/run_store.h"
#include "w2s/sweep/executor.h"
#include "w2s/sweep/folder.h"

namespace fs = std::filesystem;

namespace w2s::sweep {

void log_family_finetuning(const SweepOptions& o) {
  const train::FinetuneOptions defaults;
  for (const auto& m : family_of(o)) {
    if (m.finetune_from.empty()) continue;
    log::info("{}: finetuned at lr {:g} for {} epochs (its record in {}{})", m.name, m.lr, m.epochs, m.finetune_from,
              o.model_lrs.empty() ? "" : "; lr from model_lrs");
    if ((o.model_lrs.empty() && o.finetune.lr != defaults.lr) ||
        (o.model_epochs.empty() && o.finetune.epochs != defaults.epochs))
      log::warn(
          "{}: [finetune] lr {:g} / epochs {} are not used for it: its family record is (set model_finetune = "
          "\"config\" to use [finetune] for every model)",
          m.name, o.finetune.lr, o.finetune.epochs);
  }
}

report::Results run_sweep(const SweepOptions& options, const SweepRunOptions& run) {
  const auto o = with_family_finetuning(options);
  const auto plan = plan_sweep(o);
  const auto mine = shard_of(plan, run.shard_i, run.shard_n);
  store::RunStore store(o.runs_dir);
  // Data-parallel (dist/process_group.h): every rank runs every stage, rank 0 alone writes and shows.
  const bool writer = dist::is_writer();
  if (writer) record_sweep_config(o);
  if (writer) log_family_finetuning(options);
  int64_t done = 0;
  const auto t0 = std::chrono::steady_clock::now();
  std::unique_ptr<Progress> bar;
  Progress::set_enabled(run.output == Output::bar && writer);
  if (run.output == Output::bar && writer)
    bar = std::make_unique<Progress>("sweep", static_cast<int64_t>(mine.size()), "stages", 30.0);
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
      std::cout << nlohmann::json{{"event", "done"},
                                  {"key", key},
                                  {"stage", what},
                                  {"reused", reused},
                                  {"test_accuracy", num(m.test_accuracy)},
                                  {"agreement", num(m.agreement)}}
                       .dump()
                << std::endl;
    } else if (bar && !key.starts_with(methods::to_string(methods::StageKind::genft))) {
      bar->note(fmt::format("{:<48} acc {:.3f}{}{}", what, m.test_accuracy,
                            std::isfinite(m.agreement) ? fmt::format("  agree {:.3f}", m.agreement) : "",
                            reused ? "  (reused)" : ""));
    }
  };
  methods::Pipeline p(store, o.data, o.finetune, obs);
  Executor ex(o, p, true);
  for (const auto& s : mine) {
    ex.stage(s);
    ++done;
    if (bar) bar->update(done, "");
  }
  if (bar) bar->finish();
  // The folder's tables: this sweep and every earlier sweep of the same experiment run into it.
  auto res = collect_results(folder_configs(o.runs_dir));
  if (writer) write_file_atomic(fs::path(o.runs_dir) / "results.json", report::to_json(res).dump(1) + "\n");
  log::info("sweep: {} stages (shard {}/{}) in {}", mine.size(), run.shard_i, run.shard_n,
            format_duration(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()));
  return res;
}

}  // namespace w2s::sweep
