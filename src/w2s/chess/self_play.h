// Engine self-play games: the chess family's pretraining text and the source of puzzle positions.
// Each game starts with a few uniformly random legal moves (so openings vary), then stockfish plays
// both sides, each side searching a node budget drawn per game (mixed strengths). A game is a
// function of (seed, index) alone: its randomness is seeded by both, the engine's hash is cleared
// first, and a node-limited single-thread search is deterministic, so generation can run on any
// number of threads, be killed and resumed, and give the same games.
//
// Notation: UCI long algebraic ("e2e4", "e7e8q") throughout. It needs no board to write or read
// (SAN needs move generation to disambiguate), every move is 4–5 characters over a 64-square
// alphabet, and the engine speaks it; scripts/chess_notation.sh converts to SAN with pgn-extract.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "w2s/chess/engine_jobs.h"
#include "w2s/chess/uci_engine.h"

namespace w2s::chess {

struct SelfPlayOptions {
  int64_t games = 1000;                          // games to have in the output
  uint64_t seed = 0;                             // game i is a function of (seed, i)
  int random_plies_min = 4;                      // uniformly random legal moves at the start: at least …
                                                 // (the shipped set used 2: 4.6 % repeated games)
  int random_plies_max = 8;                      // … and at most this many (drawn per game)
  std::vector<int64_t> nodes = {64, 256, 1024};  // each side's per-move node budget, drawn per game
  int max_plies = 240;                           // a game still going after this many plies ends "*"
};

/// One game: UCI moves from the standard starting position.
struct Game {
  int64_t item = 0;                // index within its generation run
  std::string id;                  // "s<seed>-<item>"
  std::vector<std::string> moves;  // UCI
  std::string result;              // "1-0" | "0-1" | "1/2-1/2" | "*" (unfinished at max_plies)
  std::string termination;         // checkmate | stalemate | repetition | max_plies
  int random_plies = 0;            // how many of the first moves were random
  int64_t nodes_white = 0, nodes_black = 0;
};

nlohmann::json to_json(const Game& g);
/// A game row; a missing or mistyped field → w2s::Error naming `where` (FILE:LINE).
Game game_from_json(const nlohmann::json& row, const std::string& where);
/// Read a games file written by generate_games (FILE:LINE errors).
std::vector<Game> read_games(const std::filesystem::path& path);

/// Whether `m` is a UCI move: two distinct squares a1–h8 and an optional promotion piece (qrbn).
bool is_uci_move(std::string_view m);
/// Space-separated UCI moves; one that is not → w2s::Error naming `where` and the move's number.
std::vector<std::string> split_moves(const std::string& text, const std::string& where);

/// Moves as text: joined by single spaces (a game's text, a puzzle's prompt, a row's "moves").
std::string move_prompt(const std::vector<std::string>& moves);

/// "startpos" or "startpos moves m1 m2 …" for the first `plies` moves.
std::string position_after(const std::vector<std::string>& moves, size_t plies);
/// The game's text for language modelling: the moves separated by single spaces, then the result.
std::string game_text(const Game& g);

/// True when the last twelve plies are one four-ply cycle played three times in which the third and
/// fourth moves undo the first and second (g1f3 g8f6 f3g1 f6g8): the position after the first cycle
/// has then occurred three times (a capture or a lost castling right can only change the first).
bool threefold_cycle(const std::vector<std::string>& moves);

/// Play game `item` of `options` with `engine` (multipv 1, one thread).
Game play_game(UciEngine& engine, const SelfPlayOptions& options, int64_t item);

/// Self-play `options.games` games into `out` (JSONL, one game per row).
GenerationRun generate_games(const SelfPlayOptions& options, const GenerationOptions& run,
                             const std::filesystem::path& out);

}  // namespace w2s::chess
