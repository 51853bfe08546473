// LoRA (Hu et al., 2021) for any model built from torch::nn::Linear: each targeted Linear gets a
// low-rank update W = W₀ + (alpha / rank) · B·A with A (rank, in) ~ N(0, 1/rank) and B (out, rank)
// = 0, so training starts from the pretrained function. The base weights are frozen; only A and B
// train. The update is applied by pointing each Linear's `weight` at W₀ + ΔW before a forward
// (call apply() once per forward pass with grad, or merge() for inference-only use).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

namespace w2s::models {

struct LoraOptions {
  int64_t rank = 8;                                    // r
  double alpha = 16.0;                                 // scale = alpha / r
  std::vector<std::string> targets = {"attn", "mlp"};  // a Linear is adapted when its module name
                                                       // contains one of these (GPT-2: attn, mlp,
                                                       // c_attn, c_fc, ...; Llama: q_proj, ...); "attn"
                                                       // also matches GPT-NeoX's "attention." modules
};

class Lora {
 public:
  /// Finds the targeted Linear modules of `model` (none found → w2s::Error listing the Linear
  /// names) and freezes every parameter of `model`. Init is deterministic in `seed`.
  Lora(torch::nn::Module& model, const LoraOptions& options, uint64_t seed);

  /// The trainable A and B tensors.
  std::vector<torch::Tensor> parameters() const;
  /// Point every adapted Linear's weight at W₀ + scale·B·A (with grad to A and B).
  void apply();
  /// Names of the adapted modules.
  const std::vector<std::string>& targets() const { return names_; }
  int64_t n_parameters() const;

 private:
  struct Adapted {
    torch::nn::LinearImpl* linear;
    torch::Tensor base;  // (out, in) frozen W₀
    torch::Tensor a;     // (r, in)
    torch::Tensor b;     // (out, r)
  };
  std::vector<Adapted> adapted_;
  std::vector<std::string> names_;
  double scale_ = 1.0;
};

}  // namespace w2s::models
