// A sweep folder's history of configs and the results that cover all of them.
#include "w2s/sweep/folder.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "w2s/config/schema.h"
#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/core/log.h"
#include "w2s/core/sha256.h"

namespace fs = std::filesystem;

namespace w2s::sweep {

namespace {

constexpr const char* kLatest = "sweep.toml";
constexpr const char* kHistory = "sweeps";

std::string dump(const SweepOptions& o) { return config::dump_toml(o, SweepOptions::schema()); }

/// The config's content without where it was run: its name in the history.
std::string history_name(const SweepOptions& o) {
  SweepOptions c = o;
  c.runs_dir.clear();
  return sha256_hex(dump(c)).substr(0, 16) + ".toml";
}

SweepOptions load(const fs::path& file, const fs::path& runs_dir) {
  SweepOptions o;
  // A config written before bootstrap_data was a key ran its chains on shared data (every config
  // written since has the key, so this default holds for old files only).
  o.bootstrap_data = "shared";
  // Nor did one written before model_finetune read family records (a sweep since writes the lr
  // and epochs its models trained with into model_lrs / model_epochs: with_family_finetuning).
  o.model_finetune = "config";
  config::apply(o, SweepOptions::schema(), config::parse_toml_file(file.string()), file.string());
  o.runs_dir = runs_dir.string();
  return o;
}

/// Everything but the plan's extent.
std::string experiment_fingerprint(const SweepOptions& o) {
  SweepOptions c = o;
  const SweepOptions defaults;
  c.runs_dir.clear();
  c.tasks.clear();
  c.seeds.clear();
  c.losses.clear();
  c.models.clear();
  c.model_names.clear();
  c.model_lrs.clear();
  c.model_epochs.clear();
  c.model_finetune = defaults.model_finetune;
  c.tune = defaults.tune;  // `w2s tune`'s grid is not the sweep's experiment
  c.same_size = defaults.same_size;
  c.bootstrap = defaults.bootstrap;
  c.bootstrap_steps = defaults.bootstrap_steps;
  c.bootstrap_data = defaults.bootstrap_data;
  c.bootstrap_folds = defaults.bootstrap_folds;
  c.slurm = defaults.slurm;  // where and how jobs run is not the experiment
  c.zero_shot = defaults.zero_shot;
  c.few_shot = defaults.few_shot;
  return dump(c);
}

}  // namespace

void record_sweep_config(const SweepOptions& o) {
  const fs::path dir = o.runs_dir;
  fs::create_directories(dir / kHistory);
  // A sweep.toml written before folders kept a history joins it before it is replaced.
  const fs::path latest = dir / kLatest;
  if (fs::exists(latest)) {
    try {
      const auto old = load(latest, dir);
      const fs::path kept = dir / kHistory / history_name(old);
      if (!fs::exists(kept)) write_file_atomic(kept, dump(old));
    } catch (const Error& e) {
      log::warn("{}: not kept in the folder's history ({})", latest.string(), e.what());
    }
  }
  const std::string text = dump(o);
  // Rewritten on every run, so its modification time says when this config last ran.
  write_file_atomic(dir / kHistory / history_name(o), text);
  write_file_atomic(latest, text);
}

bool same_experiment(const SweepOptions& a, const SweepOptions& b) {
  if (experiment_fingerprint(a) != experiment_fingerprint(b)) return false;
  const auto fa = family_of(a), fb = family_of(b);
  for (const auto& x : fa)
    for (const auto& y : fb) {
      if (x.path != y.path) continue;
      const double lx = x.lr > 0 ? x.lr : a.finetune.lr, ly = y.lr > 0 ? y.lr : b.finetune.lr;
      const int64_t ex = x.epochs > 0 ? x.epochs : a.finetune.epochs, ey = y.epochs > 0 ? y.epochs : b.finetune.epochs;
      if (x.name != y.name || lx != ly || ex != ey) return false;
    }
  return true;
}

std::vector<SweepOptions> folder_configs(const fs::path& runs_dir) {
  const fs::path latest_file = runs_dir / kLatest;
  check(fs::exists(latest_file), "{} not found: is {} the runs_dir of a w2s sweep?", latest_file.string(),
        runs_dir.string());
  std::vector<SweepOptions> out{load(latest_file, runs_dir)};
  const std::string latest_name = history_name(out.front());
  std::vector<std::pair<fs::file_time_type, fs::path>> recorded;
  if (fs::is_directory(runs_dir / kHistory))
    for (const auto& e : fs::directory_iterator(runs_dir / kHistory))
      if (e.is_regular_file() && e.path().extension() == ".toml" && e.path().filename() != latest_name)
        recorded.emplace_back(e.last_write_time(), e.path());
  // Most recently run first; ties by name, so the order never depends on the directory listing.
  std::sort(recorded.begin(), recorded.end(),
            [](const auto& x, const auto& y) { return x.first != y.first ? x.first > y.first : x.second < y.second; });
  std::vector<std::string> other;
  for (const auto& [when, file] : recorded) {
    try {
      auto o = load(file, runs_dir);
      if (same_experiment(out.front(), o))
        out.push_back(std::move(o));
      else
        other.push_back(file.filename().string());
    } catch (const Error& e) {
      log::warn("{}: skipped ({})", file.string(), e.what());
    }
  }
  if (!other.empty())
    log::info(
        "{}: {} earlier sweep config(s) in {} ({}) are another experiment (settings other than the plan's "
        "extent differ), so their results are left out of this folder's tables; rerun one to make it the latest",
        latest_file.string(), other.size(), (runs_dir / kHistory).string(), fmt::join(other, ", "));
  return out;
}

}  // namespace w2s::sweep
