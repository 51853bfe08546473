// w2s corpus build — the pretraining corpus from packaged text (logic in w2s/data/corpus.h).
#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "w2s/config/cli.h"
#include "w2s/corpus/corpus.h"
#include "w2s/data/registry.h"

namespace w2s::app {
namespace {

struct CorpusBuildOptions {
  std::string data;                  // data root; empty = $W2S_DATA, else <repo>/data
  std::string out;                   // output folder; empty = <data root>/corpus
  int64_t seed = 0;                  // held-out selection
  double heldout = 0.01;             // share of documents held out
  std::vector<std::string> sources;  // only these sources; empty = all
  static const config::Schema<CorpusBuildOptions>& schema() {
    using O = CorpusBuildOptions;
    static const auto s =
        config::Schema<O>()
            .field("data", &O::data, "data root (empty: $W2S_DATA, else <repo>/data)")
            .field("out", &O::out, "output folder (empty: <data root>/corpus)")
            .field("seed", &O::seed, "seed of the held-out selection")
            .field("heldout", &O::heldout, "share of documents held out, in [0, 0.5]")
            .field("sources", &O::sources,
                   "only these sources (comma-separated): gcide, wordnet, sotu, moby-dick, austen, kjv, "
                   "fortunes, email; empty = all");
    return s;
  }
};

}  // namespace

void register_corpus(CLI::App& app) {
  CLI::App* corpus = app.add_subcommand("corpus", "The pretraining corpus");
  corpus->require_subcommand(1);
  CLI::App* build =
      corpus->add_subcommand("build", "Assemble data/corpus/{corpus,heldout}.txt from data/raw, without test-set text");
  auto bind = config::bind_cli<CorpusBuildOptions>(*build);
  build->callback([bind] {
    const auto o = bind->resolve();
    if (bind->dump_requested()) return fmt::print("{}", config::dump_toml(o, bind->schema()));
    check(o.heldout >= 0.0 && o.heldout <= 0.5, "--heldout must be in [0, 0.5], got {}", o.heldout);
    corpus::CorpusOptions co;
    co.data_root = data::resolve_data_root(o.data);
    co.out_dir = o.out;
    co.seed = static_cast<uint64_t>(o.seed);
    co.heldout_fraction = o.heldout;
    co.sources = o.sources;
    const corpus::CorpusReport r = corpus::build_corpus(co);
    fmt::print("{:<10} {:>8} {:>12}\n", "source", "docs", "bytes");
    for (const auto& s : r.sources) fmt::print("{:<10} {:>8} {:>12}\n", s.name, s.n_docs, s.n_bytes);
    fmt::print("corpus.txt: {} documents, {:.1f} MB; heldout.txt: {} documents, {:.2f} MB\n", r.n_docs,
               double(r.n_bytes) / 1e6, r.n_heldout_docs, double(r.n_heldout_bytes) / 1e6);
    fmt::print("test-set leak check: {} test texts; {} found and removed; {} left (must be 0)\n", r.n_probes,
               r.leaks.n_hits, r.n_leaks_final);
    fmt::print("dedup: {} paragraphs, {} documents removed; {:.1f} s\n", r.dedup.n_paragraphs_removed,
               r.dedup.n_docs_removed, r.seconds);
  });
}

}  // namespace w2s::app
