// Balanced draws of few-shot demonstrations and their rendering.
#include "w2s/train/few_shot.h"

#include <algorithm>

#include "w2s/core/error.h"
#include "w2s/core/rng.h"

namespace w2s::train {

std::vector<std::vector<int64_t>> draw_demonstrations(const std::vector<int>& pool_labels, int64_t n, int64_t shots,
                                                      uint64_t seed) {
  const auto pool = static_cast<int64_t>(pool_labels.size());
  check(shots > 0 && shots <= pool, "few-shot: {} demonstrations from a pool of {} examples", shots, pool);
  std::vector<int64_t> by_label[2];
  for (int64_t j = 0; j < pool; ++j) {
    check(pool_labels[j] == 0 || pool_labels[j] == 1, "few-shot: pool example {} has label {}, not 0 or 1", j,
          pool_labels[j]);
    by_label[pool_labels[j]].push_back(j);
  }
  std::vector<std::vector<int64_t>> out(n);
  for (int64_t i = 0; i < n; ++i) {
    Rng rng(mix_seed(seed, static_cast<uint64_t>(i)));
    int64_t want[2] = {shots / 2, shots / 2};
    if (shots % 2) ++want[rng.below(2)];
    for (int c = 0; c < 2; ++c) {  // a short label is made up from the other
      const auto have = static_cast<int64_t>(by_label[c].size());
      if (want[c] > have) want[1 - c] += want[c] - have, want[c] = have;
    }
    auto& picks = out[i];
    for (int c = 0; c < 2; ++c) {
      // Partial Fisher–Yates over a copy: want[c] distinct examples of label c.
      auto pool_c = by_label[c];
      for (int64_t t = 0; t < want[c]; ++t) {
        const auto j = t + static_cast<int64_t>(rng.below(static_cast<uint64_t>(pool_c.size() - t)));
        std::swap(pool_c[t], pool_c[j]);
        picks.push_back(pool_c[t]);
      }
    }
    shuffle_in_place(picks, rng);
  }
  return out;
}

std::vector<std::vector<std::string>> render_demonstrations(const ModelReadout& readout, const InputSet& pool,
                                                            const std::vector<int>& pool_labels,
                                                            const std::vector<std::vector<int64_t>>& draws) {
  std::vector<std::vector<std::string>> out;
  out.reserve(draws.size());
  for (const auto& d : draws) {
    auto& row = out.emplace_back();
    for (int64_t j : d) row.push_back(readout.demonstration(pool, static_cast<size_t>(j), pool_labels.at(j)));
  }
  return out;
}

}  // namespace w2s::train
