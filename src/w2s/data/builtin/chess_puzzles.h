// The built-in chess tasks, from the engine-labelled puzzles of `w2s chess puzzles`
// (<data root>/chess/puzzles.jsonl; scripts/chess_data.sh makes it, the repository ships one):
//   chess_pairs  a comparison: the game so far (UCI moves from the start, space-separated) as the
//                prompt, the puzzle's solution vs the engine's second-best move as completions
//                (each after a space, as moves follow each other in the pretraining games); the
//                binary variant of the best-move task, read by the reward readouts.
//   chess_moves  multiple choice: the same prompt, every legal move as a choice (sorted, as the
//                puzzle lists them), the solution's index as the label — the paper's best-move task.
// Puzzles of one game share a group, so they stay in one split part.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>

#include "w2s/data/example.h"

namespace w2s::data {

/// chess_pairs from a puzzles file (every puzzle with a second move); `notes` gets counts by grade.
Task build_chess_pairs(const std::filesystem::path& puzzles, nlohmann::json* notes);
/// chess_moves from a puzzles file (every puzzle); `notes` gets counts by grade and the mean
/// number of choices.
Task build_chess_moves(const std::filesystem::path& puzzles, nlohmann::json* notes);

}  // namespace w2s::data
