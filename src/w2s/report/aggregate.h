// Seed-level aggregation shared by the tables and the HTML report: mean ± SE, medians, the
// ground-truth ceiling curve, the (loss, method) columns of a task, and per-pair student summaries.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "w2s/report/results.h"

namespace w2s::report {

/// Mean and standard error over values (sd / √n, n − 1 in the sd; se 0 for n = 1); NaNs skipped.
/// n = 0 → mean and se NaN.
struct Stat {
  double mean = 0.0, se = 0.0;
  int n = 0;
};
Stat mean_se(const std::vector<double>& xs);
/// Median of the finite values; NaN when there are none.
double median(std::vector<double> xs);

/// "0.43 ± 0.05" (`digits` decimals); "n/a" for NaN.
std::string format_mean_se(double mean, double se, int digits = 2);
/// A PGR cell: "0.42 [0.31, 0.55]" (the ratio of means and its bootstrap interval), "… gap n.s." when the
/// ceiling−weak gap is within noise, else the status.
std::string format_pgr_cell(const PgrRow& row, int digits = 2);
/// Whether a row has a PGR to show (status ok or gap_not_significant).
bool has_pgr(const PgrRow& row);
/// "0.41 [0.12, 0.66]" for the PGR on AUROC (interval over seeds; "… gap n.s." when the AUROC gap's
/// interval reaches 0); "n/a" when the AUROC gap is not > 0, "-" when AUROC was not measured.
std::string format_pgr_auroc_cell(const PgrRow& row, int digits = 2);
/// Whether a row has a diagnostic to show (misfit or error consistency measured).
bool has_diagnostics(const PgrRow& row);
/// `v` with `digits` decimals; "-" for NaN (a table cell).
std::string format_fixed(double v, int digits);

/// "12.3 s", "4m05s", "1h02m"; "-" for NaN.
std::string format_duration(double seconds);
/// "812 MB", "1.2 GB"; "-" for NaN or ≤ 0.
std::string format_memory_mb(double mb);

/// Tasks in first-appearance order over stages, then PGR rows.
std::vector<std::string> task_names(const Results& r);
/// Short names to show for the tasks of `r` (text and Markdown tables): a file or format task's
/// name (`name=` in its spec, else the file's stem: "jsonl:/data/x.jsonl?text=q" → "x"), a
/// built-in's own name. Where two tasks would show the same name, both show their full specs.
std::map<std::string, std::string> task_display_names(const Results& r);

/// A student configuration column: the loss and the method that trained it.
struct LossKey {
  std::string loss, method;
  bool operator==(const LossKey&) const = default;
};
/// The task's (loss, method) pairs over PGR rows and student stages: xent, logconf first.
std::vector<LossKey> loss_keys(const Results& r, const std::string& task);
/// "xent", or "xent (bootstrap)" when the task has students from more than one method.
std::string loss_label(const LossKey& k, const std::vector<LossKey>& all);

/// One point of the ground-truth curve: a model finetuned on ground truth, over seeds.
struct ModelPoint {
  std::string model;
  int64_t params = 0;
  Stat acc;
};
/// gt stages of the task, one point per model, sorted by params. Without gt stages the curve is
/// rebuilt from the PGR rows' weak and ceiling accuracies.
std::vector<ModelPoint> ceiling_curve(const Results& r, const std::string& task);
/// Each model's zero-shot accuracy on a task (zero-shot stages), sorted by params; empty when none.
std::vector<ModelPoint> zeroshot_curve(const Results& r, const std::string& task);
/// The same for few-shot stages; *shots = their demonstrations per example when all agree, else 0.
std::vector<ModelPoint> fewshot_curve(const Results& r, const std::string& task, int64_t* shots = nullptr);

/// Weak models and strong models of a task's PGR rows / student stages, sorted by params.
struct ModelName {
  std::string name;
  int64_t params = 0;
};
std::vector<ModelName> weak_models(const Results& r, const std::string& task);
std::vector<ModelName> strong_models(const Results& r, const std::string& task);

/// The PGR row of a cell, or nullptr.
const PgrRow* find_pgr(const Results& r, const std::string& task, const std::string& weak, const std::string& strong,
                       const LossKey& k);
/// Median over pairs of the PGRs of one (task, loss, method) (rows with has_pgr); NaN when none.
double median_pgr(const Results& r, const std::string& task, const LossKey& k);
/// One summary over tasks: the median over tasks of each task's median_pgr; NaN when none.
double median_pgr_over_tasks(const Results& r, const LossKey& k);
/// The paper's summary (its NLP figure): for one (weak, strong) pair, the median over the tasks
/// that have it of that pair's PGR; NaN when none. *n_tasks = how many tasks entered.
double median_pgr_over_tasks(const Results& r, const std::string& weak, const std::string& strong, const LossKey& k,
                             int* n_tasks = nullptr);

/// Students of one (task, weak, strong, loss, method) aggregated over seeds.
struct PairSummary {
  std::string weak, strong;
  int64_t weak_params = 0, strong_params = 0;
  LossKey loss;
  Stat test_accuracy;             // student test accuracy
  Stat agree_right, agree_wrong;  // agreement with the supervisor when it was right / wrong
  struct Step {
    int64_t step = 0;
    Stat test_accuracy, weak_agreement;
    Stat alpha, hardened_rate;  // the loss's state (n = 0 where it has none)
  };
  std::vector<Step> dynamics;  // steps present in any seed, ascending
};
/// All student pairs of a task, sorted by (weak params, strong params, loss order).
std::vector<PairSummary> pair_summaries(const Results& r, const std::string& task);

}  // namespace w2s::report
