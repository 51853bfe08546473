// Thread settings for libtorch.
#include "w2s/core/threads.h"

#include <torch/torch.h>

#include <thread>

namespace w2s {

int set_threads(int n) {
  if (n <= 0) n = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  torch::set_num_threads(n);
  return torch::get_num_threads();
}

}  // namespace w2s
