// The position a game's moves reach, without move generation: a board that applies UCI moves
// (castling moves the rook, en passant takes the pawn, promotion swaps the piece, castling rights
// follow king and rook moves) and names the position by its FEN fields. The puzzle leak check uses
// it to find a puzzle's position in the pretraining games whatever the move order.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace w2s::chess {

class Board {
 public:
  Board();  // the start position, white to move

  /// Play `uci` (e2e4, e7e8q, e1g1 for castling). Legality is not checked, but a move that does not
  /// start on a piece of the side to move, or is not UCI → w2s::Error naming the move.
  void apply(const std::string& uci);

  /// FEN's first three fields: placement, side to move, castling rights ("rnbqkbnr/… w KQkq").
  /// The en-passant field is left out: two positions that differ only in it count as one.
  std::string key() const;
  /// A 64-bit digest of key(), for sets of millions of positions.
  uint64_t key_hash() const;

 private:
  std::array<char, 64> squares_{};  // a1 = 0, b1 = 1, …, h8 = 63; '.' empty, FEN letters otherwise
  bool white_to_move_ = true;
  bool castle_[4] = {true, true, true, true};  // K, Q, k, q
};

/// The position after `moves` from the start (see Board::key).
std::string position_key(const std::vector<std::string>& moves);

}  // namespace w2s::chess
