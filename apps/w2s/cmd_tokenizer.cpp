// w2s tokenizer train — learn a byte-level BPE tokenizer from text files, write tokenizer.json.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "w2s/core/log.h"
#include "w2s/tokenizer/bpe_trainer.h"

namespace w2s::app {

void register_tokenizer(CLI::App& app) {
  auto* tok = app.add_subcommand("tokenizer", "Tokenizer tools (train)");
  tok->require_subcommand(1);

  struct Args {
    std::vector<std::string> inputs;
    std::string out = "tokenizer.json";
    tokenizer::TrainerOptions options;
  };
  auto args = std::make_shared<Args>();
  auto* train = tok->add_subcommand("train", "Train a byte-level BPE tokenizer (GPT-2 style)");
  train->add_option("--input", args->inputs, "UTF-8 text files to train on")
      ->required()
      ->check(CLI::ExistingFile);
  train
      ->add_option("--vocab-size", args->options.vocab_size,
                   "Final vocabulary size: 256 bytes + merges + special tokens")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  train
      ->add_option("--min-frequency", args->options.min_frequency,
                   "Stop when the best pair occurs fewer times than this")
      ->capture_default_str();
  train
      ->add_option("--special-token", args->options.special_tokens,
                   "Special tokens, ids after the merges (repeatable)")
      ->capture_default_str();
  train->add_option("--threads", args->options.n_threads, "Word-counting threads (0 = all cores)")
      ->capture_default_str();
  train->add_option("--out", args->out, "Output tokenizer.json path")->capture_default_str();

  train->callback([args] {
    tokenizer::TrainerInput input;
    for (const auto& f : args->inputs) input.files.emplace_back(f);
    const tokenizer::Tokenizer t = tokenizer::train_bpe(input, args->options);
    t.save(args->out);
    log::info("tokenizer: wrote {} ({} tokens, {} merges)", args->out, t.vocab_size(),
              t.spec().merges.size());
  });
}

}  // namespace w2s::app
