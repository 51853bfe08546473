// Runs or names the stages of a plan through a Pipeline: generative finetuning first when the
// sweep asks for it, a unit's gt stage, and students (direct, or each link of a bootstrapping
// chain in order). In key-only mode nothing trains: result collection uses it to find the stages
// a plan would have made.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "w2s/methods/pipeline.h"
#include "w2s/sweep/options.h"
#include "w2s/sweep/plan.h"

namespace w2s::sweep {

class Executor {
 public:
  /// run = false: compute keys only (a stage that needs a missing genft model has none).
  Executor(const SweepOptions& options, methods::Pipeline& pipeline, bool run);

  /// The family's model `i` as used for `task` (after generative finetuning when enabled, unless
  /// it is a `supervisor` and genft_models = strong); nullopt in key-only mode when its genft
  /// model does not exist. `seed` picks the genft model of a task without a fixed test split.
  std::optional<methods::ModelRef> model(const std::string& task, int64_t seed, int i, bool supervisor = false);
  /// Key of the gt stage of model `i` in `role`.
  std::optional<std::string> gt(const std::string& task, int64_t seed, int i, Role role = Role::both);
  /// Key of the zero-shot (shots = 0) or few-shot stage of model `i`, read as `role` (plan.h):
  /// after generative finetuning unless it is read as a supervisor (weak).
  std::optional<std::string> zeroshot(const std::string& task, int64_t seed, int i, int64_t shots,
                                      Role role = Role::both);
  /// Key of a planned student: a direct student, or the last link of a bootstrapping chain. With
  /// bootstrap_data = disjoint, link k of a chain of L students trains on slice k of L of train
  /// half 2, labelled by link k − 1 (the weak model for the first); with shared, every link trains
  /// on all of it (and the first link is the direct student, reused); with crossfit, every
  /// intermediate link is bootstrap_folds models whose out-of-fold predictions label half 2
  /// (Pipeline::crossfit), and the final student trains on all of it.
  std::optional<std::string> student(const PlannedStage& stage);
  /// Key of any planned stage.
  std::optional<std::string> stage(const PlannedStage& stage);

 private:
  /// What link `model_index` of a planned student trains: the model (nullopt in key-only mode
  /// while its genft model does not exist) and the student's loss for it.
  struct LinkModel {
    methods::ModelRef model;
    losses::LossOptions loss;
  };
  std::optional<LinkModel> link_model(const PlannedStage& s, int model_index);
  std::optional<std::string> link(const PlannedStage& s, int model_index, const std::string& labels,
                                  methods::Method method, methods::TrainSlice slice);
  /// Key of the cross-fitted labels of intermediate link `model_index` trained on `labels`.
  std::optional<std::string> crossfit(const PlannedStage& s, int model_index, const std::string& labels);

  const SweepOptions& o_;
  methods::Pipeline& p_;
  bool run_;
  std::vector<methods::ModelRef> family_;
};

}  // namespace w2s::sweep
