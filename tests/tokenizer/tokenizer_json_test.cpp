// Tests for loading tokenizer.json (GPT-2 and Qwen2 styles), vocab.json + merges.txt,
// tokenizer_config.json overrides, and save → load round trips. Vocabularies are tiny and the
// expected ids are worked out by hand in the comments.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tokenizer_test_util.h"
#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/tokenizer/tokenizer.h"
#include "w2s/tokenizer/tokenizer_json.h"

namespace w2s::tokenizer {
namespace {

using nlohmann::json;
using Ids = std::vector<int64_t>;

// Ids 0..255: byte b has id b. Then the merges below, in rank order.
//   256 he   257 ll   258 hell   259 hello   260 Ġw   261 or   262 Ġwor   263 Ġworl   264 Ġworld
//   265 20 (two digits)   266 abc (no merge builds it)
const std::vector<std::string> kPieces = {"he",          "ll",           "hell",          "hello", "\xC4\xA0w", "or",
                                          "\xC4\xA0wor", "\xC4\xA0worl", "\xC4\xA0world", "20",    "abc"};
const std::vector<std::pair<std::string, std::string>> kMerges = {
    {"h", "e"}, {"l", "l"},          {"he", "ll"},         {"hell", "o"},         {"\xC4\xA0", "w"},
    {"o", "r"}, {"\xC4\xA0w", "or"}, {"\xC4\xA0wor", "l"}, {"\xC4\xA0worl", "d"}, {"2", "0"}};
constexpr int64_t kHello = 259, kWorld = 264, kEot = 267, kImStart = 268, kImEnd = 269;

constexpr const char* kQwen2Pattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

json vocab_json() {
  json v = json::object();
  for (const auto& [piece, id] : test::byte_vocab(kPieces)) v[piece] = id;
  return v;
}

json added_token(int64_t id, const std::string& content) {
  return {{"id", id},        {"content", content},  {"single_word", false}, {"lstrip", false},
          {"rstrip", false}, {"normalized", false}, {"special", true}};
}

json byte_level(bool use_regex, bool prefix = false) {
  return {{"type", "ByteLevel"}, {"add_prefix_space", prefix}, {"trim_offsets", true}, {"use_regex", use_regex}};
}

json gpt2_style() {
  json merges = json::array();
  for (const auto& [a, b] : kMerges) merges.push_back(a + " " + b);
  return {{"version", "1.0"},
          {"truncation", nullptr},
          {"padding", nullptr},
          {"added_tokens", {added_token(kEot, "<|endoftext|>")}},
          {"normalizer", nullptr},
          {"pre_tokenizer", byte_level(true)},
          {"post_processor", byte_level(true)},
          {"decoder", byte_level(true)},
          {"model",
           {{"type", "BPE"},
            {"dropout", nullptr},
            {"unk_token", nullptr},
            {"continuing_subword_prefix", ""},
            {"end_of_word_suffix", ""},
            {"fuse_unk", false},
            {"byte_fallback", false},
            {"vocab", vocab_json()},
            {"merges", merges}}}};
}

json qwen2_style() {
  json j = gpt2_style();
  json merges = json::array();
  for (const auto& [a, b] : kMerges) merges.push_back({a, b});  // tokenizers >= 0.20 form
  j["model"]["merges"] = merges;
  j["model"]["ignore_merges"] = false;
  j["added_tokens"] = {added_token(kEot, "<|endoftext|>"), added_token(kImStart, "<|im_start|>"),
                       added_token(kImEnd, "<|im_end|>")};
  j["normalizer"] = {{"type", "NFC"}};
  j["pre_tokenizer"] = {
      {"type", "Sequence"},
      {"pretokenizers",
       {{{"type", "Split"}, {"pattern", {{"Regex", kQwen2Pattern}}}, {"behavior", "Isolated"}, {"invert", false}},
        byte_level(false)}}};
  return j;
}

Tokenizer load(const json& j, const test::TempDir& dir, const std::string& name = "tokenizer.json") {
  write_file_atomic(dir / name, j.dump());
  return Tokenizer::from_file(dir / name);
}

TEST(TokenizerJson, Gpt2StyleEncodesByHand) {
  test::TempDir dir;
  const Tokenizer tok = load(gpt2_style(), dir);
  EXPECT_EQ(tok.vocab_size(), kEot + 1);
  EXPECT_EQ(tok.encode("hello world"), (Ids{kHello, kWorld}));
  EXPECT_EQ(tok.encode("hello<|endoftext|> world"), (Ids{kHello, kEot, kWorld}));
  EXPECT_EQ(tok.encode("help"), (Ids{256, 'l', 'p'}));  // he l p
  EXPECT_EQ(tok.encode("hellO"), (Ids{258, 'O'}));      // hell O
  EXPECT_EQ(tok.encode("2024"), (Ids{265, '2', '4'}));  // one word: 20 2 4
  EXPECT_EQ(tok.encode("abc"), (Ids{'a', 'b', 'c'}));   // no merge builds "abc"
  EXPECT_EQ(tok.encode(" world"), (Ids{kWorld}));
  EXPECT_EQ(tok.decode({kHello, kWorld, kEot}), "hello world<|endoftext|>");
  EXPECT_EQ(tok.id_to_token(kWorld), "\xC4\xA0world");
  EXPECT_EQ(tok.eos_id(), kEot);
}

TEST(TokenizerJson, Qwen2StyleSplitsDigitsAndChatTokens) {
  test::TempDir dir;
  const Tokenizer tok = load(qwen2_style(), dir);
  // Qwen2's regex isolates each digit, so the merge "2 0" never applies.
  EXPECT_EQ(tok.encode("hello 2024"), (Ids{kHello, ' ', '2', '0', '2', '4'}));
  EXPECT_EQ(tok.encode("<|im_start|>user\nhi<|im_end|>"), (Ids{kImStart, 'u', 's', 'e', 'r', '\n', 'h', 'i', kImEnd}));
  EXPECT_EQ(tok.encode("hello world"), (Ids{kHello, kWorld}));
  // NFC composes a decomposed é (e + U+0301) into U+00E9 before the bytes are looked up.
  ASSERT_EQ(tok.spec().normalizers.size(), 1u);
  EXPECT_EQ(tok.spec().normalizers[0].kind, NormalizerKind::nfc);
  if (normalizer_available(NormalizerKind::nfc)) {
    EXPECT_EQ(tok.encode("e\xCC\x81"), (Ids{0xC3, 0xA9}));
    EXPECT_EQ(tok.encode("e\xCC\x81"), tok.encode("\xC3\xA9"));
  } else {
    EXPECT_EQ(tok.encode("e\xCC\x81"), (Ids{'e', 0xCC, 0x81}));  // passed through, with a warning
  }
  EXPECT_EQ(tok.vocab_size(), kImEnd + 1);
}

// Pythia's (GPT-NeoX-20B's) tokenizer.json: NFC, ByteLevel without the use_regex key (so the GPT-2
// regex) and without a prefix space, special <|endoftext|> and <|padding|>, and runs of spaces as
// added tokens that are normalized and not special (the library matches them leftmost-longest in
// the text, before byte-level BPE).
TEST(TokenizerJson, PythiaStyleMatchesRunsOfSpacesAsAddedTokens) {
  constexpr int64_t kPadding = 270, kFour = 271, kTwo = 272;
  json j = gpt2_style();
  json whitespace_four = added_token(kFour, "    "), whitespace_two = added_token(kTwo, "  ");
  for (json* t : {&whitespace_four, &whitespace_two}) {
    (*t)["normalized"] = true;
    (*t)["special"] = false;
  }
  j["added_tokens"] = {added_token(kEot, "<|endoftext|>"), added_token(kPadding, "<|padding|>"), whitespace_four,
                       whitespace_two};
  j["normalizer"] = {{"type", "NFC"}};
  const json neox_byte_level = {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}};
  j["pre_tokenizer"] = j["post_processor"] = j["decoder"] = neox_byte_level;
  j["model"].erase("byte_fallback");
  test::TempDir dir;
  const Tokenizer tok = load(j, dir);
  EXPECT_EQ(tok.encode("hello world"), (Ids{kHello, kWorld}));
  // Four spaces are one added token, so "world" follows without its "Ġ": w + "or" + l + d.
  EXPECT_EQ(tok.encode("hello    world"), (Ids{kHello, kFour, 'w', 261, 'l', 'd'}));
  EXPECT_EQ(tok.encode("hello     world"), (Ids{kHello, kFour, kWorld}));  // five: four, then " world"
  EXPECT_EQ(tok.encode("a      b"), (Ids{'a', kFour, kTwo, 'b'}));         // six: the longest first
  EXPECT_EQ(tok.encode("<|padding|>hello"), (Ids{kPadding, kHello}));
  EXPECT_FALSE(tok.is_special(kFour));
  EXPECT_TRUE(tok.is_special(kPadding));
  EXPECT_EQ(tok.decode({kHello, kFour, kWorld, kEot}, /*skip_special_tokens=*/true), "hello     world");
  // Saved and loaded again, the whitespace tokens stay normalized and not special.
  tok.save(dir / "saved.json");
  const Tokenizer back = Tokenizer::from_file(dir / "saved.json");
  EXPECT_EQ(back.encode("a      b"), tok.encode("a      b"));
  const json saved = json::parse(read_file(dir / "saved.json"));
  EXPECT_EQ(saved["added_tokens"][2]["content"], "    ");
  EXPECT_EQ(saved["added_tokens"][2]["normalized"], true);
  EXPECT_EQ(saved["added_tokens"][2]["special"], false);
}

TEST(TokenizerJson, NormalizerSequenceRunsBeforePreTokenizationAndSurvivesSaving) {
  if (!normalizer_available(NormalizerKind::nfkc)) GTEST_SKIP() << "this build has no ICU";
  test::TempDir dir;
  json j = gpt2_style();
  j["normalizer"] = {{"type", "Sequence"},
                     {"normalizers",
                      {{{"type", "NFKC"}},
                       {{"type", "Lowercase"}},
                       {{"type", "Replace"}, {"pattern", {{"String", "\t"}}}, {"content", " "}}}}};
  const Tokenizer tok = load(j, dir);
  EXPECT_EQ(tok.encode("HELLO\tWORLD"), (Ids{kHello, kWorld}));
  EXPECT_EQ(tok.encode("\xEF\xBD\x88"
                       "ello"),
            (Ids{kHello}));  // full-width ｈ → h
  // Added tokens are cut out of the raw text first: the normalizer never sees them.
  EXPECT_EQ(tok.encode("HELLO<|endoftext|>"), (Ids{kHello, kEot}));
  tok.save(dir / "out" / "tokenizer.json");
  const json saved = json::parse(read_file(dir / "out" / "tokenizer.json"));
  EXPECT_EQ(saved["normalizer"]["type"], "Sequence");
  EXPECT_EQ(saved["normalizer"]["normalizers"][2]["pattern"]["String"], "\t");
  const Tokenizer back = Tokenizer::from_file(dir / "out" / "tokenizer.json");
  EXPECT_EQ(back.spec().normalizers, tok.spec().normalizers);
  EXPECT_EQ(back.encode("HELLO\tWORLD"), (Ids{kHello, kWorld}));
}

TEST(TokenizerJson, IgnoreMergesAddPrefixSpaceAndTemplate) {
  test::TempDir dir;
  json j = gpt2_style();
  j["model"]["ignore_merges"] = true;
  EXPECT_EQ(load(j, dir).encode("abc"), (Ids{266}));  // the word is a piece: taken whole

  j = gpt2_style();
  j["pre_tokenizer"] = byte_level(true, /*prefix=*/true);
  EXPECT_EQ(load(j, dir).encode("world"), (Ids{kWorld}));  // encoded as " world"
  // A continuation gets no prefix space: "world" after other text is "w" "or" "l" "d".
  EXPECT_EQ(load(j, dir).encode("world", {.continuation = true}), (Ids{'w', 261, 'l', 'd'}));

  j = gpt2_style();
  j["post_processor"] = {
      {"type", "TemplateProcessing"},
      {"single",
       {{{"SpecialToken", {{"id", "<|endoftext|>"}, {"type_id", 0}}}}, {{"Sequence", {{"id", "A"}, {"type_id", 0}}}}}},
      {"pair", json::array()},
      {"special_tokens",
       {{"<|endoftext|>", {{"id", "<|endoftext|>"}, {"ids", {kEot}}, {"tokens", {"<|endoftext|>"}}}}}}};
  const Tokenizer tok = load(j, dir);
  EXPECT_EQ(tok.encode("hello"), (Ids{kEot, kHello}));
  EXPECT_EQ(tok.encode("hello", {.add_special_tokens = false}), (Ids{kHello}));
  EXPECT_EQ(tok.encode(" world", {.continuation = true}), (Ids{kWorld}));  // no template ids either
  tok.save(dir / "saved.json");
  EXPECT_EQ(Tokenizer::from_file(dir / "saved.json").encode("hello"), (Ids{kEot, kHello}));
}

TEST(TokenizerJson, SaveLoadRoundTrip) {
  test::TempDir dir;
  const std::vector<std::string> texts = {"hello world", "hello 2024 worlds!", "<|im_start|>x", "  spaced\n\nout\t",
                                          "caf\xC3\xA9 \xF0\x9F\x98\x80"};
  for (const json& j : {gpt2_style(), qwen2_style()}) {
    const Tokenizer a = load(j, dir);
    a.save(dir / "out" / "tokenizer.json");
    const Tokenizer b = Tokenizer::from_file(dir / "out" / "tokenizer.json");
    EXPECT_EQ(b.vocab_size(), a.vocab_size());
    EXPECT_EQ(b.spec().splits.size(), a.spec().splits.size());
    EXPECT_EQ(b.spec().normalizers, a.spec().normalizers);
    for (const auto& t : texts) EXPECT_EQ(b.encode(t), a.encode(t)) << t;
    const json saved = json::parse(read_file(dir / "out" / "tokenizer.json"));
    EXPECT_EQ(saved["model"]["type"], "BPE");
    EXPECT_EQ(saved["model"]["merges"][0], "h e");
    EXPECT_EQ(saved["model"]["vocab"]["\xC4\xA0world"], kWorld);
    EXPECT_EQ(saved["added_tokens"][0]["content"], "<|endoftext|>");
    EXPECT_EQ(saved["decoder"]["type"], "ByteLevel");
  }
  const json last_saved = json::parse(read_file(dir / "out" / "tokenizer.json"));  // Qwen2 style
  EXPECT_EQ(last_saved["pre_tokenizer"]["type"], "Sequence");
  EXPECT_EQ(last_saved["pre_tokenizer"]["pretokenizers"][0]["pattern"]["Regex"], kQwen2Pattern);
  EXPECT_EQ(last_saved["normalizer"]["type"], "NFC");
}

TEST(TokenizerJson, VocabJsonAndMergesTxt) {
  test::TempDir dir;
  std::string merges = "#version: 0.2\n";
  for (const auto& [a, b] : kMerges) merges += a + " " + b + "\n";
  json vocab = vocab_json();
  vocab["<|endoftext|>"] = kEot;
  write_file_atomic(dir / "vocab.json", vocab.dump());
  write_file_atomic(dir / "merges.txt", merges);
  const Tokenizer a = Tokenizer::from_vocab_merges(dir / "vocab.json", dir / "merges.txt");
  EXPECT_EQ(a.encode("hello world<|endoftext|>"), (Ids{kHello, kWorld, kEot}));
  EXPECT_EQ(a.spec().merges.size(), kMerges.size());

  // from_dir: vocab.json + merges.txt, with tokenizer_config.json naming tokens.
  write_file_atomic(dir / "tokenizer_config.json",
                    json{{"bos_token", nullptr},
                         {"eos_token", {{"content", "<|endoftext|>"}, {"special", true}}},
                         {"pad_token", "<|endoftext|>"},
                         {"added_tokens_decoder", {{"268", {{"content", "<|im_start|>"}, {"special", true}}}}}}
                        .dump());
  const Tokenizer b = Tokenizer::from_dir(dir.path());
  EXPECT_FALSE(b.bos_id().has_value());
  EXPECT_EQ(b.eos_id(), kEot);
  EXPECT_EQ(b.pad_id(), kEot);
  EXPECT_EQ(b.encode("<|im_start|>hello"), (Ids{kImStart, kHello}));

  // A tokenizer.json in the same folder wins.
  write_file_atomic(dir / "tokenizer.json", qwen2_style().dump());
  EXPECT_EQ(Tokenizer::from_dir(dir.path()).encode("hello 20"), (Ids{kHello, ' ', '2', '0'}));
}

TEST(TokenizerJson, UnknownBytesUseUnkOrAreDropped) {
  test::TempDir dir;
  json j = gpt2_style();
  j["model"]["vocab"].erase("~");
  j["model"]["vocab"]["<unk>"] = 300;
  EXPECT_EQ(load(j, dir).encode("h~"), (Ids{'h'}));  // no unk_token: dropped (logged once)
  j["model"]["unk_token"] = "<unk>";
  EXPECT_EQ(load(j, dir).encode("h~"), (Ids{'h', 300}));
}

}  // namespace
}  // namespace w2s::tokenizer
