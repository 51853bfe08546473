// Tests for encode_batch: padding side and value, attention masks, lengths, truncation.
#include <gtest/gtest.h>

#include "tokenizer_test_util.h"
#include "w2s/core/error.h"
#include "w2s/tokenizer/tokenizer.h"

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

}  // namespace
}  // namespace w2s::tokenizer
