// Self-play games as pretraining text (see game_corpus.h).
#include "w2s/chess/game_corpus.h"

#include <string>
#include <unordered_set>

#include "w2s/core/document_separator.h"
#include "w2s/core/error.h"
#include "w2s/core/rng.h"
#include "w2s/io/atomic_writer.h"

namespace w2s::chess {

GameCorpusReport write_game_corpus(const std::vector<Game>& games, const std::filesystem::path& out_dir,
                                   double heldout_fraction, uint64_t seed) {
  check(heldout_fraction >= 0.0 && heldout_fraction <= 0.5, "held-out share must be in [0, 0.5], not {}",
        heldout_fraction);
  io::AtomicWriter train(out_dir / "corpus.txt"), heldout(out_dir / "heldout.txt");
  GameCorpusReport r;
  std::unordered_set<std::string> seen;
  for (const auto& g : games) {
    if (!seen.insert(game_text(g)).second) {
      ++r.duplicates;
      continue;
    }
    const std::string doc = game_text(g) + "\n" + std::string(kDocumentSeparator) + "\n";
    Rng rng(mix_seed(seed, hash_bytes(g.id)));
    const bool held = rng.uniform() < heldout_fraction;
    (held ? heldout : train).write(doc.data(), doc.size());
    (held ? r.heldout_games : r.games) += 1;
    (held ? r.heldout_bytes : r.bytes) += static_cast<int64_t>(doc.size());
    r.plies += static_cast<int64_t>(g.moves.size());
  }
  check(r.games > 0, "{}: no games for the training text", out_dir.string());
  train.commit();
  heldout.commit();
  return r;
}

}  // namespace w2s::chess
