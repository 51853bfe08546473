// Tasks and their splits, each loaded once per process: a task by its spec (data/registry.h) with
// its content digest (part of every stage key), and its split for each seed.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "w2s/data/example.h"
#include "w2s/data/split.h"
#include "w2s/methods/options.h"

namespace w2s::methods {

class TaskSplits {
 public:
  explicit TaskSplits(DataOptions data) : data_(std::move(data)) {}

  /// The task named by `spec` (loaded on first use).
  const data::Task& task(const std::string& spec);
  /// store::task_digest of the task.
  const std::string& digest(const std::string& spec);
  /// The task's split for `seed`: the [data] options with that seed.
  const data::Split& split(const std::string& spec, int64_t seed);
  const DataOptions& options() const { return data_; }

 private:
  DataOptions data_;
  std::map<std::string, data::Task> tasks_;
  std::map<std::string, std::string> digests_;
  std::map<std::pair<std::string, int64_t>, data::Split> splits_;
  std::set<std::string> short_warned_;  // "<spec>|<part>" already warned about being smaller than asked
};

}  // namespace w2s::methods
