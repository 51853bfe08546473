// Chess problems with their keys, read from a PGN whose games start from a [FEN "…"] position
// (pychess's mate_in_N.pgn, other puzzle collections): the position and the key's first move, in
// UCI. pgn-extract converts the collection's SAN to UCI first (pgn-extract -Wuci). `agreement`
// asks the engine for each position's best move and counts how often it is the key: a cross-check
// of the engine's limits on positions solved by people, not by the engine itself.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "w2s/chess/uci_engine.h"

namespace w2s::chess {

struct KeyedPosition {
  std::string where;  // FILE:LINE of its [FEN] tag, or "FILE game N" (read_keyed_collection)
  std::string fen;    // the position
  std::string key;    // the key's first move (UCI)
};

/// Positions of a PGN in UCI notation (pgn-extract -Wuci): each game with a [FEN] tag and at least
/// one move. A game without a FEN tag or without moves is skipped; a first move that is not UCI →
/// w2s::Error naming FILE:LINE.
std::vector<KeyedPosition> read_keyed_positions(const std::filesystem::path& uci_pgn);

/// `pgn` (SAN, as collections ship) converted to UCI by pgn-extract into `out`, without comments,
/// NAGs or variations; w2s::Error when pgn-extract is missing or fails.
void pgn_to_uci(const std::filesystem::path& pgn, const std::filesystem::path& out);

/// A collection as it ships (SAN): converted to UCI in a temporary file (removed afterwards), read,
/// and each position named "PGN game N" (N counts the file's games from 1).
std::vector<KeyedPosition> read_keyed_collection(const std::filesystem::path& pgn);

struct Agreement {
  int64_t positions = 0;                   // searched
  int64_t agree = 0;                       // the engine's best move is the key's first move
  std::vector<std::string> disagreements;  // "FILE:LINE: key e2e4, engine d2d4"
};
/// Search every position (hash cleared before each) within `limits` ("nodes 20000").
Agreement agreement(UciEngine& engine, const std::vector<KeyedPosition>& positions, const std::string& limits);

}  // namespace w2s::chess
