// The kinds of stage a run store holds, and how a student's labels were made. Their names are part
// of stage keys, meta.json records and results.json, so they never change.
#pragma once

#include <string>
#include <string_view>

namespace w2s::methods {

enum class StageKind {
  gt,        // "gt": finetuned on ground truth (a weak supervisor, a strong ceiling)
  student,   // "student": finetuned on another stage's predictions (weak labels)
  genft,     // "genft": generative finetuning on a task's unlabeled text
  labels,    // "labels": weak labels imported from a file
  zeroshot,  // "zeroshot": a model's readout evaluated without training (a zero-shot baseline)
  fewshot,   // "fewshot": the same with k ground-truth demonstrations before each example
};

enum class Method {
  finetune,   // "finetune": a direct student of a weak model
  bootstrap,  // "bootstrap": a link of a chain through intermediate sizes after the first
  file,       // "file": a student of an imported label file
};

std::string to_string(StageKind kind);
std::string to_string(Method method);
/// The enum of a name; an unknown name throws w2s::Error naming it and `where`.
StageKind parse_stage_kind(std::string_view name, std::string_view where);
Method parse_method(std::string_view name, std::string_view where);

}  // namespace w2s::methods
