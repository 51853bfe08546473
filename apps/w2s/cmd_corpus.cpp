// w2s corpus build — the pretraining corpus from packaged text (logic in w2s/data/corpus.h).
#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "w2s/data/corpus.h"
#include "w2s/data/registry.h"

namespace w2s::app {
namespace {

struct CorpusArgs {
  std::string data_root;             // --data: data root (default $W2S_DATA or <repo>/data)
  std::string out;                   // --out: output folder (default <data root>/corpus)
  uint64_t seed = 0;                 // --seed: held-out selection
  double heldout = 0.01;             // --heldout: share of documents held out
  std::vector<std::string> sources;  // --source (repeatable): empty = all
};

}  // namespace

void register_corpus(CLI::App& app) {
  auto args = std::make_shared<CorpusArgs>();
  CLI::App* corpus = app.add_subcommand("corpus", "The pretraining corpus");
  corpus->require_subcommand(1);
  CLI::App* build = corpus->add_subcommand(
      "build", "Assemble data/corpus/{corpus,heldout}.txt from data/raw, without test-set text");
  build->add_option("--out", args->out, "Output folder (default: <data root>/corpus)");
  build->add_option("--data", args->data_root, "Data root (default: $W2S_DATA, else <repo>/data)");
  build->add_option("--seed", args->seed, "Seed of the held-out selection (default 0)");
  build->add_option("--heldout", args->heldout, "Share of documents held out (default 0.01)")
      ->check(CLI::Range(0.0, 0.5));
  build->add_option("--source", args->sources,
                    "Only these sources (repeatable): gcide, wordnet, sotu, moby-dick, austen, "
                    "kjv, fortunes, email");
  build->callback([args] {
    data::CorpusOptions o;
    o.data_root = data::resolve_data_root(args->data_root);
    o.out_dir = args->out;
    o.seed = args->seed;
    o.heldout_fraction = args->heldout;
    o.sources = args->sources;
    const data::CorpusReport r = data::build_corpus(o);
    fmt::print("{:<10} {:>8} {:>12}\n", "source", "docs", "bytes");
    for (const auto& s : r.sources) fmt::print("{:<10} {:>8} {:>12}\n", s.name, s.n_docs, s.n_bytes);
    fmt::print("corpus.txt: {} documents, {:.1f} MB; heldout.txt: {} documents, {:.2f} MB\n",
               r.n_docs, double(r.n_bytes) / 1e6, r.n_heldout_docs,
               double(r.n_heldout_bytes) / 1e6);
    fmt::print("test-set leak check: {} test texts; {} found and removed; {} left (must be 0)\n",
               r.n_probes, r.leaks.n_hits, r.n_leaks_final);
    fmt::print("dedup: {} paragraphs, {} documents removed; {:.1f} s\n",
               r.dedup.n_paragraphs_removed, r.dedup.n_docs_removed, r.seconds);
  });
}

}  // namespace w2s::app
