// `w2s tune`: each model's finetuning learning rate and epochs chosen on ground-truth validation
// data, never on test. For every (lr, epochs) of the [tune] grid, every model, task and seed, a gt
// stage (the model finetuned on train half 1, as a weak model or ceiling is) is run with a share of
// train half 2 held out as labelled validation; the choice per model is the grid point with the
// highest mean validation accuracy over tasks and seeds (ties: the earlier grid point, by
// `epochs`, then `lrs` as listed). The choices can be recorded in a family index
// (sweep/family_record.h), which sweeps then use by default.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "w2s/sweep/options.h"
#include "w2s/sweep/sweep.h"

namespace w2s::sweep {

/// One model at one grid point.
struct TuneCell {
  std::string model;  // display name
  double lr = 0.0;
  int64_t epochs = 0;
  double val_accuracy = 0.0;  // mean over tasks × seeds (NaN if any stage's val predictions hold NaN)
  double val_se = 0.0;        // its standard error
  int64_t n_runs = 0;         // tasks × seeds
  int64_t steps = 0;          // optimizer steps of one run (the first task and seed)
  int64_t n_val = 0;          // validation examples per run (summed over tasks, first seed)
};

struct TuneResult {
  std::vector<std::string> models;  // display names, family order
  std::vector<std::string> paths;   // model specs, family order
  std::vector<TuneCell> cells;      // model-major, then epochs, then lr (the grid's order)
  std::vector<size_t> chosen;       // per model, its chosen cell
  nlohmann::json setting;           // what the choice holds for: tasks, seeds, data, finetune, precision
};

/// Run (or reuse) every stage of the grid in options.runs_dir and choose. The grid comes from
/// options.tune; model_lrs / model_epochs / model_finetune and the student keys are ignored.
/// Writes <runs_dir>/tune.json, and with tune.write the choices into that family index.
TuneResult run_tune(const SweepOptions& options, Output output = Output::bar);

/// The table: one row per model and grid point (validation accuracy % ± SE), the chosen ones
/// marked, and the config lines that use the choices.
std::string format_tune(const TuneResult& result);

/// The family index record of model `i`'s choice.
nlohmann::ordered_json tune_record(const TuneResult& result, size_t i);

}  // namespace w2s::sweep
