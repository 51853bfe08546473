// Rotary position embeddings as Hugging Face computes them: the "rotate_half" layout (dimension i
// pairs with i + R/2), a rotated share of each head (GPT-NeoX's rotary_pct), and the context
// stretches checkpoints declare in `rope_scaling` (linear, dynamic NTK, Llama 3).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <utility>

#include "w2s/models/config.h"

namespace w2s::models {

/// Inverse frequencies (R/2) in float32 on the CPU for a sequence of T positions, R = c.rotary_dims():
/// θ^(−2i/R), then c.rope_scaling applied (dynamic NTK depends on T: it changes θ only when T
/// exceeds n_ctx).
torch::Tensor rotary_inv_freq(const ModelConfig& c, int64_t T);

/// cos and sin tables for positions 0..T-1: each (T, R), in `dtype`, on `device`.
std::pair<torch::Tensor, torch::Tensor> rotary_tables(const ModelConfig& c, int64_t T, torch::Device device,
                                                      torch::Dtype dtype);

/// Plain tables (no scaling, every dimension rotated): each (T, D).
std::pair<torch::Tensor, torch::Tensor> rotary_tables(int64_t T, int64_t d_head, double theta, torch::Device device,
                                                      torch::Dtype dtype);

/// x·cos + rotate_half(x)·sin on the first R = cos.size(-1) dimensions of x, with
/// rotate_half([x1, x2]) = [−x2, x1]; dimensions R.. pass through. x: (B, H, T, D), cos/sin (T, R).
torch::Tensor apply_rotary(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin);

}  // namespace w2s::models
