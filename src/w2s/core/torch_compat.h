// The one place where libtorch version differences live (Debian 1.13 on CPU, pip 2.x on CUDA).
#pragma once

#include <ATen/autocast_mode.h>
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
/// Pass either a mask or is_causal, not both. dropout_p applies to the attention probabilities
/// (pass 0 outside training). Returns (B, H, T, D).
/// On 1.13 this is the composite math path (checked: bool masks and is_causal give the explicit
/// formula's result; gradients flow).
inline torch::Tensor scaled_dot_product_attention(const torch::Tensor& q, const torch::Tensor& k,
                                                  const torch::Tensor& v, const c10::optional<torch::Tensor>& mask,
                                                  bool is_causal, double dropout_p = 0.0) {
#if W2S_TORCH2
  return at::scaled_dot_product_attention(q, k, v, mask, dropout_p, is_causal);
#else
  return std::get<0>(at::_scaled_dot_product_attention(q, k, v, mask, dropout_p, false, is_causal));
#endif
}

/// RAII autocast (mixed precision) for one device type: matmuls run in `dtype` (bf16 on CPUs with
/// avx512_bf16, bf16/f16 on CUDA), reductions stay in float32. Disabled guard = no-op.
class AutocastGuard {
 public:
  AutocastGuard(c10::DeviceType device, at::ScalarType dtype, bool enabled = true)
      : device_(device), enabled_(enabled) {
    if (!enabled_) return;
#if W2S_TORCH2
    prev_enabled_ = at::autocast::is_autocast_enabled(device_);
    prev_dtype_ = at::autocast::get_autocast_dtype(device_);
    at::autocast::set_autocast_enabled(device_, true);
    at::autocast::set_autocast_dtype(device_, dtype);
#else
    if (device_ == c10::DeviceType::CPU) {
      prev_enabled_ = at::autocast::is_cpu_enabled();
      prev_dtype_ = at::autocast::get_autocast_cpu_dtype();
      at::autocast::set_cpu_enabled(true);
      at::autocast::set_autocast_cpu_dtype(dtype);
    } else {
      prev_enabled_ = at::autocast::is_enabled();
      prev_dtype_ = at::autocast::get_autocast_gpu_dtype();
      at::autocast::set_enabled(true);
      at::autocast::set_autocast_gpu_dtype(dtype);
    }
#endif
    at::autocast::increment_nesting();
  }
  ~AutocastGuard() {
    if (!enabled_) return;
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
#if W2S_TORCH2
    at::autocast::set_autocast_enabled(device_, prev_enabled_);
    at::autocast::set_autocast_dtype(device_, prev_dtype_);
#else
    if (device_ == c10::DeviceType::CPU) {
      at::autocast::set_cpu_enabled(prev_enabled_);
      at::autocast::set_autocast_cpu_dtype(prev_dtype_);
    } else {
      at::autocast::set_enabled(prev_enabled_);
      at::autocast::set_autocast_gpu_dtype(prev_dtype_);
    }
#endif
  }
  AutocastGuard(const AutocastGuard&) = delete;
  AutocastGuard& operator=(const AutocastGuard&) = delete;

 private:
  c10::DeviceType device_;
  bool enabled_;
  bool prev_enabled_ = false;
  at::ScalarType prev_dtype_ = at::kFloat;
};

}  // namespace w2s::compat
