// Task and split cache.
#include "w2s/methods/task_splits.h"

#include "w2s/core/error.h"
#include "w2s/core/log.h"
#include "w2s/data/registry.h"
#include "w2s/store/identity.h"

namespace w2s::methods {

const data::Task& TaskSplits::task(const std::string& spec) {
  auto it = tasks_.find(spec);
  if (it != tasks_.end()) return it->second;
  data::LoadTaskOptions lo;
  lo.data_root = data::resolve_data_root(data_.data_root);
  const auto& t = tasks_[spec] = data::load_task(spec, lo);
  digests_[spec] = store::task_digest(t);
  return t;
}

const std::string& TaskSplits::digest(const std::string& spec) {
  task(spec);
  return digests_.at(spec);
}

const data::Split& TaskSplits::split(const std::string& spec, int64_t seed) {
  const auto key = std::make_pair(spec, seed);
  auto it = splits_.find(key);
  if (it != splits_.end()) return it->second;
  auto so = data_.split;
  so.seed = static_cast<uint64_t>(seed);
  auto s = data::make_split(task(spec), so);
  log::debug("{} seed {}: {}", spec, seed, s.report.summary());
  // An empty part would give NaN metrics (or a model trained on nothing) in a stage marked
  // finished; a part smaller than asked is legitimate but must not pass unnoticed.
  const struct {
    const char* what;
    size_t n;
    int64_t cap;
  } parts[] = {{"train half 1", s.train1.size(), so.n_train1},
               {"train half 2", s.train2.size(), so.n_train2},
               {"test set", s.test.size(), so.n_test}};
  for (const auto& p : parts) {
    check(p.n > 0, "{} seed {}: the {} is empty ({}); give the task more examples or raise the cap", spec, seed, p.what,
          s.report.summary());
    if (p.cap > 0 && static_cast<int64_t>(p.n) < p.cap && short_warned_.insert(spec + "|" + p.what).second)
      log::warn(
          "{}: the {} has {} examples, fewer than the {} asked (what the task has left after deduplication, "
          "balancing and the other parts); results are on the smaller split",
          spec, p.what, p.n, p.cap);
  }
  return splits_.emplace(key, std::move(s)).first->second;
}

}  // namespace w2s::methods
