// Deterministic, group-aware splits of a Task into train half 1 (ground truth), train half 2
// (to be labelled by the weak model), a validation slice of half 2, and test.
//
// Guarantees:
//  - Deterministic from the seed on every platform: groups and examples are ordered by a keyed
//    hash (splitmix64 over FNV-1a of the group key / id), so the result also does not depend on
//    the order of the task's rows. Each stage uses its own derived seed, so e.g. changing
//    val_fraction does not move examples between half 1 and half 2.
//  - Group-aware: every group (Example::group, else its id) lies entirely in one part.
//  - No text in two parts: exact duplicate contents (the text, and a comparison's completions)
//    across parts are removed from the later part in the order test, train1, train2, val (a fixed
//    test set is never altered by training data), and counted in SplitReport::n_duplicates.
//  - Comparisons: the order of each example's two completions is drawn from the seed (and its id),
//    so labels are balanced in every part whatever order the source used.
//  - Half 1 and half 2 differ in size by at most one group before dedup, balance and caps.
//  - Validation comes from half 2 only. Its examples keep their ground-truth label; the caller
//    decides what labels it gets (by default the weak model's, never ground truth).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "w2s/data/example.h"

namespace w2s::data {

/// What to do with examples longer than SplitOptions::max_tokens.
enum class LengthPolicy { drop, truncate };

/// "drop" | "truncate"; anything else throws naming the value.
LengthPolicy parse_length_policy(const std::string& name);
std::string to_string(LengthPolicy policy);

/// Token counting and truncation supplied by the caller (keeps data/ free of the tokenizer).
struct TokenFns {
  std::function<size_t(const std::string& text)> count;                    // tokens in text
  std::function<std::string(const std::string& text, size_t n)> truncate;  // first n tokens' text
};

/// How to split a task.
struct SplitOptions {
  uint64_t seed = 0;                                // all randomness derives from this
  int64_t n_train1 = -1;                            // cap on train half 1 (ground-truth labels); -1 = all
  int64_t n_train2 = -1;                            // cap on train half 2 (weak labels; val not included); -1 = all
  int64_t n_val = -1;                               // cap on the validation slice; -1 = all
  int64_t n_test = -1;                              // cap on test; -1 = all
  double test_fraction = 0.2;                       // share of the pool's examples carved as test, by whole groups;
                                                    // used only when the task has no fixed test set; in [0, 1)
  double val_fraction = 0.0;                        // share of half 2's examples carved as validation; in [0, 1)
  bool balance = false;                             // downsample the majority class within each part to 50/50
  size_t max_tokens = 0;                            // longest allowed text in tokens; 0 = no limit (needs TokenFns)
  LengthPolicy length_policy = LengthPolicy::drop;  // what to do with longer texts
};

/// Counts for one part.
struct PartReport {
  size_t n = 0;         // examples
  size_t n_label1 = 0;  // of which ground-truth label 1
  size_t n_groups = 0;  // distinct groups
  double frac_label1() const { return n == 0 ? 0.0 : static_cast<double>(n_label1) / n; }
};

/// What make_split did.
struct SplitReport {
  PartReport train1, train2, val, test;  // final counts per part
  size_t n_input = 0;                    // examples in the task (train pool + fixed test)
  size_t n_dropped_long = 0;             // removed: longer than max_tokens (policy drop)
  size_t n_truncated = 0;                // shortened to max_tokens (policy truncate)
  size_t n_duplicates = 0;               // removed: text already in an earlier part
  size_t n_duplicates_within = 0;        // kept: repeated texts inside one part (for information)
  size_t n_balanced_away = 0;            // removed by class balancing
  size_t n_capped_away = 0;              // removed by the n_* caps
  bool test_carved = false;              // true: test was carved from the training pool

  nlohmann::json to_json() const;
  std::string summary() const;  // one line for logs
};

/// The parts, each in a deterministic shuffled order.
struct Split {
  std::vector<Example> train1;  // train half 1: ground truth (weak and ceiling models train here)
  std::vector<Example> train2;  // train half 2: labels to be replaced by weak labels
  std::vector<Example> val;     // validation slice of half 2 (gt kept; caller picks labels)
  std::vector<Example> test;    // test set
  SplitReport report;
};

/// Split `task`. Throws w2s::Error for: labels outside {0,1}, duplicate ids, max_tokens > 0
/// without `tokens`, fractions outside [0, 1), or a truncator that returns too many tokens.
///
///   SplitOptions o; o.seed = 1; o.n_train1 = 1000; o.val_fraction = 0.1;
///   Split s = make_split(task, o);
Split make_split(const Task& task, const SplitOptions& options, const TokenFns* tokens = nullptr);

}  // namespace w2s::data
