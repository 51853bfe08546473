// The data model every other part of w2s sees: labelled examples, grouped so related examples land
// in the same split part. A classification example is a text and a 0/1 label; a comparison (reward
// modeling) is a prompt, two completions and the index of the preferred one; a multiple-choice
// question is a prompt, K ≥ 2 choices (K may differ per example) and the index of the right one.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace w2s::data {

/// How a task's examples are posed.
enum class TaskKind {
  classification,   // a text; label 0/1
  comparison,       // a prompt and two completions; label = index of the preferred completion
  multiple_choice,  // a prompt and K ≥ 2 choices (the completions); label = index of the right one
};

/// "classification" | "comparison" | "multiple_choice"; parse_task_kind throws naming the value and `where`.
std::string to_string(TaskKind kind);
TaskKind parse_task_kind(const std::string& name, const std::string& where);

/// One example.
struct Example {
  std::string id;                        // stable id, unique within a task (e.g. "sciq/train/123/1")
  std::string text;                      // classification: the model input; otherwise the prompt (may be empty)
  int label = 0;                         // ground truth: the class (0/1), or the index of the preferred or
                                         // right completion
  std::string group;                     // examples sharing a group (question, word) stay in one split part;
                                         // empty = the id is its own group
  std::vector<std::string> completions;  // comparison: the two completions; multiple choice: the K
                                         // choices; classification: empty
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
  std::string name;         // registry name, e.g. "reviews", "sciq"
  std::string description;  // one line for `w2s data list`
  TaskKind kind = TaskKind::classification;
  std::vector<Example> train;  // pool that splits into train half 1 / half 2 (/ validation)
  std::vector<Example> test;   // fixed test set; empty = carve from `train` by the split
};

/// True for the kinds whose examples hold completions (comparison, multiple choice).
inline bool has_completions(TaskKind kind) { return kind != TaskKind::classification; }

/// Group key of an example (its group, else its id).
inline const std::string& group_of(const Example& e) { return e.group.empty() ? e.id : e.group; }

/// What makes two examples the same content: the text, and each completion after a '\x1f'
/// (just the text for classification).
std::string content_key(const Example& e);

}  // namespace w2s::data
