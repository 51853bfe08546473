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
        "[Event \"?\"]\n[Result \"*\"]\n[FEN \"8/8/8/8/8/5k2/8/5K2 w - - 0 1\"]\n[SetUp \"1\"]\n\n*\n\n"
        // A mate in 1 with a comment and a variation, which the conversion leaves out.
        "[Event \"?\"]\n[Result \"1-0\"]\n[FEN \"6k1/5ppp/8/8/8/8/5PPP/3R2K1 w - - 0 1\"]\n[SetUp \"1\"]\n\n"
        "{back rank} 1. Rd8# (1. Rd7 h6) 1-0\n\n");
  pgn_to_uci(dir / "san.pgn", dir / "uci.pgn");
  const auto positions = read_keyed_positions(dir / "uci.pgn");
  ASSERT_EQ(positions.size(), 2u);
  EXPECT_EQ(positions[1].key, "d1d8");
  EXPECT_EQ(positions[0].fen, "r2qkb1r/pp2nppp/3p4/2pNN1B1/2BnP3/3P4/PPP2PPP/R2bK2R w KQkq - 1 0");
  EXPECT_EQ(positions[0].key, "d5f6");
  EXPECT_NE(positions[0].where.find("uci.pgn:"), std::string::npos);
  // As the collection ships: named by file and game number (the mate in 1 is the fourth game).
  const auto named = read_keyed_collection(dir / "san.pgn");
  ASSERT_EQ(named.size(), 2u);
  EXPECT_EQ(named[0].where, (dir / "san.pgn").string() + " game 1");
  EXPECT_EQ(named[1].where, (dir / "san.pgn").string() + " game 4");
  // The engine finds both.
  UciEngine engine;
  const auto a = agreement(engine, positions, "nodes 20000");
  EXPECT_EQ(a.positions, 2);
  EXPECT_EQ(a.agree, 2);
  EXPECT_TRUE(a.disagreements.empty());
  // Not converted: the SAN move is named with its file and line.
  EXPECT_EQ(error_of([&] { read_keyed_positions(dir / "san.pgn"); }),
            (dir / "san.pgn").string() + ":6: \"1.\" is not a UCI move (convert the file with pgn-extract -Wuci)");
}

}  // namespace
}  // namespace w2s::chess
