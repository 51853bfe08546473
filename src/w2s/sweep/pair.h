// One weak/strong pair (`w2s run`): a two-model sweep — the weak model on ground truth, its weak
// labels, the strong ceiling and a student per loss — or strong students trained on a weak-label
// file from elsewhere, beside the strong ceiling.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "w2s/sweep/options.h"

namespace w2s::sweep {

/// `options` narrowed to two models: `weak` and `strong` (each, when empty, the config's first or
/// last model). The config's display names and learning rates are kept when both models come from
/// it; otherwise the defaults apply. Bootstrapping is off. Fewer than two different models →
/// w2s::Error.
SweepOptions pair_sweep(const SweepOptions& options, const std::string& weak, const std::string& strong);

/// A student on a label file, beside the strong ceiling.
struct LabelFileRow {
  std::string task;
  std::string loss;
  int64_t seed = 0;
  double student = 0.0;  // test accuracy
  double ceiling = 0.0;  // the strong model on ground truth
};

/// For every task, seed and loss of `options`: the strong model (`strong`, else the config's last
/// model, keeping its learning rate) trained on `labels_file` (rows matched to train half 2 by
/// text) and on ground truth. Stages are reused like a sweep's.
std::vector<LabelFileRow> run_label_file(const SweepOptions& options, const std::string& strong,
                                         const std::string& labels_file);

}  // namespace w2s::sweep
