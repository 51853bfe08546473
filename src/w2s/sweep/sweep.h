// Sweeps: every weak < strong pair of a model family × losses × seeds × methods, planned as units
// of work over the run store. A unit is (task, seed, model): the model's ground-truth stage plus
// every student it supervises (and, with bootstrapping, the chains that start from it). Units are
// independent (students only need their supervisor's labels; ceilings are other units' gt stages),
// so `--shard i/n` takes every n-th unit and shards merge by copying folders.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "w2s/config/schema.h"
#include "w2s/methods/losses/loss.h"
#include "w2s/methods/pipeline.h"
#include "w2s/report/results.h"
#include "w2s/train/classifier.h"

namespace w2s::sweep {

struct SweepOptions {
  std::string runs_dir = "runs/sweep";           // run store and results.json / report.html
  std::vector<std::string> tasks = {"reviews"};  // task specs (built-in names or files)
  std::vector<std::string> models;               // HF checkpoint folders, weakest first
  std::vector<std::string> model_names;          // display names (default: folder names)
  std::vector<double> model_lrs;                 // finetuning lr per model (empty = finetune.lr)
  std::vector<int64_t> seeds = {0, 1, 2};        // each seed: its own split, init and order
  std::vector<std::string> losses = {"xent", "logconf"};  // student losses (methods/losses)
  bool same_size = false;                        // also pairs with weak == strong
  bool bootstrap = false;                        // also w → intermediate sizes → s chains
  int64_t bootstrap_steps = 0;                   // intermediate sizes per chain (0 = every one;
                                                 // k = k sizes spread evenly between w and s)
  std::string bootstrap_data = "shared";         // which data each link trains on and labels:
                                                 // shared = all of train half 2 (each link labels
                                                 // the examples it was trained on); disjoint = one
                                                 // slice of half 2 per link (labels are always
                                                 // predictions on unseen examples)
  bool generative_finetune = false;              // finetune every model on task text first
  methods::DataOptions data;                     // [data]
  train::FinetuneOptions finetune;               // [finetune] (and [finetune.loss] defaults)
  methods::GenftOptions genft;                   // [genft]
  static const config::Schema<SweepOptions>& schema();
};

/// One stage of the plan.
struct PlannedStage {
  std::string kind;         // "gt" | "student"
  std::string task;
  int64_t seed = 0;
  int model = 0;            // index into the family (the trained model)
  std::vector<int> chain;   // student: supervisors, first = the weak gt model (bootstrapping: more)
  std::string loss;         // student: loss name
  std::string method;       // "finetune" | "bootstrap"
  int unit = 0;             // unit index (sharding)
};

/// Supervisors of a bootstrapping chain from model w to model s (indices, weakest first): w, then
/// `steps` intermediate sizes spread evenly between them (0 or ≥ s − w − 1: every one).
///   bootstrap_chain(0, 4, 0) = {0, 1, 2, 3};  bootstrap_chain(0, 4, 1) = {0, 2}
std::vector<int> bootstrap_chain(int w, int s, int64_t steps);

/// Every stage of the sweep in execution order (gt before the students of its unit).
std::vector<PlannedStage> plan_sweep(const SweepOptions& options);
/// "i/n" → {i, n} with 1 ≤ i ≤ n; else w2s::Error.
std::pair<int, int> parse_shard(const std::string& text);
/// Stages of shard i of n (1-based): the units with unit % n == i − 1.
std::vector<PlannedStage> shard_of(const std::vector<PlannedStage>& plan, int i, int n);

/// How a sweep shows progress.
enum class Output { bar, quiet, jsonl };

struct SweepRunOptions {
  int shard_i = 1, shard_n = 1;  // run only this shard
  Output output = Output::bar;
};

/// Run the (sharded) plan, then collect every finished stage of the whole plan, and of the earlier
/// sweeps of the same experiment in runs_dir (sweep/folder.h), into Results (written to
/// <runs_dir>/results.json). Stages that exist are reused.
report::Results run_sweep(const SweepOptions& options, const SweepRunOptions& run = {});

/// Results of the plan's finished stages (no training), with PGR rows.
report::Results collect_results(const SweepOptions& options);
/// The same over several configs of one experiment in one runs_dir (sweep/folder.h): each stage
/// once, and each PGR row (task, weak, strong, loss, method) over every seed any of them planned.
report::Results collect_results(const std::vector<SweepOptions>& configs);

/// The family as ModelRefs (names, lrs) — validates list lengths.
std::vector<methods::ModelRef> family_of(const SweepOptions& options);

}  // namespace w2s::sweep
