// Training dynamics, early stopping and progress during finetuning.
#include "w2s/train/evaluator.h"

#include <fmt/format.h>

#include "w2s/eval/predictions.h"

namespace w2s::train {

std::vector<int64_t> evaluation_steps(int64_t total_steps, int64_t every, int64_t points) {
  std::vector<int64_t> steps;
  if (every > 0) {
    for (int64_t s = every; s < total_steps; s += every) steps.push_back(s);
  } else {
    for (int64_t k = 1; k < points; ++k) steps.push_back(total_steps * k / points);
  }
  return steps;
}

Evaluator::Evaluator(Readout& readout, std::vector<EvalTarget> targets, std::vector<torch::Tensor> parameters,
                     EvaluatorOptions options, ProgressFn progress)
    : readout_(readout),
      targets_(std::move(targets)),
      parameters_(std::move(parameters)),
      options_(std::move(options)),
      progress_(std::move(progress)) {}

void Evaluator::on_start(int64_t step, int64_t total_steps) {
  if (!options_.eval_steps.empty() || options_.early_stopping) evaluate(step, total_steps);
}

void Evaluator::on_step(const StepReport& r) {
  if (next_eval_ < options_.eval_steps.size() && r.step == options_.eval_steps[next_eval_]) {
    ++next_eval_;
    evaluate(r.step, r.total_steps);
  } else if (progress_ && options_.report_loss) {
    progress_(r.step, r.total_steps, fmt::format(" loss {:.4f}", r.loss));
  }
}

void Evaluator::on_end(int64_t step, int64_t total_steps) {
  if (!options_.early_stopping) return;
  evaluate(step, total_steps);
  torch::NoGradGuard ng;
  for (size_t i = 0; i < parameters_.size(); ++i) parameters_[i].copy_(best_[i]);
}

void Evaluator::evaluate(int64_t step, int64_t total_steps) {
  DynamicsRow row;
  row.step = step;
  for (size_t i = 0; i < targets_.size(); ++i) {
    const auto& t = targets_[i];
    const bool is_val = static_cast<int>(i) == options_.val_target;
    if (t.labels.empty() && t.weak.empty() && !is_val) continue;
    if (!t.track && !is_val) continue;
    const auto p = choice_probabilities(readout_, t.set);
    if (!t.labels.empty()) row.accuracy[t.name] = eval::accuracy(p, t.labels);
    if (!t.weak.empty()) row.agreement[t.name] = eval::agreement_rate(p, t.weak);
    if (is_val && options_.early_stopping && row.accuracy.count(t.name) && row.accuracy[t.name] > best_val_) {
      best_val_ = row.accuracy[t.name];
      best_step_ = step;
      best_.clear();
      for (auto& p : parameters_) best_.push_back(p.detach().clone());
    }
  }
  if (progress_) {
    std::string stats;
    for (const auto& [k, v] : row.accuracy) stats += fmt::format(" acc[{}] {:.3f}", k, v);
    for (const auto& [k, v] : row.agreement) stats += fmt::format(" agree[{}] {:.3f}", k, v);
    progress_(step, total_steps, stats);
  }
  dynamics_.push_back(std::move(row));
}

DynamicsRow Evaluator::final_row(int64_t step, const std::map<std::string, eval::Predictions>& p) const {
  DynamicsRow row;
  row.step = step;
  for (const auto& t : targets_) {
    if (!t.track) continue;
    if (!t.labels.empty()) row.accuracy[t.name] = eval::accuracy(p.at(t.name), t.labels);
    if (!t.weak.empty()) row.agreement[t.name] = eval::agreement_rate(p.at(t.name), t.weak);
  }
  return row;
}

}  // namespace w2s::train
