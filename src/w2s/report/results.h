// What a sweep produced, in one in-memory table: one record per finished stage (a ground-truth
// finetune, which is both a weak supervisor and a strong ceiling, or a student trained on weak
// labels) and the PGR rows derived from them. `w2s results` prints it; `w2s report` draws it.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "w2s/methods/stage_kind.h"

namespace w2s::report {

/// One evaluation during training (training dynamics).
struct DynamicsPoint {
  int64_t step = 0;             // optimizer steps done
  double test_accuracy = 0.0;   // accuracy on the test set (ground truth)
  double weak_agreement = 0.0;  // student: agreement with the supervisor's test predictions
                                // (NaN for ground-truth runs)
  // What the student's loss did over the steps since the previous point (means; NaN for losses
  // without batch state, e.g. xent): the confidence loss's α, its hardening threshold and the
  // share of the batch it hardened to the positive class (binary tasks).
  double alpha = NAN, threshold = NAN, hardened_rate = NAN;
};

/// Test accuracy among the examples in one quintile of the model's margin |p1 − 0.5| (for a
/// reward model, of the reward difference |r_1 − r_0|): how accuracy grows with confidence.
struct MarginBin {
  double margin = 0.0;    // mean |p1 − 0.5| in the bin
  double accuracy = 0.0;  // test accuracy in the bin
  int64_t n = 0;          // examples
};

/// One finished stage.
struct StageRecord {
  std::string key;                                   // run-store key (hash of the resolved stage config + inputs)
  methods::StageKind kind = methods::StageKind::gt;  // gt (finetuned on ground truth) | student
                                                     // (on weak labels)
  std::string task;                                  // task name, e.g. "reviews"
  std::string model;                                 // model name (for a student: the strong model)
  int64_t model_params = 0;                          // non-embedding parameters of `model`
  std::string supervisor;                            // student: the weak model's name ("" for gt); bootstrapping
                                                     // chains are written "xs>s" (first supervisor > intermediates)
  std::string loss;                                  // student: loss name ("xent", "logconf", ...); gt: "gt"
  std::string method;                                // methods::to_string(Method): "finetune" | "bootstrap" | "file"
  int64_t seed = 0;
  double test_accuracy = 0.0;  // fraction in [0, 1]
  double test_auroc = 0.0;
  double test_ece = 0.0;  // expected calibration error, 10 equal-width bins
  // Student–supervisor agreement on the test set, split by whether the supervisor was right
  // (NaN for gt runs or when the split is empty).
  double agree_when_weak_right = 0.0;
  double agree_when_weak_wrong = 0.0;
  int64_t n_weak_right = 0;
  int64_t n_weak_wrong = 0;
  std::vector<DynamicsPoint> dynamics;
  std::vector<MarginBin> margins;  // comparison tasks: accuracy by margin quintile (else empty)
  std::string commit;              // git commit of the w2s that ran the stage
  double wall_seconds = 0.0;
  double peak_rss_mb = 0.0;  // peak resident memory of the process when the stage ended
  int64_t shots = 0;         // fewshot: demonstrations asked per example (else 0)
  double shots_kept = 0.0;   // fewshot: demonstrations per example that fit (mean)
};

/// PGR of one (task, weak, strong, loss, method) cell over seeds.
struct PgrRow {
  std::string task, weak, strong, loss, method;
  int64_t weak_params = 0, strong_params = 0;
  int n_seeds = 0;                       // seeds with all three accuracies
  double weak_acc = 0.0, weak_se = 0.0;  // mean ± standard error over seeds
  double ceiling_acc = 0.0, ceiling_se = 0.0;
  double student_acc = 0.0, student_se = 0.0;
  // PGR as the ratio of the mean accuracies (eval/pgr.h; NaN when the mean gap is not > 0), the
  // standard deviation and 95 % percentile interval of a paired bootstrap over seeds and test
  // examples (NaN when there was nothing to resample).
  double pgr = 0.0, pgr_se = 0.0;
  double pgr_lo = NAN, pgr_hi = NAN;
  bool pgr_over_examples = false;                // the bootstrap resampled test examples too
  double zeroshot_acc = NAN, zeroshot_se = NAN;  // the strong model's zero-shot accuracy (NaN = not run)
  // Diagnostics, means over seeds (NaN = not measurable): the student's misfit, the share of train
  // half 2 where its hard prediction differs from the weak label it trained on (Charikar et al.
  // 2024: the gain over the supervisor tracks it); and the error consistency (Cohen's κ of right/
  // wrong on the test set) of the weak supervisor and the strong ceiling.
  double misfit = NAN, error_consistency = NAN;
  // The same PGR on test AUROC (binary and comparison tasks; NaN where a model's AUROC is not
  // defined): means over seeds, the ratio of means, and a percentile interval from a bootstrap
  // over seeds only (AUROC is not a mean over examples, so the examples are not resampled).
  double weak_auroc = NAN, ceiling_auroc = NAN, student_auroc = NAN;
  double pgr_auroc = NAN, pgr_auroc_lo = NAN, pgr_auroc_hi = NAN;
  bool pgr_auroc_gap_ns = false;  // the AUROC gap's interval (over seeds) reaches 0
  // "ok" | "gap_not_significant" (the ceiling−weak gap's interval reaches 0: the PGR is shown and
  // means little) | "ceiling_not_above_weak" (no PGR) | "incomplete"
  std::string status;
};

struct Results {
  std::vector<StageRecord> stages;
  std::vector<PgrRow> pgr;
};

/// {"w2s_results": 1, "stages": [...], "pgr": [...]}; NaN doubles are written as null.
nlohmann::json to_json(const Results& results);
/// Inverse of to_json; a missing or mistyped field → w2s::Error naming `source` and the field.
/// null reads back as NaN.
Results results_from_json(const nlohmann::json& j, const std::string& source);

/// `path` itself, or `path/results.json` when `path` is a folder (a runs directory).
std::filesystem::path results_file(const std::filesystem::path& path);
/// Parse results_file(path); errors name the file.
Results load_results(const std::filesystem::path& path);
/// Write to_json(results) atomically.
void save_results(const Results& results, const std::filesystem::path& path);

}  // namespace w2s::report
