// Plain-text reports of tasks for `w2s data list` and `w2s data show`: a task table, statistics
// of split parts (counts, label balance, mean length, majority-class rate), example listings.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "w2s/data/example.h"
#include "w2s/data/registry.h"
#include "w2s/data/split.h"

namespace w2s::data {

/// Statistics of one part of a split.
struct PartStats {
  std::string part;          // "train1", "train2", "val", "test"
  size_t n = 0;              // examples
  size_t n_label1 = 0;       // label 1
  size_t n_groups = 0;       // distinct groups
  double mean_chars = 0;     // mean text length in code points
  double majority_rate = 0;  // accuracy of always answering the majority class
};

/// Statistics of `examples` under the name `part`.
PartStats part_stats(const std::string& part, const std::vector<Example>& examples);

/// Statistics of the four parts of `split`, in order train1, train2, val, test.
std::vector<PartStats> split_stats(const Split& split);

/// The examples of the part named "train1" | "train2" | "val" | "test"; throws on another name.
const std::vector<Example>& split_part(const Split& split, const std::string& part);

/// `w2s data list` table: name, prepared, train/test sizes, label-1 share, description.
std::string format_task_table(const std::vector<TaskListing>& tasks);

/// A table of part statistics.
std::string format_part_stats(const std::vector<PartStats>& stats);

/// The first `n` examples: id, label, group and the text (cut to `max_chars` bytes, "…" added).
std::string format_examples(const std::vector<Example>& examples, size_t n, size_t max_chars = 600);

}  // namespace w2s::data
