// Where and in what precision training runs: "cpu" | "cuda" and "auto" | "float32" | "bfloat16"
// resolved once (bf16 autocast is used on CUDA, and on CPUs with native bf16 arithmetic).
#pragma once

#include <torch/torch.h>

#include <string>

namespace w2s::train {

struct Compute {
  torch::Device device = torch::kCPU;
  bool bf16 = false;  // run forward/backward under bf16 autocast
};

/// True when /proc/cpuinfo lists avx512_bf16 or amx_bf16.
bool cpu_has_bf16();

/// Resolve the option strings; "cuda" without CUDA → w2s::Error.
Compute resolve_compute(const std::string& device, const std::string& precision);

}  // namespace w2s::train
