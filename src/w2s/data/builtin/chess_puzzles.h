// The built-in chess tasks, from the engine-labelled puzzles of `w2s chess puzzles`
// (<data root>/chess/puzzles.jsonl; scripts/chess_data.sh makes it, the repository ships one):
//   chess_pairs  a comparison: the game so far (UCI moves from the start, space-separated) as the
//                prompt, the puzzle's solution vs the engine's second-best move as completions
//                (each after a space, as moves follow each other in the pretraining games); the
//                binary variant of the best-move task, read by the reward readouts.
// Puzzles of one game share a group, so they stay in one split part.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>

#include "w2s/data/example.h"

namespace w2s::data {

/// chess_pairs from a puzzles file (every puzzle with a second move); `notes` gets counts by grade.
Task build_chess_pairs(const std::filesystem::path& puzzles, nlohmann::json* notes);

}  // namespace w2s::data
