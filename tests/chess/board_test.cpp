// The board that applies UCI moves: FEN keys after ordinary moves, castling, en passant and
// promotion; one key for two move orders; bad moves named; and, on engine games, the same
// placement, side and castling rights as pgn-extract's EPD for every position.
#include "w2s/chess/board.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "test_support.h"
#include "w2s/chess/self_play.h"
#include "w2s/chess/uci_engine.h"
#include "w2s/core/file.h"

namespace w2s::chess {
namespace {

using test::error_of;

std::vector<std::string> moves(const std::string& text) { return split_moves(text, "test"); }

TEST(Board, KeysAreFenPlacementSideAndCastlingRights) {
  EXPECT_EQ(Board().key(), "rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq");
  EXPECT_EQ(position_key(moves("e2e4")), "rnbqkbnr/pppppppp/8/8/4P3/8/PPPP1PPP/RNBQKBNR b KQkq");
  // White castles short: the rook jumps to f1 and white's rights go; black's stay.
  EXPECT_EQ(position_key(moves("e2e4 e7e5 g1f3 b8c6 f1c4 g8f6 e1g1")),
            "r1bqkb1r/pppp1ppp/2n2n2/4p3/2B1P3/5N2/PPPP1PPP/RNBQ1RK1 b kq");
  // A rook that leaves its corner takes that side's right only.
  EXPECT_EQ(position_key(moves("a2a4 h7h5 a1a3 h8h6")), "rnbqkbn1/ppppppp1/7r/7p/P7/R7/1PPPPPPP/1NBQKBNR w Kq");
  // En passant takes the pawn beside; promotion (with capture) places the new piece.
  EXPECT_EQ(position_key(moves("e2e4 a7a6 e4e5 d7d5 e5d6")), "rnbqkbnr/1pp1pppp/p2P4/8/8/8/PPPP1PPP/RNBQKBNR b KQkq");
  // Taking the h8 rook also takes black's short castling right.
  EXPECT_EQ(position_key(moves("h2h4 g7g5 h4g5 h7h6 g5h6 f8g7 h6g7 g8f6 g7h8n")),
            "rnbqk2N/pppppp2/5n2/8/8/8/PPPPPPP1/RNBQKBNR b KQq");
}

TEST(Board, TwoMoveOrdersReachOneKey) {
  EXPECT_EQ(position_key(moves("g1f3 g8f6 e2e4 e7e5")), position_key(moves("e2e4 e7e5 g1f3 g8f6")));
  EXPECT_NE(position_key(moves("g1f3 g8f6 e2e4")), position_key(moves("e2e4 e7e5 g1f3")));
  // Same placement, other side to move: a knight's round trip passes the move to black.
  EXPECT_NE(position_key(moves("g1f3 g8f6 f3g1")), position_key(moves("")));
}

TEST(Board, MovesThatAreNotUciOrStartOnNoPieceOfTheSideToMoveAreNamed) {
  Board b;
  EXPECT_EQ(error_of([&] { b.apply("Nf3"); }), "chess move \"Nf3\" is not UCI (e2e4, e7e8q)");
  EXPECT_EQ(error_of([&] { b.apply("e7e5"); }), "chess move e7e5: no white piece on e7");
  EXPECT_EQ(error_of([&] { b.apply("e4e5"); }), "chess move e4e5: no white piece on e4");
}

TEST(Board, EveryPositionOfEngineGamesMatchesPgnExtractsEpd) {
  // pgn-extract -Wepd writes one EPD line per position, from the start; its first three fields
  // must be Board::key() after each move. Two seeded games, long enough to castle and capture.
  const std::string tool = std::filesystem::exists("/usr/games/pgn-extract") ? "/usr/games/pgn-extract" : "pgn-extract";
  test::TempDir dir;
  std::vector<std::string> expected;
  {
    std::ofstream pgn(dir / "games.pgn");
    UciEngine engine;
    for (int item = 0; item < 2; ++item) {
      SelfPlayOptions o;
      o.seed = 5;
      o.max_plies = 160;
      const Game g = play_game(engine, o, item);
      pgn << "[Event \"w2s\"]\n[Result \"" << g.result << "\"]\n\n" << game_text(g) << "\n\n";
      Board b;
      expected.push_back(b.key());
      for (const auto& m : g.moves) {
        b.apply(m);
        expected.push_back(b.key());
      }
    }
  }
  const auto d = dir.path().string();
  ASSERT_EQ(std::system((tool + " -s -Wepd " + d + "/games.pgn -o " + d + "/games.epd 2>/dev/null").c_str()), 0)
      << "pgn-extract missing? scripts/setup.sh installs it";
  std::istringstream epd(read_file(dir / "games.epd"));
  std::vector<std::string> got;
  for (std::string line; std::getline(epd, line);) {
    std::istringstream fields(line);
    std::string placement, side, castling;
    if (fields >> placement >> side >> castling) got.push_back(placement + " " + side + " " + castling);
  }
  EXPECT_GT(expected.size(), 100u);
  EXPECT_EQ(got, expected);
}

}  // namespace
}  // namespace w2s::chess
