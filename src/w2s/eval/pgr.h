// Performance gap recovered, PGR = (student − weak) / (ceiling − weak), over seeds: the ratio of
// the mean accuracies (not a mean of per-seed ratios, which a seed with a small gap can swing, and
// with no seed dropped), and a percentile interval from a paired bootstrap over seeds and, where
// the test predictions are known, over test examples within each seed (the same examples for the
// three models, so what they share cancels).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace w2s::eval {

/// One seed of a (weak, strong) pair.
struct PgrSeed {
  double weak = 0.0, student = 0.0, ceiling = 0.0;  // test accuracies (NaN: missing; the seed is left out)
  // Which test examples each model got right (1) or wrong (0), the same examples in the same
  // order for all three; empty when unknown (the bootstrap then resamples seeds only).
  std::vector<uint8_t> weak_right, student_right, ceiling_right;
};

struct PgrOptions {
  int replicates = 2000;  // bootstrap resamples
  double level = 0.95;    // coverage of the interval
  uint64_t seed = 0;      // the resampling draws (results are reproducible)
};

struct PgrEstimate {
  double value = 0.0;          // ratio of means over complete seeds (NaN unless the mean gap is > 0)
  double lo = 0.0, hi = 0.0;   // percentile interval of the ratio over the resamples whose gap is
                               // > 0 (NaN: nothing to resample, i.e. one seed without predictions)
  double se = 0.0;             // standard deviation of those resampled ratios (NaN as lo, hi)
  double gap = 0.0;            // mean ceiling − mean weak accuracy
  double gap_lo = 0.0;         // lower end of the gap's interval
  int n = 0;                   // complete seeds
  bool over_examples = false;  // the bootstrap resampled test examples too
  // ok: the gap's interval is above 0 | gap_not_significant: the mean gap is > 0 but its interval
  // reaches 0 (the ratio is shown, and means little) | ceiling_not_above_weak: mean gap ≤ 0 (no
  // ratio) | incomplete: no seed has all three accuracies
  std::string status;
};

/// PGR of `seeds`. Per-example vectors are used when every complete seed has three of one
/// length (else the bootstrap resamples seeds only); a seed's vectors of different lengths →
/// w2s::Error.
PgrEstimate estimate_pgr(const std::vector<PgrSeed>& seeds, const PgrOptions& options = {});

}  // namespace w2s::eval
