#include "w2s/train/compute.h"

#include <algorithm>
#include <fstream>

#include "w2s/core/error.h"
#include "w2s/dist/process_group.h"

namespace w2s::train {

bool cpu_has_bf16() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("flags", 0) == 0)
      return line.find("avx512_bf16") != std::string::npos || line.find("amx_bf16") != std::string::npos;
  return false;
}

Compute resolve_compute(const std::string& device, const std::string& precision) {
  check(device == "cpu" || device == "cuda", "device must be \"cpu\" or \"cuda\", not \"{}\"", device);
  check(precision == "auto" || precision == "float32" || precision == "bfloat16",
        "precision must be auto, float32 or bfloat16, not \"{}\"", precision);
  Compute c;
  c.device = device == "cuda" ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
  check(c.device.is_cpu() || torch::cuda::is_available(), "device = \"cuda\" but CUDA is not available");
  // Data-parallel: each process of a machine on its own GPU (LOCAL_RANK).
  if (c.device.is_cuda() && dist::active())
    c.device = torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(
                                               dist::local_rank() % std::max<int64_t>(1, torch::cuda::device_count())));
  c.bf16 = precision == "bfloat16" || (precision == "auto" && (c.device.is_cuda() || cpu_has_bf16()));
  return c;
}

}  // namespace w2s::train
