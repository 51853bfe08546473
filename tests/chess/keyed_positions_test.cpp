// Keyed chess problems: a SAN collection converted by pgn-extract reads back as (FEN, first move
// of the key) in UCI; games without a FEN or a key are skipped; a file still in SAN is named with
// its line; the engine finds the key of a mate in 2.
#include "w2s/chess/keyed_positions.h"

#include <gtest/gtest.h>

#include <fstream>

#include "test_support.h"

namespace w2s::chess {
namespace {

using test::error_of;

void write(const std::filesystem::path& path, const std::string& text) { std::ofstream(path) << text; }

TEST(KeyedPositions, ACollectionInSanReadsBackAsFenAndTheKeysFirstMoveInUci) {
  test::TempDir dir;
  // A mate in 2 (Buckle – NN, London 1840: 1. Nf6+ gxf6 2. Bxf7#), a game from the start (no FEN:
  // skipped), a position without a key (skipped).
  write(dir / "san.pgn",
        "[Event \"?\"]\n[Result \"*\"]\n[FEN \"r2qkb1r/pp2nppp/3p4/2pNN1B1/2BnP3/3P4/PPP2PPP/R2bK2R w KQkq - 1 0\"]\n"
        "[SetUp \"1\"]\n\n1. Nf6+ gxf6 2. Bxf7# *\n\n"
        "[Event \"?\"]\n[Result \"*\"]\n\n1. e4 e5 *\n\n"
        "[Event \"?\"]\n[Result \"*\"]\n[FEN \"8/8/8/8/8/5k2/8/5K2 w - - 0 1\"]\n[SetUp \"1\"]\n\n*\n\n");
  pgn_to_uci(dir / "san.pgn", dir / "uci.pgn");
  const auto positions = read_keyed_positions(dir / "uci.pgn");
  ASSERT_EQ(positions.size(), 1u);
  EXPECT_EQ(positions[0].fen, "r2qkb1r/pp2nppp/3p4/2pNN1B1/2BnP3/3P4/PPP2PPP/R2bK2R w KQkq - 1 0");
  EXPECT_EQ(positions[0].key, "d5f6");
  EXPECT_NE(positions[0].where.find("uci.pgn:"), std::string::npos);
  // The engine finds it.
  UciEngine engine;
  const auto a = agreement(engine, positions, "nodes 20000");
  EXPECT_EQ(a.positions, 1);
  EXPECT_EQ(a.agree, 1);
  EXPECT_TRUE(a.disagreements.empty());
  // Not converted: the SAN move is named with its file and line.
  EXPECT_EQ(error_of([&] { read_keyed_positions(dir / "san.pgn"); }),
            (dir / "san.pgn").string() + ":6: \"1.\" is not a UCI move (convert the file with pgn-extract -Wuci)");
}

}  // namespace
}  // namespace w2s::chess
