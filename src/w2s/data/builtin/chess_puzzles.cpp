// Built-in chess tasks (see chess_puzzles.h).
#include "w2s/data/builtin/chess_puzzles.h"

#include <fmt/format.h>

#include <map>

#include "w2s/chess/puzzles.h"
#include "w2s/core/error.h"

namespace w2s::data {

Task build_chess_pairs(const std::filesystem::path& puzzles, nlohmann::json* notes) {
  Task task;
  std::map<std::string, int64_t> grades;
  int64_t without_second = 0;
  for (const auto& p : chess::read_puzzles(puzzles)) {
    if (p.second.empty()) {
      ++without_second;
      continue;
    }
    Example e;
    e.id = "chess/" + p.id;
    e.text = chess::move_prompt(p.moves);
    e.completions = {chess::move_completion(e.text, p.solution), chess::move_completion(e.text, p.second)};
    e.label = 0;  // the solution first, as built; splits draw the order per seed
    e.group = "chess/" + p.game_id;
    task.train.push_back(std::move(e));
    ++grades[p.grade.empty() ? "unknown" : p.grade];
  }
  check(task.train.size() >= 20, "{}: only {} puzzles with a second move; chess_pairs needs at least 20",
        puzzles.string(), task.train.size());
  if (notes) {
    (*notes)["puzzles"] = task.train.size();
    (*notes)["without_second_move"] = without_second;
    (*notes)["grades"] = grades;
  }
  return task;
}

}  // namespace w2s::data
