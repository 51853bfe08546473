// Tests against the real GPT-2 vocabulary: known ids, the golden table produced by an
// independent JavaScript encoder (scripts/golden/gpt2_tokens.js), special tokens, invalid UTF-8,
// thread safety, and the fast merge loop against a slow readable reference.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <climits>
#include <map>
#include <random>
#include <thread>

#include "tokenizer_test_util.h"
#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/core/text.h"
#include "w2s/tokenizer/byte_level.h"
#include "w2s/tokenizer/pre_tokenizer.h"
#include "w2s/tokenizer/tokenizer.h"

namespace w2s::tokenizer {
namespace {

using Ids = std::vector<int64_t>;

struct Golden {
  std::string text;
  Ids ids;
};

std::vector<Golden> load_golden() {
  const auto path = test::source_dir() / "tests" / "golden" / "gpt2_tokens.jsonl";
  const std::string content = read_file(path);
  std::vector<Golden> rows;
  size_t pos = 0;
  while (pos < content.size()) {
    size_t eol = content.find('\n', pos);
    if (eol == std::string::npos) eol = content.size();
    if (eol > pos) {
      auto j = nlohmann::json::parse(content.substr(pos, eol - pos));
      rows.push_back({j.at("text").get<std::string>(), j.at("ids").get<Ids>()});
    }
    pos = eol + 1;
  }
  return rows;
}

TEST(Gpt2, HelloWorld) {
  const Tokenizer& tok = test::gpt2();
  EXPECT_EQ(tok.encode("Hello world"), (Ids{15496, 995}));
  EXPECT_EQ(tok.decode({15496, 995}), "Hello world");
  EXPECT_EQ(tok.id_to_token(995), "\xC4\xA0world");  // "Ġworld"
  EXPECT_EQ(tok.token_to_id("Hello"), 15496);
  EXPECT_FALSE(tok.token_to_id("no such piece").has_value());
  EXPECT_EQ(tok.vocab_size(), 50257);
  EXPECT_EQ(tok.encode(""), Ids{});
}

TEST(Gpt2, SpecialIdsAndEndOfText) {
  const Tokenizer& tok = test::gpt2();
  EXPECT_EQ(tok.eos_id(), 50256);
  EXPECT_EQ(tok.bos_id(), 50256);
  EXPECT_FALSE(tok.pad_id().has_value());
  EXPECT_TRUE(tok.is_special(50256));
  EXPECT_FALSE(tok.is_special(995));
  EXPECT_EQ(tok.encode("a<|endoftext|>b"), (Ids{64, 50256, 65}));
  EXPECT_EQ(tok.encode("<|endoftext|><|endoftext|>"), (Ids{50256, 50256}));
  const Ids plain = tok.encode("a<|endoftext|>b", {.parse_special = false});
  EXPECT_EQ(std::count(plain.begin(), plain.end(), 50256), 0);
  EXPECT_EQ(tok.decode(plain), "a<|endoftext|>b");
  EXPECT_EQ(tok.decode({64, 50256, 65}), "a<|endoftext|>b");
  EXPECT_EQ(tok.decode({64, 50256, 65}, /*skip_special_tokens=*/true), "ab");
}

TEST(Gpt2, GoldenTableFromIndependentEncoder) {
  const Tokenizer& tok = test::gpt2();
  const auto rows = load_golden();
  ASSERT_GE(rows.size(), 300u) << "tests/golden/gpt2_tokens.jsonl looks truncated";
  size_t mismatches = 0;
  for (const Golden& g : rows) {
    // The JS encoder knows no special tokens: compare with special-token parsing off.
    const Ids ids = tok.encode(g.text, {.parse_special = false});
    if (ids != g.ids && ++mismatches <= 10) {
      ADD_FAILURE() << "text " << nlohmann::json(g.text).dump() << "\n  want " << nlohmann::json(g.ids).dump()
                    << "\n  got  " << nlohmann::json(ids).dump();
    }
    EXPECT_EQ(tok.decode(ids), g.text) << nlohmann::json(g.text).dump();
    if (g.text.find("<|endoftext|>") == std::string::npos) {
      EXPECT_EQ(tok.encode(g.text), ids);
    }
  }
  EXPECT_EQ(mismatches, 0u);
}

TEST(Gpt2, InvalidUtf8BecomesReplacementCharacter) {
  const Tokenizer& tok = test::gpt2();
  EXPECT_EQ(tok.encode("caf\xFF!"), tok.encode("caf\xEF\xBF\xBD!"));
  EXPECT_EQ(tok.decode(tok.encode("x\xE2\x82y")), "x\xEF\xBF\xBDy");
  // Random bytes never crash and always give ids that decode to the sanitized text.
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {
    std::string s(rng() % 40, '\0');
    for (char& c : s) c = static_cast<char>(rng() & 0xFF);
    const std::string fixed = to_valid_utf8(s);
    EXPECT_EQ(tok.decode(tok.encode(s)), fixed);
  }
}

TEST(Gpt2, DecodeRejectsUnknownIds) {
  const Tokenizer& tok = test::gpt2();
  EXPECT_THROW(tok.decode({50257}), Error);
  EXPECT_THROW(tok.decode({-1}), Error);
  EXPECT_THROW(tok.id_to_token(1 << 30), Error);
}

// GPT-2's encoder.py algorithm, written plainly: repeatedly find the lowest-ranked adjacent pair
// and merge every occurrence of it, left to right.
std::vector<std::string> reference_bpe(const std::string& bytes,
                                       const std::map<std::pair<std::string, std::string>, int>& ranks) {
  std::vector<std::string> parts;
  for (unsigned char c : bytes) parts.emplace_back(byte_char(c));
  while (parts.size() > 1) {
    int best = INT_MAX;
    std::pair<std::string, std::string> best_pair;
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
      auto it = ranks.find({parts[i], parts[i + 1]});
      if (it != ranks.end() && it->second < best) {
        best = it->second;
        best_pair = it->first;
      }
    }
    if (best == INT_MAX) break;
    std::vector<std::string> merged;
    for (size_t i = 0; i < parts.size();) {
      if (i + 1 < parts.size() && parts[i] == best_pair.first && parts[i + 1] == best_pair.second) {
        merged.push_back(parts[i] + parts[i + 1]);
        i += 2;
      } else {
        merged.push_back(parts[i++]);
      }
    }
    parts = std::move(merged);
  }
  return parts;
}

TEST(Gpt2, FastMergeLoopMatchesReference) {
  const Tokenizer& tok = test::gpt2();
  std::map<std::pair<std::string, std::string>, int> ranks;
  const auto& merges = tok.spec().merges;
  for (size_t i = 0; i < merges.size(); ++i) ranks.emplace(merges[i], static_cast<int>(i));
  const PreTokenizer pre(tok.spec().splits);

  std::vector<std::string> texts;
  for (const auto& g : load_golden()) texts.push_back(g.text);
  texts.push_back(test::austen_heldout());
  // Random "words" over a small alphabet: long repeats stress ties and overlapping pairs.
  std::mt19937 rng(11);
  const std::string alphabet = "aaaeeesst  hn,.'";
  for (int i = 0; i < 300; ++i) {
    std::string s(1 + rng() % 30, ' ');
    for (char& c : s) c = alphabet[rng() % alphabet.size()];
    texts.push_back(s);
  }
  size_t n_words = 0;
  for (const std::string& text : texts) {
    std::vector<std::string_view> words;
    pre.split(text, words);
    Ids want;
    for (auto w : words) {
      for (const std::string& piece : reference_bpe(std::string(w), ranks)) {
        auto id = tok.token_to_id(piece);
        ASSERT_TRUE(id.has_value()) << piece;
        want.push_back(*id);
      }
      ++n_words;
    }
    EXPECT_EQ(tok.encode(text, {.parse_special = false}), want) << nlohmann::json(text).dump();
  }
  EXPECT_GT(n_words, 2000u);
}

TEST(Gpt2, ConcurrentEncodingAgrees) {
  const Tokenizer fresh = Tokenizer::from_dir(test::gpt2_fixture_dir());  // a cold cache
  std::vector<std::string> texts;
  for (const auto& g : load_golden()) texts.push_back(g.text);
  std::vector<Ids> expected;
  for (const auto& t : texts) expected.push_back(test::gpt2().encode(t));
  std::vector<std::thread> threads;
  std::vector<int> errors(4, 0);
  for (int k = 0; k < 4; ++k) {
    threads.emplace_back([&, k] {
      for (int rep = 0; rep < 3; ++rep) {
        for (size_t i = 0; i < texts.size(); ++i) {
          const size_t j = (i * 7 + k * 131) % texts.size();
          if (fresh.encode(texts[j]) != expected[j]) ++errors[k];
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int k = 0; k < 4; ++k) EXPECT_EQ(errors[k], 0) << "thread " << k;
}

TEST(Gpt2, SaveReloadKeepsEncodings) {
  const Tokenizer& tok = test::gpt2();
  test::TempDir dir;
  tok.save(dir / "tokenizer.json");
  const Tokenizer back = Tokenizer::from_file(dir / "tokenizer.json");
  EXPECT_EQ(back.vocab_size(), 50257);
  EXPECT_EQ(back.spec().merges, tok.spec().merges);
  EXPECT_EQ(back.spec().splits.size(), 1u);
  for (const auto& g : load_golden()) EXPECT_EQ(back.encode(g.text), tok.encode(g.text));
  EXPECT_EQ(back.encode("a<|endoftext|>"), (Ids{64, 50256}));
}

TEST(Gpt2, FromDirWithoutTokenizerFilesNamesTheFolder) {
  try {
    Tokenizer::from_dir(test::source_dir() / "no-such-dir");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no-such-dir"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace w2s::tokenizer
