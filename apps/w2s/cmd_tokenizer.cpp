// w2s tokenizer train — learn a byte-level BPE tokenizer from text files, write tokenizer.json.
#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "w2s/config/cli.h"
#include "w2s/core/log.h"
#include "w2s/tokenizer/bpe_trainer.h"

namespace w2s::app {
namespace {

struct TokenizerTrainOptions {
  std::vector<std::string> input;                               // UTF-8 text files
  std::string out = "tokenizer.json";                           // output path
  int64_t vocab_size = 8192;                                    // 256 bytes + merges + specials
  int64_t min_frequency = 2;                                    // stop below this pair count
  std::vector<std::string> special_tokens = {"<|endoftext|>"};  // ids after the merges
  int64_t threads = 0;                                          // word-counting threads; 0 = all
  std::string pattern;                                          // pre-tokenizer regex; "" = GPT-2's
  static const config::Schema<TokenizerTrainOptions>& schema() {
    using O = TokenizerTrainOptions;
    static const auto s =
        config::Schema<O>()
            .field("input", &O::input, "UTF-8 text files to train on (comma-separated)")
            .field("out", &O::out, "output tokenizer.json path")
            .field("vocab_size", &O::vocab_size, "final vocabulary size: 256 bytes + merges + special tokens")
            .field("min_frequency", &O::min_frequency, "stop when the best pair occurs fewer times than this")
            .field("special_tokens", &O::special_tokens, "special tokens, ids after the merges")
            .field("threads", &O::threads, "word-counting threads (0 = all cores)")
            .field("pattern", &O::pattern,
                   "pre-tokenizer regex (PCRE2) cutting text into words before BPE; empty = GPT-2's "
                   "(letters, digits and symbols apart); the chess tokenizer uses ' ?\\S+|\\s+' (whole moves)");
    return s;
  }
};

}  // namespace

void register_tokenizer(CLI::App& app) {
  auto* tok = app.add_subcommand("tokenizer", "Tokenizer tools (train)");
  tok->require_subcommand(1);
  auto* train = tok->add_subcommand("train", "Train a byte-level BPE tokenizer (GPT-2 style)");
  auto bind = config::bind_cli<TokenizerTrainOptions>(*train);
  train->callback([bind] {
    const auto o = bind->resolve();
    if (bind->dump_requested()) return fmt::print("{}", config::dump_toml(o, bind->schema()));
    check(!o.input.empty(), "tokenizer train: give --input FILE[,FILE...]");
    check(o.vocab_size > 256, "tokenizer train: --vocab-size must exceed 256 (the byte alphabet)");
    tokenizer::TrainerInput input;
    for (const auto& f : o.input) {
      check(std::filesystem::is_regular_file(f), "tokenizer train: input '{}' is not a file", f);
      input.files.emplace_back(f);
    }
    tokenizer::TrainerOptions to;
    to.vocab_size = o.vocab_size;
    to.min_frequency = o.min_frequency;
    to.special_tokens = o.special_tokens;
    to.n_threads = static_cast<int>(o.threads);
    if (!o.pattern.empty()) to.splits = {tokenizer::SplitRule{o.pattern}};
    const tokenizer::Tokenizer t = tokenizer::train_bpe(input, to);
    t.save(o.out);
    log::info("tokenizer: wrote {} ({} tokens, {} merges)", o.out, t.vocab_size(), t.spec().merges.size());
  });
}

}  // namespace w2s::app
