// Evaluation during finetuning, as a TrainObserver: predictions on chosen sets at chosen
// steps give the training dynamics (accuracy against labels, agreement with the supervisor);
// early stopping keeps the weights with the best validation accuracy and restores them at the end;
// progress goes to a callback after evaluations (and, optionally, after every step with its loss).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "w2s/train/readout.h"
#include "w2s/train/trainer.h"

namespace w2s::train {

/// A readout set the evaluator scores.
struct EvalTarget {
  int set = 0;              // readout set number
  std::string name;         // "test", "train2", "val", ...
  std::vector<int> labels;  // ground truth (class or right choice), or empty
  eval::Predictions weak;   // the supervisor's predictions on the same rows, or empty
  bool track = true;        // also scored during training (dynamics); false = end only
};

/// One point of the training dynamics.
struct DynamicsRow {
  int64_t step = 0;
  std::map<std::string, double> accuracy;   // per set with labels
  std::map<std::string, double> agreement;  // per set with the supervisor's predictions
  // What the loss did over the steps since the previous row (means): "alpha", and for logconf
  // "threshold" and "hardened_rate"; empty for losses without batch state (xent).
  std::map<std::string, double> loss;
};

/// (step, total_steps, stats such as " acc[test] 0.812 agree[test] 0.930" or " loss 0.6931").
using ProgressFn = std::function<void(int64_t step, int64_t total_steps, const std::string& stats)>;

struct EvaluatorOptions {
  std::vector<int64_t> eval_steps;  // evaluate after these steps (1-based counts, increasing)
  int val_target = -1;              // index into the targets of the validation set (-1 = none)
  bool early_stopping = false;      // keep and restore the best weights on the validation set
  bool report_loss = true;          // progress after every step that is not an evaluation
};

/// Evaluation steps for a run: every `every` steps (> 0), else `points` − 1 evenly spread ones
/// (the end is scored separately).
std::vector<int64_t> evaluation_steps(int64_t total_steps, int64_t every, int64_t points);

class Evaluator : public TrainObserver {
 public:
  /// `parameters`: what early stopping snapshots and restores (the trainer's parameters).
  Evaluator(Readout& readout, std::vector<EvalTarget> targets, std::vector<torch::Tensor> parameters,
            EvaluatorOptions options, ProgressFn progress = {});

  void on_start(int64_t step, int64_t total_steps) override;
  void on_step(const StepReport& report) override;
  void on_end(int64_t step, int64_t total_steps) override;

  /// The dynamics scored so far (with early stopping, including the end of training).
  const std::vector<DynamicsRow>& dynamics() const { return dynamics_; }
  /// Step of the weights early stopping kept (-1 = none).
  int64_t best_step() const { return best_step_; }
  /// The dynamics row of the tracked targets from final predictions (by set name).
  DynamicsRow final_row(int64_t step, const std::map<std::string, eval::Predictions>& predictions) const;

 private:
  void evaluate(int64_t step, int64_t total_steps);

  Readout& readout_;
  std::vector<EvalTarget> targets_;
  std::vector<torch::Tensor> parameters_;
  EvaluatorOptions options_;
  ProgressFn progress_;
  size_t next_eval_ = 0;
  std::vector<DynamicsRow> dynamics_;
  double best_val_ = -1.0;
  int64_t best_step_ = -1;
  std::vector<torch::Tensor> best_;
};

}  // namespace w2s::train
