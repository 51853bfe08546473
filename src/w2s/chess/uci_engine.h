// A chess engine driven over UCI (Debian's stockfish): legal moves, and best lines with scores.
// The chess tasks (issue #18) label puzzles with it. One engine process serves many positions;
// with one thread, a search limited by nodes gives the same answer every time.
//
//   chess::UciEngine engine({.multipv = 2});
//   engine.new_game();
//   const auto s = engine.search("startpos moves f2f3 e7e5 g2g4", "nodes 20000");
//   // s.best_move == "d8h4", s.lines[0].score == Score::mate_in(1)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "w2s/core/subprocess.h"

namespace w2s::chess {

struct EngineOptions {
  std::string program = "stockfish";  // on PATH, else /usr/games/<program> (where Debian installs it)
  int threads = 1;                    // 1: node-limited searches are reproducible
  int hash_mb = 16;                   // transposition table, MB
  int multipv = 1;                    // lines per search: 2 gives the best and the second-best move
  double timeout_s = 300;             // the most one reply may take, seconds
};

/// An evaluation from the side to move's point of view: centipawns, or mate in `value` moves
/// (negative: the side to move is mated; 0: it is mated now).
struct Score {
  bool mate = false;
  int value = 0;
  bool bound = false;  // a lower or upper bound (a search stopped mid-iteration), not exact

  static Score cp(int v) { return {false, v, false}; }
  static Score mate_in(int n) { return {true, n, false}; }
  bool operator==(const Score&) const = default;
};

/// One principal variation of an `info` line.
struct PvLine {
  int multipv = 1;  // 1 = best line
  int depth = 0;
  Score score;
  int64_t nodes = 0;
  std::vector<std::string> pv;  // UCI moves ("e2e4", "e7e8q")
};

/// The result of one search: the engine's move ("" when the side to move has none) and the last
/// line of each multipv (lines[0] the best, lines[1] the second). A node or time limit can stop an
/// iteration after the best line, so lines[0].depth may exceed the others' by one.
struct Search {
  std::string best_move;
  std::vector<PvLine> lines;
};

/// Parse a UCI `info` line that carries a score (and usually a pv); nullopt for other lines
/// (`info string`, `info currmove`, anything else). w2s::Error for a score or number that does not
/// parse.
std::optional<PvLine> parse_info_line(std::string_view line);

class UciEngine {
 public:
  /// Start the engine and set it up. w2s::Error when it is missing (saying how to install it) or
  /// does not answer as a UCI engine.
  explicit UciEngine(EngineOptions options = {});
  ~UciEngine();
  UciEngine(const UciEngine&) = delete;
  UciEngine& operator=(const UciEngine&) = delete;

  /// Forget what earlier searches left in the hash table (do this before each puzzle, so a
  /// label does not depend on the order positions were searched in).
  void new_game();
  /// Search `position` ("startpos moves e2e4 …" or "fen <FEN> moves …") within `limits`
  /// ("nodes 100000", "depth 12", …).
  Search search(std::string_view position, std::string_view limits);
  /// The legal moves of `position` in UCI notation, sorted (empty when mated or stalemated).
  std::vector<std::string> legal_moves(std::string_view position);

  /// The engine's `id name` ("Stockfish 15.1").
  const std::string& name() const { return name_; }
  const EngineOptions& options() const { return options_; }

 private:
  std::string read_line(std::string_view waiting_for);
  void sync();  // isready → readyok

  EngineOptions options_;
  std::optional<Subprocess> process_;
  std::string name_;
};

}  // namespace w2s::chess
