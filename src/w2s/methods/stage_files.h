// The files of a finished finetuning stage (docs/formats.md): metrics.json, test_predictions.jsonl,
// val_predictions.jsonl, weak_labels.jsonl (its predictions on train half 2, openai/weak-to-strong
// field names) and dynamics.jsonl; written and read back here only.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <vector>

#include "w2s/data/example.h"
#include "w2s/data/split.h"
#include "w2s/train/finetune.h"

namespace w2s::methods {

/// What a finished stage reports (metrics.json).
struct StageMetrics {
  double test_accuracy = 0.0, test_auroc = 0.0, test_ece = 0.0;
  double agreement = 0.0;  // student: with the supervisor on test (NaN for gt)
  double agree_when_weak_right = 0.0, agree_when_weak_wrong = 0.0;
  int64_t n_weak_right = 0, n_weak_wrong = 0;
  int64_t n_train = 0, n_test = 0, steps = 0;
};

nlohmann::json to_json(const StageMetrics& m);
/// A stage's metrics.json; a missing field → w2s::Error naming the file.
StageMetrics read_stage_metrics(const std::filesystem::path& stage_dir);

/// Rows {"id", "gt_label", "p1"} for `examples` in order; a row of more than two choices
/// (multiple choice) as {"id", "gt_label", "probs": [p0, …]}.
void write_predictions(const std::filesystem::path& path, const std::vector<data::Example>& examples,
                       const eval::Predictions& predictions);
/// A predictions row's distribution: (1 − p1, p1), or its "probs" (JSON null → NaN).
std::vector<double> prediction_of(const nlohmann::json& row);
/// A predictions file, checked row by row against the ids of `examples` (the same task and seed);
/// a mismatch → w2s::Error naming FILE:LINE.
eval::Predictions read_predictions(const std::filesystem::path& path, const std::vector<data::Example>& examples);

/// Rows {"step", "accuracy": {set: x}, "agreement": {set: x}}.
void write_dynamics(const std::filesystem::path& path, const std::vector<train::DynamicsRow>& rows);
/// loss_steps.jsonl: one row per optimizer step (step, loss, alpha, and for logconf threshold and
/// hardened_rate); nothing is written for losses without batch state.
void write_loss_steps(const std::filesystem::path& path, const std::vector<train::LossStepRecord>& steps);

/// Metrics of a finished finetune on split `s` (agreement with `weak_test` when given) and every
/// file of its stage folder `dir`; returns the metrics written.
StageMetrics write_stage_outputs(const std::filesystem::path& dir, const data::Split& s,
                                 const train::FinetuneResult& result, size_t n_train,
                                 const eval::Predictions* weak_test);

}  // namespace w2s::methods
