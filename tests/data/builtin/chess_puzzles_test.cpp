// chess_pairs from a puzzles file: the game so far as the prompt, the solution and the engine's
// second move as completions (after a space, as moves follow each other in the games), the
// puzzles of one game in one group; rows without a second move are left out and counted.
#include "w2s/data/builtin/chess_puzzles.h"

#include <gtest/gtest.h>

#include <fstream>

#include "test_support.h"

namespace w2s::data {
namespace {

TEST(ChessPairs, PromptsCompletionsAndGroups) {
  test::TempDir dir;
  const auto path = dir / "puzzles.jsonl";
  {
    std::ofstream f(path);
    f << R"({"id":"s1-0/3","game_id":"s1-0","moves":"f2f3 e7e5 g2g4","side":"black","legal":["d8h4","e5e4","g8f6"],"solution":"d8h4","second":"g8f6","grade":"mate1"})"
      << "\n";
    f << R"({"id":"s1-0/1","game_id":"s1-0","moves":"f2f3","side":"black","legal":["e7e5","e7e6"],"solution":"e7e5"})"
      << "\n";
    for (int i = 0; i < 20; ++i)
      f << R"({"id":"s1-)" << i + 1 << R"(/1","game_id":"s1-)" << i + 1
        << R"(","moves":"e2e4","side":"black","legal":["e7e5","c7c5"],"solution":"c7c5","second":"e7e5","grade":"cp"})"
        << "\n";
  }
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
