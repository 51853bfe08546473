// Best-move puzzles labelled by the engine. Candidate positions come from self-play games (never
// the pretraining games: remove_leaked checks), a few per game at seeded random plies after the
// opening, plus the last moves of a game won by mate (mate in 1, 2, 3). A deeper two-line search
// (MultiPV 2) keeps a position only when one move stands out — the "only move" rule of public
// puzzle sets: the best move mates and the second does not, or the best beats the second by a
// margin, keeps the side to move at least level, and the second is not also clearly winning.
//
// A puzzle is a multiple-choice question: the moves so far (UCI, from the start of the game), the
// legal moves as choices, and the solution. The engine's second choice gives a binary variant.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "w2s/chess/engine_jobs.h"
#include "w2s/chess/self_play.h"
#include "w2s/chess/uci_engine.h"

namespace w2s::chess {

struct PuzzleOptions {
  uint64_t seed = 0;                    // which plies of each game are tried
  std::string limits = "nodes 200000";  // the labelling search (deeper than the games' own moves)
  int min_margin_cp = 200;              // best − second ≥ this (centipawns; mates count ±100000)
  int min_best_cp = 0;                  // the solution leaves the side to move at least this well off
  int max_second_cp = 300;              // … and the second-best move is not this good too
  int first_ply = 12;                   // no random candidate before this ply (openings are random)
  int per_game = 3;                     // random candidate plies per game
  bool mates = true;                    // also try the winner's last three moves of a mated game
};

/// One puzzle.
struct Puzzle {
  std::string id;                  // "<game id>/<ply>"
  std::string game_id;             // the game it came from
  int ply = 0;                     // moves played before the position
  std::vector<std::string> moves;  // those moves (UCI, from the start)
  std::string side;                // "white" | "black": to move
  std::vector<std::string> legal;  // the legal moves, sorted (the choices)
  std::string solution;            // the best move
  std::string second;              // the second-best move
  Score best, runner_up;           // their scores, from the side to move's point of view
  int64_t margin_cp = 0;           // centipawns(best) − centipawns(runner_up)
  std::string grade;               // mate1 | mate2 | mate3 | mate4+ | cp
  int depth = 0;                   // depth of the best line
};

/// Whether a search's two lines pass the only-move rule of `options` (see the file comment).
bool only_move(const Score& best, const Score& second, const PuzzleOptions& options);
/// A move as a completion of `prompt` (a move_prompt): after a space unless the prompt is empty.
std::string move_completion(const std::string& prompt, const std::string& move);

/// A score as centipawns: mate in n > 0 → 100000 − n; mated in |n| → −100000 + |n|.
int64_t centipawns(const Score& s);

nlohmann::json to_json(const Puzzle& p);
/// A puzzle row; a missing field, a move that is not UCI, a solution that is not among the legal
/// moves or an empty move list where the side says black is to move → w2s::Error naming `where`.
Puzzle puzzle_from_json(const nlohmann::json& row, const std::string& where);
/// Read a puzzles file (FILE:LINE errors).
std::vector<Puzzle> read_puzzles(const std::filesystem::path& path);

/// The plies of `game` that are tried (sorted, distinct): seeded random ones and the mate ones.
std::vector<int> candidate_plies(const Game& game, const PuzzleOptions& options);
/// The puzzles of one game (`engine` with MultiPV 2).
std::vector<Puzzle> find_puzzles(UciEngine& engine, const Game& game, const PuzzleOptions& options);

/// What a leak check found.
struct LeakReport {
  int64_t checked = 0;     // puzzles looked up
  int64_t games = 0;       // pretraining games scanned
  int64_t positions = 0;   // distinct positions those games reach (the start and after each move)
  int64_t removed = 0;     // puzzles whose position some pretraining game reaches
  int64_t same_moves = 0;  // … of them, by the puzzle's own moves (a game opens with them)
  int64_t transposed = 0;  // … by another move order
};
/// Remove every puzzle whose position (Board::key: placement, side to move, castling rights) some
/// game in `pretraining` reaches, by the same moves or another order: that game's text holds the
/// position and, often, an answer.
LeakReport remove_leaked(std::vector<Puzzle>& puzzles, const std::vector<Game>& pretraining);

/// Keep the first puzzle of each position (two games can reach one position, by the same moves when
/// short random openings repeat, or by another order); returns how many were removed. Without this,
/// one position could land in both a train half and the test split.
int64_t remove_duplicate_positions(std::vector<Puzzle>& puzzles);

/// What a confirmation found.
struct ConfirmReport {
  GenerationRun run;           // the searches (resumable)
  int64_t checked = 0;         // puzzles searched
  int64_t dropped_mates = 0;   // mate puzzles whose deeper search plays another move
  int64_t dropped_others = 0;  // cp puzzles whose deeper search plays another move
};
/// Search every puzzle again at `limits` (deeper than the labelling search; hash cleared per
/// puzzle, one line) on `run.threads` engines, into `out` (resumable rows {"item", "id", "best"}),
/// then keep the puzzles whose deeper best move is still the solution: a solution that a deeper
/// search overturns is not an only move. Nothing is dropped unless the run completed.
ConfirmReport confirm_puzzles(std::vector<Puzzle>& puzzles, const std::string& limits, const GenerationOptions& run,
                              const std::filesystem::path& out);

/// Label the games of `games_file` (rows {"item" = game index, "game_id", "puzzles": [...]}) into
/// `out` (resumable), then nothing else; flatten with `collect_puzzles`.
GenerationRun generate_puzzles(const std::filesystem::path& games_file, const PuzzleOptions& options,
                               const GenerationOptions& run, const std::filesystem::path& out);
/// Every puzzle of a labels file written by generate_puzzles, in game order.
std::vector<Puzzle> collect_puzzles(const std::filesystem::path& labels_file);
/// Write puzzles as JSONL, one per row, atomically.
void write_puzzles(const std::filesystem::path& path, const std::vector<Puzzle>& puzzles);

}  // namespace w2s::chess
