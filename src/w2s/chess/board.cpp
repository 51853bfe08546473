// The board that applies UCI moves (see board.h).
#include "w2s/chess/board.h"

#include <cctype>

#include "w2s/chess/self_play.h"
#include "w2s/core/error.h"
#include "w2s/core/rng.h"

namespace w2s::chess {
namespace {

int square(char file, char rank) { return (rank - '1') * 8 + (file - 'a'); }

}  // namespace

Board::Board() {
  squares_.fill('.');
  const char* back = "RNBQKBNR";
  for (int f = 0; f < 8; ++f) {
    squares_[f] = back[f];
    squares_[8 + f] = 'P';
    squares_[48 + f] = 'p';
    squares_[56 + f] = static_cast<char>(std::tolower(back[f]));
  }
}

void Board::apply(const std::string& uci) {
  check(is_uci_move(uci), "chess move \"{}\" is not UCI (e2e4, e7e8q)", uci);
  const int from = square(uci[0], uci[1]), to = square(uci[2], uci[3]);
  const char piece = squares_[from];
  check(piece != '.' && (std::isupper(piece) != 0) == white_to_move_, "chess move {}: no {} piece on {}", uci,
        white_to_move_ ? "white" : "black", uci.substr(0, 2));
  const char kind = static_cast<char>(std::tolower(piece));
  const int file_step = (to % 8) - (from % 8);
  if (kind == 'k' && (file_step == 2 || file_step == -2)) {  // castling: the rook jumps the king
    const int rank = from / 8;
    const int rook_from = rank * 8 + (file_step > 0 ? 7 : 0), rook_to = rank * 8 + (file_step > 0 ? 5 : 3);
    squares_[rook_to] = squares_[rook_from];
    squares_[rook_from] = '.';
  }
  if (kind == 'p' && file_step != 0 && squares_[to] == '.')  // en passant: the pawn beside goes
    squares_[(from / 8) * 8 + (to % 8)] = '.';
  char placed = piece;
  if (uci.size() == 5) placed = white_to_move_ ? static_cast<char>(std::toupper(uci[4])) : uci[4];
  squares_[to] = placed;
  squares_[from] = '.';
  // Castling rights: gone when the king moves, or when a rook leaves or is taken on its corner.
  if (piece == 'K') castle_[0] = castle_[1] = false;
  if (piece == 'k') castle_[2] = castle_[3] = false;
  for (const int sq : {from, to}) {
    if (sq == 7) castle_[0] = false;
    if (sq == 0) castle_[1] = false;
    if (sq == 63) castle_[2] = false;
    if (sq == 56) castle_[3] = false;
  }
  white_to_move_ = !white_to_move_;
}

std::string Board::key() const {
  std::string out;
  for (int rank = 7; rank >= 0; --rank) {
    int empty = 0;
    for (int f = 0; f < 8; ++f) {
      const char c = squares_[rank * 8 + f];
      if (c == '.') {
        ++empty;
        continue;
      }
      if (empty) out += static_cast<char>('0' + empty);
      empty = 0;
      out += c;
    }
    if (empty) out += static_cast<char>('0' + empty);
    if (rank) out += '/';
  }
  out += white_to_move_ ? " w " : " b ";
  const char* letters = "KQkq";
  const size_t before = out.size();
  for (int i = 0; i < 4; ++i)
    if (castle_[i]) out += letters[i];
  if (out.size() == before) out += '-';
  return out;
}

uint64_t Board::key_hash() const { return hash_bytes(key(), kFnvOffset); }

std::string position_key(const std::vector<std::string>& moves) {
  Board b;
  for (const auto& m : moves) b.apply(m);
  return b.key();
}

}  // namespace w2s::chess
