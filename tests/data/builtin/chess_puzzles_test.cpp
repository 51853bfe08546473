// chess_pairs from a puzzles file: the game so far as the prompt, the solution and the engine's
// second move as completions (after a space, as moves follow each other in the games), the
// puzzles of one game in one group; rows without a second move are left out and counted.
// chess_moves: the same prompt with every legal move as a choice and the solution's index.
#include "w2s/data/builtin/chess_puzzles.h"

#include <gtest/gtest.h>

#include <fstream>

#include "test_support.h"

namespace w2s::data {
namespace {

/// Two puzzles of game s1-0 (one without a second move) and 20 one-puzzle games.
void write_puzzles(const std::filesystem::path& path) {
  std::ofstream f(path);
  f << R"({"id":"s1-0/3","game_id":"s1-0","moves":"f2f3 e7e5 g2g4","side":"black","legal":["d8h4","e5e4","g8f6"],"solution":"d8h4","second":"g8f6","grade":"mate1"})"
    << "\n";
  f << R"({"id":"s1-0/1","game_id":"s1-0","moves":"f2f3","side":"black","legal":["e7e5","e7e6"],"solution":"e7e5"})"
    << "\n";
  for (int i = 0; i < 20; ++i)
    f << R"({"id":"s1-)" << i + 1 << R"(/1","game_id":"s1-)" << i + 1
      << R"(","moves":"e2e4","side":"black","legal":["c7c5","e7e5"],"solution":"e7e5","second":"c7c5","grade":"cp"})"
      << "\n";
}

TEST(ChessPairs, PromptsCompletionsAndGroups) {
  test::TempDir dir;
  const auto path = dir / "puzzles.jsonl";
  write_puzzles(path);
  nlohmann::json notes;
  const Task t = build_chess_pairs(path, &notes);
  ASSERT_EQ(t.train.size(), 21u);
  const Example& e = t.train[0];
  EXPECT_EQ(e.id, "chess/s1-0/3");
  EXPECT_EQ(e.text, "f2f3 e7e5 g2g4");
  EXPECT_EQ(e.completions, (std::vector<std::string>{" d8h4", " g8f6"}));
  EXPECT_EQ(e.label, 0);
  EXPECT_EQ(e.group, "chess/s1-0");
  EXPECT_EQ(notes["without_second_move"], 1);
  EXPECT_EQ(notes["grades"]["mate1"], 1);
  EXPECT_EQ(notes["grades"]["cp"], 20);
}

TEST(ChessMoves, EveryLegalMoveIsAChoiceAndTheLabelIsTheSolutions) {
  test::TempDir dir;
  const auto path = dir / "puzzles.jsonl";
  write_puzzles(path);
  nlohmann::json notes;
  const Task t = build_chess_moves(path, &notes);
  ASSERT_EQ(t.train.size(), 22u);  // every puzzle, with or without a second move
  const Example& e = t.train[0];
  EXPECT_EQ(e.text, "f2f3 e7e5 g2g4");
  EXPECT_EQ(e.completions, (std::vector<std::string>{" d8h4", " e5e4", " g8f6"}));
  EXPECT_EQ(e.label, 0);
  EXPECT_EQ(e.group, "chess/s1-0");
  EXPECT_EQ(t.train[1].completions, (std::vector<std::string>{" e7e5", " e7e6"}));
  EXPECT_EQ(t.train[1].label, 0);
  EXPECT_EQ(t.train[2].label, 1);  // e7e5 of c7c5, e7e5
  EXPECT_NEAR(notes["mean_choices"].get<double>(), (3.0 + 2.0 + 20 * 2.0) / 22.0, 1e-12);
  EXPECT_EQ(notes["grades"]["mate1"], 1);
}

TEST(ChessPairs, TooFewPuzzlesIsAnError) {
  test::TempDir dir;
  const auto path = dir / "puzzles.jsonl";
  std::ofstream(path)
      << R"({"id":"a","moves":"e2e4","side":"black","legal":["e7e5","c7c5"],"solution":"c7c5","second":"e7e5"})"
      << "\n";
  EXPECT_EQ(test::error_of([&] { build_chess_pairs(path, nullptr); }),
            path.string() + ": only 1 puzzles with a second move; chess_pairs needs at least 20");
}

}  // namespace
}  // namespace w2s::data
