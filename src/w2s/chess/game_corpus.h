// The chess family's pretraining text: self-play games as documents (game_text: the UCI moves and
// the result on one line), each followed by the corpus document separator line, with a seeded
// share of games held out, in the layout `w2s pretrain` reads (corpus.txt, heldout.txt).
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "w2s/chess/self_play.h"

namespace w2s::chess {

struct GameCorpusReport {
  int64_t games = 0, heldout_games = 0;
  int64_t bytes = 0, heldout_bytes = 0;
  int64_t plies = 0;
  int64_t duplicates = 0;  // games left out: the same moves as an earlier game
};

/// Write <out_dir>/corpus.txt and heldout.txt (atomically) from `games`; a game goes to heldout
/// when a hash of (seed, its id) falls below `heldout_fraction`. A game with the same moves as an
/// earlier one is left out (short random openings can repeat a whole game).
GameCorpusReport write_game_corpus(const std::vector<Game>& games, const std::filesystem::path& out_dir,
                                   double heldout_fraction, uint64_t seed);

}  // namespace w2s::chess
