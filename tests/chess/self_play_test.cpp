// Self-play games: UCI notation checks, the threefold-cycle rule, game rows, and games played by
// stockfish that are legal move by move, reproducible from (seed, item), and read the same in
// pgn-extract's SAN and back (notation round trip).
#include "w2s/chess/self_play.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "test_support.h"
#include "w2s/core/error.h"
#include "w2s/core/file.h"

namespace w2s::chess {
namespace {

using test::error_of;

TEST(SelfPlay, UciMovesAreCheckedAndNamed) {
  EXPECT_TRUE(is_uci_move("e2e4"));
  EXPECT_TRUE(is_uci_move("e7e8q"));
  EXPECT_FALSE(is_uci_move("e7e8k"));
  EXPECT_FALSE(is_uci_move("e2e2"));
  EXPECT_FALSE(is_uci_move("i2i4"));
  EXPECT_FALSE(is_uci_move("Nf3"));
  EXPECT_EQ(split_moves("  e2e4 e7e5  g1f3 ", "x"), (std::vector<std::string>{"e2e4", "e7e5", "g1f3"}));
  EXPECT_EQ(error_of([] { split_moves("e2e4 Nf6", "games.jsonl:7"); }),
            "games.jsonl:7: \"Nf6\" (move 2) is not a UCI move such as e2e4 or e7e8q");
  EXPECT_EQ(position_after({"e2e4", "e7e5"}, 0), "startpos");
  EXPECT_EQ(position_after({"e2e4", "e7e5"}, 1), "startpos moves e2e4");
}

TEST(SelfPlay, ThreefoldCycleNeedsThreeUndoneCycles) {
  std::vector<std::string> m = {"e2e4", "e7e5"};
  const std::vector<std::string> cycle = {"g1f3", "g8f6", "f3g1", "f6g8"};
  for (int i = 0; i < 2; ++i) m.insert(m.end(), cycle.begin(), cycle.end());
  EXPECT_FALSE(threefold_cycle(m));  // twice: the start of the first cycle may differ (a capture)
  m.insert(m.end(), cycle.begin(), cycle.end());
  EXPECT_TRUE(threefold_cycle(m));
  m.push_back("e4e5");
  EXPECT_FALSE(threefold_cycle(m));
  // Repeated moves that do not come back (a rook walking a2a3 a3a4 ...) are no cycle.
  std::vector<std::string> walk;
  for (int i = 0; i < 3; ++i) walk.insert(walk.end(), {"a1a2", "h8h7", "a2a3", "h7h6"});
  EXPECT_FALSE(threefold_cycle(walk));
}

TEST(SelfPlay, GameRowsRoundTripAndBadRowsAreNamed) {
  Game g;
  g.item = 4;
  g.id = "s1-4";
  g.moves = {"f2f3", "e7e5", "g2g4", "d8h4"};
  g.result = "0-1";
  g.termination = "checkmate";
  g.random_plies = 2;
  g.nodes_white = 64;
  g.nodes_black = 256;
  const Game back = game_from_json(to_json(g), "x");
  EXPECT_EQ(back.moves, g.moves);
  EXPECT_EQ(back.result, "0-1");
  EXPECT_EQ(back.nodes_black, 256);
  EXPECT_EQ(game_text(g), "f2f3 e7e5 g2g4 d8h4 0-1");
  auto row = to_json(g);
  row["result"] = "2-0";
  EXPECT_EQ(error_of([&] { game_from_json(row, "g.jsonl:3"); }),
            "g.jsonl:3: result \"2-0\" is not 1-0, 0-1, 1/2-1/2 or *");
  row.erase("moves");
  EXPECT_EQ(error_of([&] { game_from_json(row, "g.jsonl:3"); }), "g.jsonl:3: missing \"moves\"");
}

TEST(SelfPlay, NewGamesOpenWithAtLeastFourRandomPlies) {
  // Two random plies gave 20² openings, and 4.6 % of 20,000 games repeated another (docs/chess.md).
  EXPECT_GE(SelfPlayOptions{}.random_plies_min, 4);
  EXPECT_LE(SelfPlayOptions{}.random_plies_min, SelfPlayOptions{}.random_plies_max);
}

TEST(SelfPlay, EngineGamesAreLegalAndAFunctionOfSeedAndItem) {
  SelfPlayOptions o;
  o.seed = 7;
  o.max_plies = 24;
  UciEngine a, b;
  const Game g = play_game(a, o, 3);
  play_game(b, o, 0);  // b has played another game first
  const Game again = play_game(b, o, 3);
  EXPECT_EQ(g.moves, again.moves);
  EXPECT_EQ(g.id, "s7-3");
  EXPECT_GE(g.random_plies, o.random_plies_min);
  EXPECT_LE(g.random_plies, o.random_plies_max);
  ASSERT_FALSE(g.moves.empty());
  for (size_t i = 0; i < g.moves.size(); ++i) {
    const auto legal = a.legal_moves(position_after(g.moves, i));
    EXPECT_TRUE(std::find(legal.begin(), legal.end(), g.moves[i]) != legal.end()) << "ply " << i;
  }
  if (g.termination == "max_plies") {
    EXPECT_EQ(g.result, "*");
  }
  EXPECT_NE(play_game(a, o, 4).moves, g.moves);
}

TEST(SelfPlay, GamesRoundTripThroughPgnExtractSan) {
  SelfPlayOptions o;
  o.seed = 11;
  o.max_plies = 60;
  UciEngine engine;
  const Game g = play_game(engine, o, 0);
  test::TempDir dir;
  {
    std::ofstream pgn(dir / "uci.pgn");
    pgn << "[Event \"w2s\"]\n[Result \"" << g.result << "\"]\n\n" << game_text(g) << "\n";
  }
  const std::string tool = std::filesystem::exists("/usr/games/pgn-extract") ? "/usr/games/pgn-extract" : "pgn-extract";
  const auto d = dir.path().string();
  ASSERT_EQ(std::system((tool + " -s -Wsan " + d + "/uci.pgn -o " + d + "/san.pgn 2>/dev/null").c_str()), 0)
      << "pgn-extract missing? scripts/setup.sh installs it";
  const std::string san = read_file(dir / "san.pgn");
  EXPECT_NE(san.find("1. "), std::string::npos) << san;  // SAN move numbers
  ASSERT_EQ(std::system((tool + " -s -Wuci --notags " + d + "/san.pgn -o " + d + "/back.pgn 2>/dev/null").c_str()), 0);
  std::string back;  // pgn-extract wraps long lines: compare with single spaces
  for (const char c : read_file(dir / "back.pgn")) {
    const bool space = c == ' ' || c == '\n' || c == '\r';
    if (!space)
      back += c;
    else if (!back.empty() && back.back() != ' ')
      back += ' ';
  }
  while (!back.empty() && back.back() == ' ') back.pop_back();
  EXPECT_EQ(back, game_text(g));
}

}  // namespace
}  // namespace w2s::chess
