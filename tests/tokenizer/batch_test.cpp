// Tests for encode_batch: padding side and value, attention masks, lengths, truncation.
#include <gtest/gtest.h>

#include "tokenizer_test_util.h"
#include "w2s/core/error.h"
#include "w2s/tokenizer/pre_tokenizer.h"
#include "w2s/tokenizer/tokenizer.h"
#include "w2s/tokenizer/tokenizer_json.h"

namespace w2s::tokenizer {
namespace {

using Ids = std::vector<int64_t>;

Ids row(const torch::Tensor& t, int64_t i) {
  const torch::Tensor r = t[i].contiguous();
  return Ids(r.data_ptr<int64_t>(), r.data_ptr<int64_t>() + r.numel());
}

const std::vector<std::string> kTexts = {"Hello world", "Hello", "", "The quick brown fox jumps over the lazy dog."};

TEST(Batch, RightPaddingWithEos) {
  const Tokenizer& tok = test::gpt2();
  const EncodedBatch b = tok.encode_batch(kTexts);
  const Ids fox = tok.encode(kTexts[3]);
  ASSERT_EQ(fox.size(), 10u);
  ASSERT_EQ(b.input_ids.sizes(), (std::vector<int64_t>{4, 10}));
  EXPECT_EQ(b.input_ids.dtype(), torch::kInt64);
  EXPECT_EQ(b.attention_mask.dtype(), torch::kInt64);
  EXPECT_EQ(b.lengths, (Ids{2, 1, 0, 10}));
  const int64_t E = 50256;  // GPT-2 has no pad token: eos pads
  EXPECT_EQ(row(b.input_ids, 0), (Ids{15496, 995, E, E, E, E, E, E, E, E}));
  EXPECT_EQ(row(b.input_ids, 2), Ids(10, E));
  EXPECT_EQ(row(b.input_ids, 3), fox);
  EXPECT_EQ(row(b.attention_mask, 0), (Ids{1, 1, 0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(row(b.attention_mask, 2), Ids(10, 0));
  EXPECT_EQ(b.attention_mask.sum().item<int64_t>(), 13);
}

TEST(Batch, LeftPaddingAndExplicitPadId) {
  const Tokenizer& tok = test::gpt2();
  BatchOptions opt;
  opt.padding_side = Side::left;
  opt.pad_id = 0;
  const EncodedBatch b = tok.encode_batch({"Hello world", "Hello"}, opt);
  EXPECT_EQ(row(b.input_ids, 0), (Ids{15496, 995}));
  EXPECT_EQ(row(b.input_ids, 1), (Ids{0, 15496}));
  EXPECT_EQ(row(b.attention_mask, 1), (Ids{0, 1}));
  EXPECT_EQ(b.lengths, (Ids{2, 1}));
}

TEST(Batch, TruncationBothSides) {
  const Tokenizer& tok = test::gpt2();
  const Ids fox = tok.encode(kTexts[3]);
  BatchOptions opt;
  opt.max_length = 3;
  EncodedBatch b = tok.encode_batch(kTexts, opt);
  ASSERT_EQ(b.input_ids.sizes(), (std::vector<int64_t>{4, 3}));
  EXPECT_EQ(b.lengths, (Ids{2, 1, 0, 3}));
  EXPECT_EQ(row(b.input_ids, 3), Ids(fox.begin(), fox.begin() + 3));
  opt.truncation_side = Side::left;
  opt.padding_side = Side::left;
  b = tok.encode_batch(kTexts, opt);
  EXPECT_EQ(row(b.input_ids, 3), Ids(fox.end() - 3, fox.end()));
  EXPECT_EQ(row(b.input_ids, 0), (Ids{50256, 15496, 995}));
  EXPECT_EQ(row(b.attention_mask, 0), (Ids{0, 1, 1}));
  opt.max_length = 1;
  opt.truncation_side = Side::right;
  b = tok.encode_batch({"Hello world"}, opt);
  EXPECT_EQ(row(b.input_ids, 0), (Ids{15496}));
}

TEST(Batch, EmptyInputsAndBadOptions) {
  const Tokenizer& tok = test::gpt2();
  EncodedBatch b = tok.encode_batch({"", ""});
  EXPECT_EQ(b.input_ids.sizes(), (std::vector<int64_t>{2, 0}));
  EXPECT_EQ(b.lengths, (Ids{0, 0}));
  b = tok.encode_batch({});
  EXPECT_EQ(b.input_ids.sizes(), (std::vector<int64_t>{0, 0}));
  BatchOptions bad;
  bad.max_length = -1;
  EXPECT_THROW(tok.encode_batch({"x"}, bad), Error);
}

TEST(Batch, LargeBatchMatchesOneByOne) {
  const Tokenizer& tok = test::gpt2();
  std::vector<std::string> texts;
  const std::string heldout = test::austen_heldout();
  for (size_t i = 0; i + 200 < heldout.size(); i += 37) texts.push_back(heldout.substr(i, 150));
  ASSERT_GT(texts.size(), 100u);
  const EncodedBatch b = tok.encode_batch(texts);
  for (size_t i = 0; i < texts.size(); ++i) {
    const Ids want = tok.encode(texts[i]);
    ASSERT_EQ(b.lengths[i], static_cast<int64_t>(want.size()));
    Ids got = row(b.input_ids, static_cast<int64_t>(i));
    got.resize(want.size());
    EXPECT_EQ(got, want) << i;
  }
}

// The GPT-2 vocabulary with another pre-tokenizer regex (Qwen2's, Llama 3's, or one w2s does not
// know, which turns truncating encodes' cuts off).
Tokenizer gpt2_with_splits(std::string pattern) {
  const auto dir = test::gpt2_fixture_dir();
  TokenizerSpec spec = load_vocab_merges(dir / "encoder.json", dir / "vocab.bpe");
  spec.splits = {SplitRule{std::move(pattern)}};
  return Tokenizer::from_spec(std::move(spec));
}

// Real prose with what stresses pre-tokenizers: contractions, digit runs, special tokens,
// newline runs, non-ASCII letters and symbols, invalid UTF-8.
std::string hostile_prose() {
  std::string t;
  for (int i = 0; i < 8; ++i) t += test::austen_train();  // 340 kB
  t.insert(t.size() / 5,
           " I'll pay 1234567 or 89,000.5 <|endoftext|>  \n\n\n  caf\xc3\xa9 \xe2\x82\xac\xe2\x82\xac \xff\xfe ");
  t.insert(t.size() / 2, "\t\t  don't   STOP'S 42nd\r\n");
  return t;
}

TEST(Batch, HeadAndTailEncodesAreExactSlicesOfTheFullEncode) {
  const std::string text = hostile_prose();
  ASSERT_GT(text.size(), 300000u);
  for (const auto& [name, tok] :
       std::vector<std::pair<std::string, Tokenizer>>{{"gpt2", test::gpt2()},
                                                      {"qwen2", gpt2_with_splits(std::string(kQwen2Pattern))},
                                                      {"llama3", gpt2_with_splits(std::string(kLlama3Pattern))}}) {
    const Ids full = tok.encode(text);
    for (int64_t n : {1, 2, 7, 64, 511, 4000}) {
      SCOPED_TRACE(name + " max_tokens " + std::to_string(n));
      ASSERT_LT(static_cast<size_t>(n), full.size());
      // Long texts are cut, so only what the kept tokens need is encoded (GPT-2's longest piece
      // has 256 bytes: the cut comes after (n + 1) × 256 bytes).
      if (n < 600) {
        EXPECT_LT(tok.head_cut(text, n), text.size() / 2);
        EXPECT_GT(tok.tail_cut(text, n), text.size() / 2);
      }
      EXPECT_EQ(tok.encode_head(text, n), Ids(full.begin(), full.begin() + n));
      EXPECT_EQ(tok.encode_tail(text, n), Ids(full.end() - n, full.end()));
      // At every offset around the inserted stress text too.
      for (size_t at : {text.size() / 5 - 40, text.size() / 2 - 3}) {
        const std::string_view part = std::string_view(text).substr(at, 9000);
        const Ids whole = tok.encode(part);
        const auto k = std::min<size_t>(n, whole.size());
        EXPECT_EQ(tok.encode_head(part, n), Ids(whole.begin(), whole.begin() + k));
        EXPECT_EQ(tok.encode_tail(part, n), Ids(whole.end() - k, whole.end()));
      }
    }
    EXPECT_EQ(tok.encode_head(text, 0), full);  // 0 = no limit
    EXPECT_EQ(tok.encode_tail(text, 0), full);
  }
}

TEST(Batch, NoCutWithoutASafePlaceOrForAnUnknownRegex) {
  const Tokenizer& tok = test::gpt2();
  const std::string no_spaces(50000, 'x');
  EXPECT_EQ(tok.head_cut(no_spaces, 5), no_spaces.size());
  EXPECT_EQ(tok.tail_cut(no_spaces, 5), 0u);
  const Ids xs = tok.encode(no_spaces);
  EXPECT_EQ(tok.encode_head(no_spaces, 5), Ids(xs.begin(), xs.begin() + 5));
  const Tokenizer custom = gpt2_with_splits(R"(\S+|\s+)");
  const std::string text = test::austen_train();
  EXPECT_EQ(custom.head_cut(text, 5), text.size());
  EXPECT_EQ(custom.tail_cut(text, 5), 0u);
  const Ids full = custom.encode(text);
  EXPECT_EQ(custom.encode_head(text, 5), Ids(full.begin(), full.begin() + 5));
  EXPECT_THROW(custom.encode_head(text, -1), Error);
}

}  // namespace
}  // namespace w2s::tokenizer
