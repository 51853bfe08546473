// Puzzles: the only-move rule, candidate plies, a mate found and labelled by stockfish, rows that
// round-trip and broken rows named by FILE:LINE, and the leak check against pretraining games.
#include "w2s/chess/puzzles.h"

#include <gtest/gtest.h>

#include <fstream>

#include "test_support.h"
#include "w2s/core/error.h"

namespace w2s::chess {
namespace {

using test::error_of;

Game fools_mate() {
  Game g;
  g.id = "g1";
  g.moves = {"f2f3", "e7e5", "g2g4", "d8h4"};
  g.result = "0-1";
  g.termination = "checkmate";
  return g;
}

TEST(Puzzles, OnlyMoveRule) {
  const PuzzleOptions o;  // margin 200, best ≥ 0, second ≤ 300
  EXPECT_TRUE(only_move(Score::cp(250), Score::cp(20), o));
  EXPECT_FALSE(only_move(Score::cp(250), Score::cp(60), o));     // margin 190
  EXPECT_FALSE(only_move(Score::cp(900), Score::cp(400), o));    // the second wins too
  EXPECT_FALSE(only_move(Score::cp(-50), Score::cp(-400), o));   // the solution still loses
  EXPECT_TRUE(only_move(Score::mate_in(2), Score::cp(800), o));  // a mate against no mate
  EXPECT_FALSE(only_move(Score::mate_in(2), Score::mate_in(3), o));
  EXPECT_EQ(centipawns(Score::mate_in(2)), 99998);
  EXPECT_EQ(centipawns(Score::mate_in(-3)), -99997);
}

TEST(Puzzles, CandidatePliesAreSeededAndIncludeTheMatingMoves) {
  Game g;
  g.id = "s0-1";
  for (int i = 0; i < 40; ++i) g.moves.push_back(i % 2 == 0 ? "g1f3" : "g8f6");  // only the count matters here
  g.random_plies = 4;
  PuzzleOptions o;
  o.per_game = 3;
  const auto plies = candidate_plies(g, o);
  EXPECT_EQ(plies.size(), 3u);
  for (int p : plies) EXPECT_TRUE(p >= o.first_ply && p < 40) << p;
  EXPECT_EQ(candidate_plies(g, o), plies);
  o.seed = 1;
  EXPECT_NE(candidate_plies(g, o), plies);
  g.termination = "checkmate";
  o.per_game = 0;
  EXPECT_EQ(candidate_plies(g, o), (std::vector<int>{35, 37, 39}));  // the winner's last three moves
}

TEST(Puzzles, StockfishLabelsTheMateInOne) {
  EngineOptions eo;
  eo.multipv = 2;
  UciEngine engine(eo);
  PuzzleOptions o;
  o.per_game = 0;
  o.limits = "nodes 20000";
  const auto found = find_puzzles(engine, fools_mate(), o);
  ASSERT_EQ(found.size(), 1u);  // ply 1 (after f2f3) has no only move
  const Puzzle& p = found[0];
  EXPECT_EQ(p.id, "g1/3");
  EXPECT_EQ(p.ply, 3);
  EXPECT_EQ(p.side, "black");
  EXPECT_EQ(p.solution, "d8h4");
  EXPECT_EQ(p.grade, "mate1");
  EXPECT_EQ(p.legal.size(), 30u);
  EXPECT_NE(p.second, p.solution);
  const Puzzle back = puzzle_from_json(to_json(p), "x");
  EXPECT_EQ(back.moves, p.moves);
  EXPECT_EQ(back.best, Score::mate_in(1));
  EXPECT_EQ(back.legal, p.legal);
}

TEST(Puzzles, BrokenRowsNameTheFileAndLine) {
  test::TempDir dir;
  const auto path = dir / "puzzles.jsonl";
  auto write = [&](const std::string& row) {
    std::ofstream(path) << "{\"id\":\"ok\",\"moves\":\"e2e4\",\"side\":\"black\",\"legal\":[\"e7e5\",\"d7d5\"],"
                           "\"solution\":\"e7e5\"}\n"
                        << row << "\n";
  };
  write(R"({"id":"a","moves":"e2e4","side":"black","legal":["e7e5","d7d5"],"solution":"e7e6"})");
  EXPECT_EQ(error_of([&] { read_puzzles(path); }),
            path.string() + ":2: solution \"e7e6\" is not among the legal moves");
  write(R"({"id":"a","moves":"e2e4","side":"black","legal":[],"solution":"e7e5"})");
  EXPECT_EQ(error_of([&] { read_puzzles(path); }), path.string() + ":2: no legal moves (a finished game is no puzzle)");
  write(R"({"id":"a","moves":"","side":"black","legal":["e7e5"],"solution":"e7e5"})");
  EXPECT_EQ(error_of([&] { read_puzzles(path); }), path.string() + ":2: after 0 moves white is to move, not black");
  write(R"({"id":"a","moves":"e2e4 Nf6","side":"white","legal":["e7e5"],"solution":"e7e5"})");
  EXPECT_EQ(error_of([&] { read_puzzles(path); }),
            path.string() + ":2: \"Nf6\" (move 2) is not a UCI move such as e2e4 or e7e8q");
  write(R"({"id":"a","moves":"e2e4","side":"black","legal":["e7e5","d7d5"],"solution":"e7e5","second":"e7e5"})");
  EXPECT_EQ(error_of([&] { read_puzzles(path); }),
            path.string() + ":2: second move \"e7e5\" is not another legal move");
  write(R"({"id":"b","moves":"e2e4","side":"black","legal":["e7e5","d7d5"],"solution":"d7d5"})");
  EXPECT_EQ(read_puzzles(path).size(), 2u);
}

TEST(Puzzles, LeakCheckRemovesPositionsAPretrainingGameReachesByAnyMoveOrder) {
  std::vector<Puzzle> puzzles(4);
  puzzles[0].id = "in";
  puzzles[0].moves = {"e2e4", "e7e5", "g1f3"};
  puzzles[1].id = "longer";
  puzzles[1].moves = {"e2e4", "e7e5", "g1f3", "b8c6", "f1b5", "a7a6"};
  puzzles[2].id = "other";
  puzzles[2].moves = {"d2d4", "d7d5"};
  puzzles[3].id = "transposed";  // the game's position after 4 plies, knights first
  puzzles[3].moves = {"g1f3", "b8c6", "e2e4", "e7e5"};
  Game seen;
  seen.moves = {"e2e4", "e7e5", "g1f3", "b8c6", "f1c4"};
  const auto r = remove_leaked(puzzles, {seen});
  EXPECT_EQ(r.checked, 4);
  EXPECT_EQ(r.positions, 6);
  EXPECT_EQ(r.removed, 2);
  EXPECT_EQ(r.same_moves, 1);
  EXPECT_EQ(r.transposed, 1);
  ASSERT_EQ(puzzles.size(), 2u);
  EXPECT_EQ(puzzles[0].id, "longer");
  EXPECT_EQ(puzzles[1].id, "other");
}

TEST(Puzzles, AMoveThatNoPieceCanMakeNamesItsGameOrPuzzle) {
  std::vector<Puzzle> puzzles(1);
  puzzles[0].id = "s1-7/3";
  puzzles[0].moves = {"e2e4", "e7e5"};
  Game g;
  g.id = "s0-12";
  g.moves = {"e2e4", "e2e4"};  // the second move starts on an empty square
  EXPECT_EQ(test::error_of([&] { remove_leaked(puzzles, {g}); }),
            "pretraining game s0-12: chess move e2e4: no black piece on e2");
  puzzles[0].moves = {"e2e4", "d2d4"};  // white twice
  EXPECT_EQ(test::error_of([&] { remove_duplicate_positions(puzzles); }),
            "puzzle s1-7/3: chess move d2d4: no black piece on d2");
}

TEST(Puzzles, RepeatedPositionsKeepTheirFirstPuzzleWhateverTheMoveOrder) {
  std::vector<Puzzle> puzzles(3);
  puzzles[0].id = "first";
  puzzles[0].moves = {"e2e4", "e7e5", "g1f3", "b8c6"};
  puzzles[1].id = "transposed";
  puzzles[1].moves = {"g1f3", "b8c6", "e2e4", "e7e5"};
  puzzles[2].id = "other";
  puzzles[2].moves = {"e2e4", "e7e5", "g1f3", "g8f6"};
  EXPECT_EQ(remove_duplicate_positions(puzzles), 1);
  ASSERT_EQ(puzzles.size(), 2u);
  EXPECT_EQ(puzzles[0].id, "first");
  EXPECT_EQ(puzzles[1].id, "other");
}

}  // namespace
}  // namespace w2s::chess
