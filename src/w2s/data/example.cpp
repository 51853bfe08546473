// Task kinds and example content keys.
#include "w2s/data/example.h"

#include "w2s/core/error.h"

namespace w2s::data {

std::string to_string(TaskKind kind) {
  switch (kind) {
    case TaskKind::comparison:
      return "comparison";
    case TaskKind::multiple_choice:
      return "multiple_choice";
    case TaskKind::classification:
      break;
  }
  return "classification";
}

TaskKind parse_task_kind(const std::string& name, const std::string& where) {
  if (name == "classification") return TaskKind::classification;
  if (name == "comparison") return TaskKind::comparison;
  if (name == "multiple_choice") return TaskKind::multiple_choice;
  fail("{}: unknown task kind '{}' (classification, comparison or multiple_choice)", where, name);
}

std::string content_key(const Example& e) {
  std::string key = e.text;
  for (const auto& c : e.completions) key += '\x1f' + c;
  return key;
}

}  // namespace w2s::data
