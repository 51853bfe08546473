// Tests for the BPE trainer on real English (tests/tokenizer/data, public domain): exact vocab
// size, determinism, round trips, compression, save/reload, and the incremental pair counting
// against a slow reference that recounts every pair before each merge.
#include "w2s/tokenizer/bpe_trainer.h"

#include <gtest/gtest.h>

#include <map>

#include "tokenizer_test_util.h"
#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/core/log.h"
#include "w2s/tokenizer/byte_level.h"

namespace w2s::tokenizer {
namespace {

using Merges = std::vector<std::pair<std::string, std::string>>;

TrainerOptions quiet(int64_t vocab_size) {
  TrainerOptions o;
  o.vocab_size = vocab_size;
  o.log_every = 0;
  return o;
}

TEST(BpeTrainer, VocabSizeIsExactAndLayoutIsGpt2Like) {
  const Tokenizer tok = train_bpe({.texts = {test::austen_train()}}, quiet(600));
  EXPECT_EQ(tok.vocab_size(), 600);
  EXPECT_EQ(tok.spec().merges.size(), 600u - 256u - 1u);
  EXPECT_EQ(tok.token_to_id("<|endoftext|>"), 599);
  EXPECT_TRUE(tok.is_special(599));
  EXPECT_EQ(tok.eos_id(), 599);
  // Ids 0..255 are the byte alphabet in GPT-2's own order.
  for (int64_t i = 0; i < 256; ++i) EXPECT_EQ(tok.id_to_token(i), test::gpt2().id_to_token(i));
  // English: " the" is learned early.
  const auto the = tok.token_to_id("\xC4\xA0the");
  ASSERT_TRUE(the.has_value());
  EXPECT_LT(*the, 300);
}

TEST(BpeTrainer, DeterministicAcrossRunsThreadsAndInputKinds) {
  const std::string text = test::austen_train();
  TrainerOptions opt = quiet(500);
  opt.n_threads = 1;
  const Tokenizer a = train_bpe({.texts = {text}}, opt);
  const Tokenizer b = train_bpe({.texts = {text}}, opt);
  test::TempDir dir;
  write_file_atomic(dir / "corpus.txt", text);
  opt.n_threads = 2;
  const Tokenizer c = train_bpe({.files = {dir / "corpus.txt"}}, opt);
  EXPECT_EQ(a.spec().merges, b.spec().merges);
  EXPECT_EQ(a.spec().merges, c.spec().merges);
  EXPECT_EQ(a.spec().vocab, c.spec().vocab);
}

TEST(BpeTrainer, RoundTripCompressionAndReload) {
  const Tokenizer tok = train_bpe({.texts = {test::austen_train()}}, quiet(1024));
  const std::string heldout = test::austen_heldout();
  const std::vector<int64_t> ids = tok.encode(heldout);
  EXPECT_EQ(tok.decode(ids), heldout);
  const double bytes_per_token = static_cast<double>(heldout.size()) / ids.size();
  std::printf("[bpe] vocab 1024 trained on %zu bytes: held-out %.2f bytes/token\n", test::austen_train().size(),
              bytes_per_token);
  EXPECT_GT(bytes_per_token, 2.4);  // bytes would be 1.0
  const Tokenizer small = train_bpe({.texts = {test::austen_train()}}, quiet(300));
  const double small_bpt = static_cast<double>(heldout.size()) / small.encode(heldout).size();
  EXPECT_GT(small_bpt, 1.3);
  EXPECT_GT(bytes_per_token, small_bpt + 0.5);  // more merges, shorter sequences

  const std::string odd = "Zebra-crossing \xF0\x9F\xA6\x93 at 12:30, na\xC3\xAFve <|endoftext|>!";
  EXPECT_EQ(tok.decode(tok.encode(odd)), odd);

  test::TempDir dir;
  tok.save(dir / "tok" / "tokenizer.json");
  const Tokenizer back = Tokenizer::from_dir(dir / "tok");
  EXPECT_EQ(back.vocab_size(), tok.vocab_size());
  EXPECT_EQ(back.encode(heldout), ids);
  EXPECT_EQ(back.encode(odd), tok.encode(odd));
  EXPECT_EQ(back.eos_id(), tok.eos_id());
}

TEST(BpeTrainer, SpecialTokensAreNotMergedAndSmallVocabsAreErrors) {
  std::string text;
  for (int i = 0; i < 50; ++i) text += "one two<|endoftext|>three<|endoftext|>";
  TrainerOptions opt = quiet(300);
  opt.special_tokens = {"<|endoftext|>", "<|pad|>"};
  const Tokenizer tok = train_bpe({.texts = {text}}, opt);
  EXPECT_LT(tok.vocab_size(), 300);  // only 9 merges exist in this text: training stops early
  for (const auto& [piece, id] : tok.spec().vocab) {
    if (!tok.is_special(id)) {
      EXPECT_EQ(piece.find("<|"), std::string::npos) << piece;
      EXPECT_EQ(piece.find("|>"), std::string::npos) << piece;
    }
  }
  EXPECT_EQ(tok.token_to_id("<|pad|>"), tok.vocab_size() - 1);
  EXPECT_EQ(tok.pad_id(), tok.vocab_size() - 1);
  EXPECT_THROW(train_bpe({.texts = {text}}, quiet(200)), Error);
  BpeTrainer t(quiet(1000));
  EXPECT_THROW(t.add_file("/no/such/file.txt"), Error);
}

TEST(BpeTrainer, StopsAtMinFrequency) {
  TrainerOptions opt = quiet(5000);
  opt.min_frequency = 50;
  const Tokenizer tok = train_bpe({.texts = {test::austen_train()}}, opt);
  EXPECT_LT(tok.vocab_size(), 5000);
  EXPECT_GT(tok.vocab_size(), 257);
}

// The slow reference: recount every pair of every word before each merge.
Merges reference_train(const std::string& text, int64_t n_merges, int64_t min_frequency) {
  const PreTokenizer pre({SplitRule{}});
  std::vector<std::string_view> words_view;
  pre.split(text, words_view);
  std::map<std::string, int64_t> counts;
  for (auto w : words_view) ++counts[std::string(w)];
  // Byte ids in GPT-2 order = sorted by the alphabet character's code point = by UTF-8 string.
  std::vector<std::string> pieces;
  for (int b = 0; b < 256; ++b) pieces.emplace_back(byte_char(static_cast<uint8_t>(b)));
  std::vector<int> order(256);
  for (int b = 0; b < 256; ++b) order[b] = b;
  std::sort(order.begin(), order.end(), [&](int x, int y) {
    auto cp = [](const std::string& s) {
      return s.size() == 1
                 ? static_cast<unsigned char>(s[0])
                 : ((static_cast<unsigned char>(s[0]) & 0x1F) << 6) | (static_cast<unsigned char>(s[1]) & 0x3F);
    };
    return cp(pieces[x]) < cp(pieces[y]);
  });
  std::vector<int> id_of(256);
  std::vector<std::string> by_id;
  for (int i = 0; i < 256; ++i) {
    id_of[order[i]] = i;
    by_id.push_back(pieces[order[i]]);
  }
  std::vector<std::pair<std::vector<int>, int64_t>> words;
  for (const auto& [w, c] : counts) {
    std::vector<int> syms;
    for (unsigned char ch : w) syms.push_back(id_of[ch]);
    words.emplace_back(syms, c);
  }
  Merges merges;
  while (static_cast<int64_t>(merges.size()) < n_merges) {
    std::map<std::pair<int, int>, int64_t> pair_counts;
    for (const auto& [syms, c] : words) {
      for (size_t i = 0; i + 1 < syms.size(); ++i) pair_counts[{syms[i], syms[i + 1]}] += c;
    }
    std::pair<int, int> best{-1, -1};
    int64_t best_count = 0;
    for (const auto& [p, c] : pair_counts) {  // map order: ties go to the smaller pair
      if (c > best_count) {
        best = p;
        best_count = c;
      }
    }
    if (best_count < min_frequency || best_count == 0) break;
    const int x = static_cast<int>(by_id.size());
    merges.emplace_back(by_id[best.first], by_id[best.second]);
    by_id.push_back(by_id[best.first] + by_id[best.second]);
    for (auto& [syms, c] : words) {
      std::vector<int> out;
      for (size_t i = 0; i < syms.size();) {
        if (i + 1 < syms.size() && syms[i] == best.first && syms[i + 1] == best.second) {
          out.push_back(x);
          i += 2;
        } else {
          out.push_back(syms[i++]);
        }
      }
      syms = out;
    }
  }
  return merges;
}

TEST(BpeTrainer, IncrementalCountsMatchFullRecount) {
  // Includes runs like "aaaa" and "abab" where merges overlap their own neighbours.
  std::string text = test::austen_train().substr(0, 12000);
  text += " aaaa aaaaa abab ababab zzzzzzzz zz zzz ...... ,,,, ---- \n\n\n\n";
  const TrainerOptions opt = quiet(256 + 1 + 220);
  const Tokenizer tok = train_bpe({.texts = {text}}, opt);
  const Merges want = reference_train(text, 220, opt.min_frequency);
  ASSERT_EQ(want.size(), 220u);
  EXPECT_EQ(tok.spec().merges, want);
}

}  // namespace
}  // namespace w2s::tokenizer
