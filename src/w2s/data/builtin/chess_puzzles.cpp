// Built-in chess tasks (see chess_puzzles.h).
#include "w2s/data/builtin/chess_puzzles.h"

#include <fmt/format.h>

#include <algorithm>
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

Task build_chess_moves(const std::filesystem::path& puzzles, nlohmann::json* notes) {
  Task task;
  std::map<std::string, int64_t> grades;
  int64_t choices = 0;
  for (const auto& p : chess::read_puzzles(puzzles)) {
    Example e;
    e.id = "chess/" + p.id;
    e.text = chess::move_prompt(p.moves);
    const auto it = std::find(p.legal.begin(), p.legal.end(), p.solution);
    check(it != p.legal.end(), "{}: puzzle {}: the solution {} is not among its legal moves", puzzles.string(), p.id,
          p.solution);  // read_puzzles checks this too; the label depends on it
    e.label = static_cast<int>(it - p.legal.begin());
    for (const auto& m : p.legal) e.completions.push_back(chess::move_completion(e.text, m));
    e.group = "chess/" + p.game_id;
    choices += static_cast<int64_t>(e.completions.size());
    task.train.push_back(std::move(e));
    ++grades[p.grade.empty() ? "unknown" : p.grade];
  }
  check(task.train.size() >= 20, "{}: only {} puzzles; chess_moves needs at least 20", puzzles.string(),
        task.train.size());
  if (notes) {
    (*notes)["puzzles"] = task.train.size();
    (*notes)["mean_choices"] = static_cast<double>(choices) / static_cast<double>(task.train.size());
    (*notes)["grades"] = grades;
  }
  return task;
}

}  // namespace w2s::data
