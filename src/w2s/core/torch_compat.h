// The one place where libtorch version differences live (Debian 1.13 on CPU, pip 2.x on CUDA).
#pragma once

#include <torch/torch.h>
#include <torch/version.h>

#if TORCH_VERSION_MAJOR >= 2
#define W2S_TORCH2 1
#else
#define W2S_TORCH2 0
#endif

namespace w2s::compat {

/// Fused scaled-dot-product attention where libtorch has it.
/// q: (B, H, T, D), k/v: (B, H, S, D); mask: bool (B|1, 1|H, T, S), true = attend; or causal.
/// Returns (B, H, T, D).
inline torch::Tensor scaled_dot_product_attention(const torch::Tensor& q, const torch::Tensor& k,
                                                  const torch::Tensor& v,
                                                  const c10::optional<torch::Tensor>& mask,
                                                  bool is_causal) {
#if W2S_TORCH2
  return at::scaled_dot_product_attention(q, k, v, mask, 0.0, is_causal);
#else
  return std::get<0>(at::_scaled_dot_product_attention(q, k, v, mask, 0.0, false, is_causal));
#endif
}

}  // namespace w2s::compat
