// UciEngine against Debian's stockfish (scripts/setup.sh installs it): legal moves, mate scores,
// best and second-best lines, reproducible node-limited searches; parse_info_line on its own.
#include "w2s/chess/uci_engine.h"

#include <gtest/gtest.h>

#include "test_support.h"
#include "w2s/core/error.h"

namespace w2s::chess {
namespace {

using test::error_of;

TEST(UciInfo, ScoresBoundsAndLines) {
  auto p = parse_info_line(
      "info depth 12 seldepth 17 multipv 2 score cp -35 nodes 39060 nps 411157 hashfull 13 tbhits 0 time 95 pv c7c5 "
      "c2c3 g8f6");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->depth, 12);
  EXPECT_EQ(p->multipv, 2);
  EXPECT_EQ(p->score, Score::cp(-35));
  EXPECT_EQ(p->nodes, 39060);
  EXPECT_EQ(p->pv, (std::vector<std::string>{"c7c5", "c2c3", "g8f6"}));

  p = parse_info_line("info depth 5 score mate -2 upperbound nodes 100 pv e8e7");
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->score.mate);
  EXPECT_EQ(p->score.value, -2);
  EXPECT_TRUE(p->score.bound);
  EXPECT_EQ(p->multipv, 1);  // absent: the best line

  p = parse_info_line("info depth 0 score mate 0");  // the side to move is mated
  ASSERT_TRUE(p);
  EXPECT_EQ(p->score, Score::mate_in(0));
  EXPECT_TRUE(p->pv.empty());

  EXPECT_FALSE(parse_info_line("info string NNUE evaluation using nn-ad9b42354671.nnue enabled"));
  EXPECT_FALSE(parse_info_line("info depth 3 currmove e2e4 currmovenumber 1"));
  EXPECT_FALSE(parse_info_line("bestmove e2e4"));
  EXPECT_NE(error_of([] { parse_info_line("info depth 3 score cp x"); }).find("'x' is not a number"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_info_line("info depth 3 score"); }).find("ends early"), std::string::npos);
  EXPECT_NE(error_of([] { parse_info_line("info score wdl 1 2 3"); }).find("unknown score kind 'wdl'"),
            std::string::npos);
}

TEST(UciEngine, AMissingEngineSaysHowToInstallIt) {
  EngineOptions o;
  o.program = "w2s-no-such-engine";
  const auto msg = error_of([&] { UciEngine e(o); });
  EXPECT_NE(msg.find("chess engine 'w2s-no-such-engine' not found"), std::string::npos) << msg;
  EXPECT_NE(msg.find("apt-get install"), std::string::npos) << msg;
}

TEST(UciEngine, StockfishMovesMatesAndLines) {
  EngineOptions o;
  o.multipv = 2;
  UciEngine engine(o);
  EXPECT_EQ(engine.name().rfind("Stockfish", 0), 0u) << engine.name();

  // 20 legal moves at the start; none after the fool's mate.
  const auto start = engine.legal_moves("startpos");
  EXPECT_EQ(start.size(), 20u);
  EXPECT_TRUE(std::is_sorted(start.begin(), start.end()));
  EXPECT_NE(std::find(start.begin(), start.end(), "g1f3"), start.end());
  EXPECT_TRUE(engine.legal_moves("startpos moves f2f3 e7e5 g2g4 d8h4").empty());
  // A promotion is a five-character move.
  const auto promo = engine.legal_moves("fen 8/P7/8/8/8/8/8/k6K w - - 0 1");
  EXPECT_NE(std::find(promo.begin(), promo.end(), "a7a8q"), promo.end());
  EXPECT_EQ(promo.size(), 3u + 4u);  // three king moves, four promotions

  // Black to mate in one; the second line is no mate.
  engine.new_game();
  const auto s = engine.search("startpos moves f2f3 e7e5 g2g4", "nodes 20000");
  EXPECT_EQ(s.best_move, "d8h4");
  ASSERT_EQ(s.lines.size(), 2u);
  EXPECT_EQ(s.lines[0].score, Score::mate_in(1));
  EXPECT_EQ(s.lines[0].pv.front(), "d8h4");
  EXPECT_FALSE(s.lines[1].score.mate && s.lines[1].score.value == 1);
  EXPECT_EQ(s.lines[1].multipv, 2);
  EXPECT_GE(s.lines[0].depth, s.lines[1].depth);
  EXPECT_LE(s.lines[0].depth, s.lines[1].depth + 1);

  // Mated: no move, mate in 0.
  const auto mated = engine.search("startpos moves f2f3 e7e5 g2g4 d8h4", "depth 5");
  EXPECT_EQ(mated.best_move, "");
  ASSERT_FALSE(mated.lines.empty());
  EXPECT_EQ(mated.lines[0].score, Score::mate_in(0));
}

TEST(UciEngine, NodeLimitedSearchesRepeatExactly) {
  UciEngine engine;
  const std::string pos = "startpos moves e2e4 e7e5 g1f3 b8c6 f1b5";
  engine.new_game();
  const auto a = engine.search(pos, "nodes 30000");
  engine.search("startpos moves d2d4", "nodes 30000");  // something else in between
  engine.new_game();
  const auto b = engine.search(pos, "nodes 30000");
  EXPECT_EQ(a.best_move, b.best_move);
  ASSERT_FALSE(a.lines.empty());
  ASSERT_FALSE(b.lines.empty());
  EXPECT_EQ(a.lines[0].score, b.lines[0].score);
  EXPECT_EQ(a.lines[0].pv, b.lines[0].pv);
  EXPECT_EQ(a.lines[0].nodes, b.lines[0].nodes);
}

}  // namespace
}  // namespace w2s::chess
