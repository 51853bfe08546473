// Throughput checks (label `slow`): GPT-2 encoding speed on real English and BPE training speed on
// a few megabytes. Texts: the checked-in Austen excerpt plus /usr/share/common-licenses (present
// on Debian); both are plain English.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include "tokenizer_test_util.h"
#include "w2s/core/file.h"
#include "w2s/tokenizer/bpe_trainer.h"
#include "w2s/tokenizer/tokenizer.h"

namespace w2s::tokenizer {
namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string english_text() {
  std::string text = test::austen_train() + test::austen_heldout();
  const std::filesystem::path licenses = "/usr/share/common-licenses";
  if (std::filesystem::is_directory(licenses)) {
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(licenses)) {
      if (e.is_regular_file()) files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) text += read_file(f);
  }
  return text;
}

TEST(TokenizerSlow, Gpt2EncodesAtLeastOneMegabytePerSecond) {
  const Tokenizer tok = Tokenizer::from_dir(test::gpt2_fixture_dir());  // cold word cache
  const std::string base = english_text();
  std::string text;
  while (text.size() < (4u << 20)) text += base;
  const auto t0 = std::chrono::steady_clock::now();
  size_t n_tokens = 0;
  for (size_t i = 0; i < text.size(); i += 4096) {  // document-sized calls
    n_tokens += tok.encode(std::string_view(text).substr(i, 4096)).size();
  }
  const double secs = seconds_since(t0);
  const double mb_s = static_cast<double>(text.size()) / 1e6 / secs;
  std::printf("[tokenizer] GPT-2 encode: %.1f MB in %.2f s = %.1f MB/s, %.2f bytes/token\n", text.size() / 1e6, secs,
              mb_s, static_cast<double>(text.size()) / n_tokens);
  EXPECT_GE(mb_s, 1.0);
}

TEST(TokenizerSlow, TrainerLearns8192TokensQuickly) {
  const std::string base = english_text();
  test::TempDir dir;
  std::string text;
  // Vary the copies so the word counts are not simply scaled.
  for (int k = 0; text.size() < (8u << 20); ++k) text += base + " copy" + std::to_string(k) + "\n";
  write_file_atomic(dir / "corpus.txt", text);
  TrainerOptions opt;
  opt.vocab_size = 8192;
  opt.n_threads = 1;
  opt.log_every = 2000;
  const auto t0 = std::chrono::steady_clock::now();
  const Tokenizer tok = train_bpe({.files = {dir / "corpus.txt"}}, opt);
  const double secs = seconds_since(t0);
  std::printf("[tokenizer] BPE training: %.1f MB to %lld tokens in %.1f s (%.1f MB/s overall)\n", text.size() / 1e6,
              static_cast<long long>(tok.vocab_size()), secs, text.size() / 1e6 / secs);
  EXPECT_LE(tok.vocab_size(), 8192);
  EXPECT_GT(tok.vocab_size(), 4000);  // the texts hold enough distinct pairs for thousands
  EXPECT_LT(secs, 120.0);
  const std::string heldout = test::austen_heldout();
  EXPECT_EQ(tok.decode(tok.encode(heldout)), heldout);
}

}  // namespace
}  // namespace w2s::tokenizer
