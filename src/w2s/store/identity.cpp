// Task identities for stage keys.
#include "w2s/store/identity.h"

#include <fmt/format.h>

#include "w2s/core/rng.h"

namespace w2s::store {

std::string task_digest(const data::Task& task) {
  uint64_t h = 0;
  for (const auto* part : {&task.train, &task.test})
    for (const auto& x : *part)
      h = mix_seed(h, hash_bytes(x.id + '\x1f' + data::content_key(x) + '\x1f' + char('0' + x.label)));
  return fmt::format("{:016x}", h);
}

}  // namespace w2s::store
