// Byte-level BPE training: count pre-tokenized words, then repeatedly merge the most frequent
// adjacent pair, updating pair counts incrementally (a lazy max-heap of pair counts and a
// pair → words index), never recounting the corpus.
//
//   w2s::tokenizer::TrainerOptions opt;          // vocab_size 8192, min_frequency 2
//   auto tok = w2s::tokenizer::train_bpe({.files = {"corpus.txt"}}, opt);
//   tok.save("out/tokenizer.json");
//
// The vocabulary is GPT-2 shaped: ids 0..255 are the byte alphabet (in GPT-2's order), merges
// follow in the order learned, special tokens come last. Deterministic: the same input gives the
// same tokenizer whatever the thread count (ties: the pair with the smaller (left, right) ids).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "w2s/tokenizer/pre_tokenizer.h"
#include "w2s/tokenizer/tokenizer.h"

namespace w2s::tokenizer {

struct TrainerOptions {
  int64_t vocab_size = 8192;                                    // final size: 256 bytes + merges + special tokens
  int64_t min_frequency = 2;                                    // stop once the best pair occurs fewer times than this
  std::vector<std::string> special_tokens = {"<|endoftext|>"};  // ids after the merges; cut out
                                                                // of the training text
  std::vector<SplitRule> splits = {SplitRule{}};                // pre-tokenizer (default: the GPT-2 regex)
  int n_threads = 0;                                            // threads for word counting; <= 0 = all cores
  int64_t log_every = 1000;                                     // merges between progress lines; 0 = no progress lines
};

/// What to train on: files (read in 4 MiB chunks cut at line ends) and in-memory texts.
struct TrainerInput {
  std::vector<std::filesystem::path> files{};  // UTF-8 text files (invalid bytes → U+FFFD)
  std::vector<std::string> texts{};            // texts, each counted on its own
};

/// Incremental interface: feed text, then train once.
class BpeTrainer {
 public:
  explicit BpeTrainer(TrainerOptions options = {});
  ~BpeTrainer();
  BpeTrainer(const BpeTrainer&) = delete;
  BpeTrainer& operator=(const BpeTrainer&) = delete;

  void add_text(std::string_view text);
  void add_file(const std::filesystem::path& file);  // throws w2s::Error naming the file

  int64_t n_bytes() const;         // bytes fed so far
  int64_t n_words() const;         // pre-tokenized words counted so far
  int64_t n_unique_words() const;  // distinct words so far

  /// Learns the merges. Throws w2s::Error when vocab_size < 256 + special tokens. Stops early
  /// (with a log line) when no pair reaches min_frequency.
  Tokenizer train();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// Feeds `input` to a BpeTrainer and trains.
Tokenizer train_bpe(const TrainerInput& input, const TrainerOptions& options = {});

}  // namespace w2s::tokenizer
