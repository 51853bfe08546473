// A sweep's plan: every weak < strong pair of the family × losses × seeds × methods, as stages in
// execution order, grouped into units of work. A unit is (task, seed, weak model): the model's
// ground-truth stage plus every student it supervises (and, with bootstrapping, the chains that
// start from it). Units are independent (students only need their supervisor's labels; ceilings
// are other units' gt stages), so `--shard i/n` takes every n-th unit and shards merge by copying.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "w2s/methods/stage_kind.h"
#include "w2s/sweep/options.h"

namespace w2s::sweep {

/// A (weak, strong, method) of the family that a PGR row reports: a direct student
/// (method finetune; weak < strong, or ≤ with same_size) or a bootstrapping chain (method
/// bootstrap; strong ≥ weak + 2, when bootstrap is on).
struct Pair {
  int weak = 0;    // index into the family
  int strong = 0;  // index into the family
  methods::Method method = methods::Method::finetune;
};

/// Every pair of the sweep, ordered by weak, then strong, direct before bootstrapped.
std::vector<Pair> pairs_of(const SweepOptions& options);

/// What a gt stage's model is used as. Both, unless generative finetuning prepares the strong
/// models only: then a model that supervises and is a ceiling has two gt stages, as itself
/// (weak) and after generative finetuning (strong). A zero- or few-shot stage reads the model as
/// a ceiling (strong) where it is one in some pair, else as a supervisor (weak).
enum class Role { both, weak, strong };

/// One stage of the plan.
struct PlannedStage {
  methods::StageKind kind = methods::StageKind::gt;  // gt | zeroshot | fewshot | student
  std::string task;
  int64_t seed = 0;
  int model = 0;           // index into the family (the trained model)
  std::vector<int> chain;  // student: supervisors, first = the weak gt model (bootstrapping: more)
  std::string loss;        // student: loss name
  methods::Method method = methods::Method::finetune;  // student: direct or bootstrapped
  int unit = 0;                                        // unit index (sharding)
  Role role = Role::both;                              // gt, zero/few-shot: supervisor, ceiling or both
};

/// Supervisors of a bootstrapping chain from model w to model s (indices, weakest first): w, then
/// `steps` intermediate sizes spread evenly between them (0 or ≥ s − w − 1: every one).
///   bootstrap_chain(0, 4, 0) = {0, 1, 2, 3};  bootstrap_chain(0, 4, 1) = {0, 2}
std::vector<int> bootstrap_chain(int w, int s, int64_t steps);

/// Every stage of the sweep in execution order: per unit its gt stage (and zero-shot stage), then
/// its direct students, then its bootstrapped ones.
std::vector<PlannedStage> plan_sweep(const SweepOptions& options);
/// "i/n" → {i, n} with 1 ≤ i ≤ n; else w2s::Error.
std::pair<int, int> parse_shard(const std::string& text);
/// Stages of shard i of n (1-based): the units with unit % n == i − 1.
std::vector<PlannedStage> shard_of(const std::vector<PlannedStage>& plan, int i, int n);

}  // namespace w2s::sweep
