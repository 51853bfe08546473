// SentencePiece-style BPE in tokenizer.json (Llama 2, Mistral, TinyLlama): character pieces,
// "<0xNN>" byte fallback, unknown characters (fused or not), the Prepend/Replace normalizers or a
// Metaspace pre-tokenizer, and the Replace/ByteFallback/Fuse/Strip or Metaspace decoders. The
// goldens are SentencePiece's own encodings of a model it trained
// (scripts/golden/make_sentencepiece_golden.py).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "tokenizer_test_util.h"
#include "w2s/core/file.h"
#include "w2s/tokenizer/tokenizer.h"
#include "w2s/tokenizer/tokenizer_json.h"

namespace w2s::tokenizer {
namespace {

using nlohmann::json;

std::filesystem::path golden(const std::string& name) {
  return test::source_dir() / "tests" / "golden" / "tokenizer" / "sentencepiece" / name;
}

const json& cases() {
  static const json c = json::parse(read_file(golden("cases.json")));
  return c;
}

void expect_matches_sentencepiece(const std::string& file, bool skip_leading_space) {
  const Tokenizer tok = Tokenizer::from_file(golden(file));
  EXPECT_EQ(tok.vocab_size(), cases()["vocab_size"].get<int64_t>());
  int checked = 0;
  for (const json& c : cases()["cases"]) {
    const auto text = c["text"].get<std::string>();
    // Metaspace prepends "▁" only to text that does not already start with it (a space becomes
    // one), where SentencePiece's dummy prefix always goes first: see MetaspaceKeepsALeadingSpace.
    if (skip_leading_space && (text.starts_with(" ") || text.starts_with("\u2581"))) continue;
    const auto ids = c["ids"].get<std::vector<int64_t>>();
    EXPECT_EQ(tok.encode(text, {.add_special_tokens = false}), ids) << file << ": " << text;
    std::vector<int64_t> with_bos{1};
    with_bos.insert(with_bos.end(), ids.begin(), ids.end());
    EXPECT_EQ(tok.encode(text), with_bos) << file << ": <s> from the post-processor template";
    EXPECT_EQ(tok.decode(ids), c["decoded"].get<std::string>()) << file << ": " << text;
    EXPECT_EQ(tok.decode(with_bos, /*skip_special_tokens=*/true), c["decoded"].get<std::string>());
    std::vector<std::string> pieces;
    for (int64_t id : ids) pieces.push_back(tok.id_to_token(id));
    EXPECT_EQ(pieces, c["pieces"].get<std::vector<std::string>>());
    ++checked;
  }
  EXPECT_GE(checked, 12);
}

TEST(SentencePieceBpe, Llama2LayoutMatchesSentencePiece) {
  expect_matches_sentencepiece("tokenizer.json", /*skip_leading_space=*/false);
}

TEST(SentencePieceBpe, MetaspaceLayoutMatchesSentencePiece) {
  expect_matches_sentencepiece("tokenizer_metaspace.json", /*skip_leading_space=*/true);
}

TEST(SentencePieceBpe, CharactersOutsideTheVocabularyFallBackToTheirBytes) {
  const Tokenizer tok = Tokenizer::from_file(golden("tokenizer.json"));
  // "é" is C3 A9; "🙂" is F0 9F 99 82; a newline is 0A: none has a piece of its own here.
  auto pieces = [&](const std::string& text) {
    std::vector<std::string> out;
    for (int64_t id : tok.encode(text, {.add_special_tokens = false})) out.push_back(tok.id_to_token(id));
    return out;
  };
  EXPECT_EQ(pieces("\u00e9"), (std::vector<std::string>{"\u2581", "<0xC3>", "<0xA9>"}));
  EXPECT_EQ(pieces("\U0001F642"), (std::vector<std::string>{"\u2581", "<0xF0>", "<0x9F>", "<0x99>", "<0x82>"}));
  EXPECT_EQ(pieces("\n"), (std::vector<std::string>{"\u2581", "<0x0A>"}));
  // Decoding joins the bytes back into the character, and the first space goes.
  EXPECT_EQ(tok.decode(tok.encode("caf\u00e9 \U0001F642\n")), "<s> caf\u00e9 \U0001F642\n");
  EXPECT_EQ(tok.decode(tok.encode("caf\u00e9", {.add_special_tokens = false})), "caf\u00e9");
}

TEST(SentencePieceBpe, MetaspaceKeepsALeadingSpace) {
  // The library's Metaspace (prepend_scheme "first") puts "▁" only before text that does not start
  // with one: " leading" becomes "▁leading", where the Llama 2 layout's Prepend gives "▁▁leading".
  const Tokenizer legacy = Tokenizer::from_file(golden("tokenizer.json"));
  const Tokenizer meta = Tokenizer::from_file(golden("tokenizer_metaspace.json"));
  const auto l = legacy.encode(" leading", {.add_special_tokens = false});
  const auto m = meta.encode(" leading", {.add_special_tokens = false});
  ASSERT_FALSE(l.empty());
  EXPECT_EQ(legacy.id_to_token(l[0]), "\u2581");
  EXPECT_EQ(std::vector<int64_t>(l.begin() + 1, l.end()), m);
  // "first": text after an added token at the start gets no "▁"; the legacy layout's Prepend
  // normalizer puts one before every stretch of text between added tokens.
  json never = json::parse(read_file(golden("tokenizer_metaspace.json")));
  never["pre_tokenizer"]["prepend_scheme"] = "never";
  const Tokenizer bare = Tokenizer::from_spec(parse_tokenizer_json(never.dump(), "never.json"));
  const EncodeOptions plain{.add_special_tokens = false};
  std::vector<int64_t> expected{1};
  for (int64_t id : bare.encode("Hello", plain)) expected.push_back(id);
  EXPECT_EQ(meta.encode("<s>Hello", plain), expected);
  EXPECT_NE(bare.encode("Hello", plain), meta.encode("Hello", plain));
  expected.assign(1, 1);
  for (int64_t id : legacy.encode("Hello", plain)) expected.push_back(id);
  EXPECT_EQ(legacy.encode("<s>Hello", plain), expected);
}

TEST(SentencePieceBpe, AContinuationEncodesAsItsPartOfTheJoinedText) {
  // A completion after its prompt: no <s>, no "▁" put before it, so prompt + completion encode as
  // the joined text does wherever it is cut at a space.
  for (const char* file : {"tokenizer.json", "tokenizer_metaspace.json"}) {
    const Tokenizer tok = Tokenizer::from_file(golden(file));
    int cuts = 0;
    for (const json& c : cases()["cases"]) {
      const auto text = c["text"].get<std::string>();
      if (text.starts_with(" ") || text.starts_with("\u2581")) continue;
      for (size_t p = text.find(' ', 1); p != std::string::npos; p = text.find(' ', p + 1)) {
        auto ids = tok.encode(text.substr(0, p));
        const auto rest = tok.encode(text.substr(p), {.continuation = true});
        ids.insert(ids.end(), rest.begin(), rest.end());
        EXPECT_EQ(ids, tok.encode(text)) << file << ": " << text << " cut at " << p;
        ++cuts;
      }
    }
    EXPECT_GT(cuts, 100);
    // Without continuation the completion would get <s> and, in the Llama 2 layout, a second "▁".
    EXPECT_EQ(tok.encode(" world").front(), 1);
    EXPECT_NE(tok.encode(" world", {.continuation = true}).front(), 1);
  }
  // After an added token inside a continuation, the text is a stretch of its own, as when joined.
  const Tokenizer legacy = Tokenizer::from_file(golden("tokenizer.json"));
  auto ids = legacy.encode("Hello");
  const auto rest = legacy.encode(" there</s>General", {.continuation = true});
  ids.insert(ids.end(), rest.begin(), rest.end());
  EXPECT_EQ(ids, legacy.encode("Hello there</s>General"));
}

TEST(SentencePieceBpe, SaveWritesTheLayoutBack) {
  for (const char* file : {"tokenizer.json", "tokenizer_metaspace.json"}) {
    const Tokenizer tok = Tokenizer::from_file(golden(file));
    test::TempDir dir;
    tok.save(dir / "tokenizer.json");
    const json saved = json::parse(read_file(dir / "tokenizer.json"));
    EXPECT_EQ(saved["model"]["byte_fallback"], true);
    EXPECT_EQ(saved["model"]["fuse_unk"], true);
    EXPECT_EQ(saved["post_processor"]["type"], "TemplateProcessing");
    const Tokenizer back = Tokenizer::from_file(dir / "tokenizer.json");
    EXPECT_EQ(back.spec().normalizers, tok.spec().normalizers) << file;
    EXPECT_EQ(back.spec().metaspace, tok.spec().metaspace) << file;
    EXPECT_EQ(back.spec().decoders, tok.spec().decoders) << file;
    EXPECT_FALSE(back.spec().byte_level);
    for (const json& c : cases()["cases"]) {
      const auto text = c["text"].get<std::string>();
      EXPECT_EQ(back.encode(text), tok.encode(text)) << file << ": " << text;
      EXPECT_EQ(back.decode(tok.encode(text)), tok.decode(tok.encode(text)));
    }
  }
}

// A hand-made character-level vocabulary: <unk> 0, "▁" 1, a 2, b 3, "▁a" 4, "ab" 5, "▁ab" 6, and
// the byte pieces of "é" (C3, A9) only.
json hand_made(bool byte_fallback, bool fuse_unk) {
  return {{"normalizer",
           {{"type", "Sequence"},
            {"normalizers",
             {{{"type", "Prepend"}, {"prepend", "\u2581"}},
              {{"type", "Replace"}, {"pattern", {{"String", " "}}}, {"content", "\u2581"}}}}}},
          {"pre_tokenizer", nullptr},
          {"decoder",
           {{"type", "Sequence"},
            {"decoders",
             {{{"type", "Replace"}, {"pattern", {{"String", "\u2581"}}}, {"content", " "}},
              {{"type", "ByteFallback"}},
              {{"type", "Fuse"}},
              {{"type", "Strip"}, {"content", " "}, {"start", 1}, {"stop", 0}}}}}},
          {"model",
           {{"type", "BPE"},
            {"unk_token", "<unk>"},
            {"byte_fallback", byte_fallback},
            {"fuse_unk", fuse_unk},
            {"vocab",
             {{"<unk>", 0},
              {"\u2581", 1},
              {"a", 2},
              {"b", 3},
              {"\u2581a", 4},
              {"ab", 5},
              {"\u2581ab", 6},
              {"<0xC3>", 7},
              {"<0xA9>", 8}}},
            {"merges", {"\u2581 a", "a b", "\u2581a b"}}}}};
}

Tokenizer load(const json& j) { return Tokenizer::from_spec(parse_tokenizer_json(j.dump(), "hand_made.json")); }

TEST(SentencePieceBpe, MergesByRankOverCharacters) {
  const Tokenizer tok = load(hand_made(true, true));
  // "▁abab": "▁ a" (rank 0) first, then "a b" (rank 1) on the second pair, then "▁a b" (rank 2).
  EXPECT_EQ(tok.encode("abab"), (std::vector<int64_t>{6, 5}));
  EXPECT_EQ(tok.encode("ab ab"), (std::vector<int64_t>{6, 6}));
  EXPECT_EQ(tok.decode({6, 5, 6}), "abab ab");
}

TEST(SentencePieceBpe, UnknownCharactersFuseOrNot) {
  // "x" and "y" have no piece; without byte pieces for them they become <unk>.
  EXPECT_EQ(load(hand_made(true, true)).encode("axyb"), (std::vector<int64_t>{4, 0, 3}));
  EXPECT_EQ(load(hand_made(true, false)).encode("axyb"), (std::vector<int64_t>{4, 0, 0, 3}));
  // "é" has byte pieces: with byte_fallback they are used; without, it is unknown.
  EXPECT_EQ(load(hand_made(true, true)).encode("\u00e9"), (std::vector<int64_t>{1, 7, 8}));
  EXPECT_EQ(load(hand_made(false, true)).encode("\u00e9"), (std::vector<int64_t>{1, 0}));
  // A character whose bytes are only partly covered is unknown as a whole ("ë" is C3 AB).
  EXPECT_EQ(load(hand_made(true, true)).encode("\u00eb\u00e9"), (std::vector<int64_t>{1, 0, 7, 8}));
}

}  // namespace
}  // namespace w2s::tokenizer
