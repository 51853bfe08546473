// Few-shot baselines: k solved examples from a labelled pool (train half 1, ground truth) put before
// each evaluated example and read by an LM-head readout without training, as the paper prompts its
// large models. The draw is balanced between the labels, so the demonstrations carry no majority
// label, and example i's draw depends only on (seed, i), not on the order of the set.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "w2s/train/model_readout.h"

namespace w2s::train {

/// For each of `n` examples, `shots` distinct indices into a pool with labels `pool_labels` (0/1):
/// half from each label (an odd k's extra one from a random label; a label with too few examples
/// is made up from the other), in random order. Needs 0 < shots ≤ pool size.
std::vector<std::vector<int64_t>> draw_demonstrations(const std::vector<int>& pool_labels, int64_t n, int64_t shots,
                                                      uint64_t seed);

/// The drawn pool examples in `readout`'s demonstration form, per example.
std::vector<std::vector<std::string>> render_demonstrations(const ModelReadout& readout, const InputSet& pool,
                                                            const std::vector<int>& pool_labels,
                                                            const std::vector<std::vector<int64_t>>& draws);

}  // namespace w2s::train
