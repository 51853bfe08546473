// Causal language modelling as an Objective: each optimizer step draws its micro-batches of token
// windows from a packed stream at positions that depend only on (seed, step, micro-batch), so a
// resumed run sees exactly the batches an uninterrupted one would, and minimises next-token
// cross-entropy (bf16 autocast when asked). Pretraining and generative finetuning train this.
// Data-parallel, process r takes micro-batches r, r + N, ... of every step (N processes).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "w2s/models/transformer.h"
#include "w2s/train/compute.h"
#include "w2s/train/trainer.h"

namespace w2s::train {

/// Windows of seq_len + 1 tokens for one micro-batch: (n_seq, seq_len + 1) int64 on the CPU.
torch::Tensor sample_windows(const std::vector<int32_t>& ids, int64_t seq_len, int64_t n_seq, uint64_t seed,
                             int64_t step, int64_t micro);

struct LmObjectiveOptions {
  int64_t seq_len = 256;     // tokens per sequence
  int64_t batch_size = 32;   // sequences per optimizer step (a multiple of micro_batch)
  int64_t micro_batch = 16;  // sequences per forward/backward
  uint64_t seed = 0;         // window positions
};

class LmObjective : public Objective {
 public:
  /// `ids` must outlive the objective.
  LmObjective(models::TransformerImpl& model, const std::vector<int32_t>& ids, LmObjectiveOptions options,
              Compute compute);
  StepLoss backward(int64_t step) override;

 private:
  models::TransformerImpl& model_;
  const std::vector<int32_t>& ids_;
  LmObjectiveOptions options_;
  Compute compute_;
};

}  // namespace w2s::train
