// The data model every other part of w2s sees: labelled binary examples (and, for reward modeling
// later, pairwise preference examples), grouped so related examples land in the same split part.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace w2s::data {

/// One binary-classification example.
struct Example {
  std::string id;     // stable id, unique within a task (e.g. "sciq/train/123/1")
  std::string text;   // model input text
  int label = 0;      // ground truth in {0, 1}
  std::string group;  // examples sharing a group (question, word) stay in one split part;
                      // empty = the id is its own group
};

/// One pairwise preference example (reward modeling; hh_rlhf keeps these alongside binary rows).
struct PairExample {
  std::string id;        // stable id
  std::string prompt;    // shared context (may be empty)
  std::string chosen;    // preferred completion
  std::string rejected;  // dispreferred completion
  std::string group;     // as Example::group
};

/// A task: examples from one source, with a fixed test set where the source has one.
struct Task {
  std::string name;            // registry name, e.g. "reviews", "sciq"
  std::string description;     // one line for `w2s data list`
  std::vector<Example> train;  // pool that splits into train half 1 / half 2 (/ validation)
  std::vector<Example> test;   // fixed test set; empty = carve from `train` by the split
};

/// Group key of an example (its group, else its id).
inline const std::string& group_of(const Example& e) { return e.group.empty() ? e.id : e.group; }

}  // namespace w2s::data
