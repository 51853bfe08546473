// Tokenizer: loading, encode/decode, batches, special ids and saving.
#include "w2s/tokenizer/tokenizer.h"

#include <ATen/Parallel.h>
#include <ATen/ops/from_blob.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <unordered_map>

#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/core/log.h"
#include "w2s/core/text.h"
#include "w2s/io/json_read.h"
#include "w2s/tokenizer/bpe_model.h"
#include "w2s/tokenizer/byte_level.h"
#include "w2s/tokenizer/tokenizer_json.h"

namespace w2s::tokenizer {
namespace fs = std::filesystem;

namespace {

PreTokenizer make_pre_tokenizer(const TokenizerSpec& spec) {
  try {
    return PreTokenizer(spec.splits);
  } catch (const Error& e) {
    fail("{}: pre_tokenizer: {}", spec.source, e.what());
  }
}

}  // namespace

struct Tokenizer::Impl {
  TokenizerSpec spec;
  BpeModel model;
  PreTokenizer pre;
  AddedTokenMatcher added;
  std::unordered_map<std::string, int64_t> added_by_content;
  std::unordered_map<int64_t, const AddedToken*> added_by_id;  // into spec.added_tokens
  int64_t vocab_size = 0;
  size_t max_token_bytes = 4;  // bytes one token can cover at most (longest piece or added token; an unknown char)
  bool cuttable = false;       // head_cut/tail_cut may cut: known regexes, no added token holding a space
  std::vector<NormalizerStep> normalizers;  // spec.normalizers this build runs (without ICU: NFC dropped)
  std::vector<NormalizerStep> continuing;   // the same without Prepend steps, for continuations

  explicit Impl(TokenizerSpec s)
      : spec(std::move(s)),
        model(spec.vocab, spec.merges,
              BpeModel::Options{.source = spec.source,
                                .merges_where = spec.merges_where,
                                .unk_token = spec.unk_token,
                                .ignore_merges = spec.ignore_merges,
                                .byte_level = spec.byte_level,
                                .byte_fallback = spec.byte_fallback,
                                .fuse_unk = spec.fuse_unk}),
        pre(make_pre_tokenizer(spec)),
        added(spec.added_tokens) {
    vocab_size = model.max_id() + 1;
    for (size_t i = 0; i < spec.added_tokens.size(); ++i) {
      const AddedToken& t = spec.added_tokens[i];
      check(!t.content.empty(), "{}: added_tokens[{}]: empty content", spec.source, i);
      check(t.id >= 0 && t.id < (int64_t{1} << 24), "{}: added_tokens[{}]: id {} out of range", spec.source, i, t.id);
      check(is_valid_utf8(t.content), "{}: added_tokens[{}]: content is not valid UTF-8", spec.source, i);
      check(added_by_content.emplace(t.content, t.id).second, "{}: added_tokens[{}]: \"{}\" is listed twice",
            spec.source, i, t.content);
      check(added_by_id.emplace(t.id, &t).second, "{}: added_tokens[{}]: id {} is used twice", spec.source, i, t.id);
      vocab_size = std::max(vocab_size, t.id + 1);
    }
    for (const auto* ids : {&spec.prefix_ids, &spec.suffix_ids}) {
      for (int64_t id : *ids) {
        check(added_by_id.count(id) || model.id_to_piece(id),
              "{}: post_processor: template "
              "token id {} is not in the vocabulary",
              spec.source, id);
      }
    }
    // Truncating encodes may cut long texts at a space between ASCII alphanumerics, where none of
    // these regexes has a match that spans (each run of letters, digits, symbols or whitespace
    // ends there, and a match may only begin with the space), so the words before and after it are
    // the full text's. Other patterns, or an added token containing a space, disable cuts.
    for (const auto& [piece, id] : spec.vocab) max_token_bytes = std::max(max_token_bytes, piece.size());
    bool known = !spec.splits.empty();
    for (const auto& rule : spec.splits)
      known = known && !rule.literal && rule.behavior == SplitBehavior::isolated &&
              (rule.pattern == kGpt2Pattern || rule.pattern == kQwen2Pattern || rule.pattern == kLlama3Pattern);
    bool spaced = false;
    for (const auto& t : spec.added_tokens) {
      max_token_bytes = std::max(max_token_bytes, t.content.size());
      spaced = spaced || t.content.find_first_of(" \t\r\n\f\v") != std::string::npos;
    }
    // A normalizer may shorten the text (NFC composes), so a cut could keep too little; Metaspace
    // makes the space a word's first character, so no cut is safe.
    cuttable = known && !spaced && spec.normalizers.empty() && spec.byte_level && !spec.metaspace;
    check(spec.byte_level || !spec.add_prefix_space,
          "{}: add_prefix_space is ByteLevel's; a character-level tokenizer prepends through Metaspace or a "
          "Prepend normalizer",
          spec.source);
    // Without ICU, NFC is passed through (exact for text already in NFC); other Unicode steps refuse.
    normalizers = spec.normalizers;
    std::erase_if(normalizers, [&](const NormalizerStep& step) {
      if (normalizer_available(step.kind)) return false;
      check(step.kind == NormalizerKind::nfc, "{}: normalizer {} needs ICU, and this build has none", spec.source,
            normalizer_name(step.kind));
      static std::atomic<bool> warned{false};
      if (!warned.exchange(true))
        log::warn(
            "{}: this build has no ICU: normalizer NFC passes text through unchanged (exact for text already "
            "in NFC)",
            spec.source);
      return true;
    });
    continuing = normalizers;
    std::erase_if(continuing, [](const NormalizerStep& step) { return step.kind == NormalizerKind::prepend; });
  }

  void encode_into(std::string_view text, const EncodeOptions& options, std::vector<int64_t>& out) const {
    std::string fixed;
    if (!is_valid_utf8(text)) text = fixed = to_valid_utf8(text);
    // A continuation's first stretch of text continues the text before it: it gets none of the
    // prefixes the library puts before each stretch (ByteLevel's space, Prepend, Metaspace's "▁").
    // Stretches after an added token inside it are stretches of their own, as in the joined text.
    const bool templated = options.add_special_tokens && !options.continuation;
    if (templated) out.insert(out.end(), spec.prefix_ids.begin(), spec.prefix_ids.end());
    std::vector<TextSegment> segments;
    added.split(text, options.parse_special, segments);
    std::vector<std::string_view> words, pieces;
    std::string prefixed, normalized, spaced;
    for (const TextSegment& seg : segments) {
      if (seg.id >= 0) {
        out.push_back(seg.id);
        continue;
      }
      const bool at_text_start = seg.text.data() == text.data();
      const bool continuing_here = options.continuation && at_text_start;
      std::string_view piece = seg.text;
      if (const auto& steps = continuing_here ? continuing : normalizers; !steps.empty()) {
        normalized = normalize(piece, steps);
        if (normalized.empty()) continue;
        piece = normalized;
      }
      if (piece.empty()) continue;
      if (spec.add_prefix_space && !continuing_here && piece.front() != ' ') {
        prefixed.assign(1, ' ').append(piece);
        piece = prefixed;
      }
      words.clear();
      pre.split_valid(piece, words);
      if (!spec.metaspace) {
        for (std::string_view w : words) model.encode_word(w, out);
        continue;
      }
      // Metaspace's "first" scheme prepends only to text at the very start of the input.
      const bool input_start = at_text_start && !options.continuation;
      for (size_t k = 0; k < words.size(); ++k) {
        const MetaspaceAt at = k > 0             ? MetaspaceAt::later
                               : continuing_here ? MetaspaceAt::continuation
                               : input_start     ? MetaspaceAt::input_start
                                                 : MetaspaceAt::later;
        pieces.clear();
        metaspace_words(words[k], at, *spec.metaspace, spaced, pieces);
        for (std::string_view w : pieces) model.encode_word(w, out);
      }
    }
    if (templated) out.insert(out.end(), spec.suffix_ids.begin(), spec.suffix_ids.end());
  }
};

Tokenizer::Tokenizer(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {
  auto first = [this](std::initializer_list<std::string_view> names) -> std::optional<int64_t> {
    for (std::string_view n : names) {
      if (auto id = token_to_id(n)) return id;
    }
    return std::nullopt;
  };
  bos_id_ = first({"<|begin_of_text|>", "<s>", "<|endoftext|>"});
  eos_id_ = first({"<|endoftext|>", "<|end_of_text|>", "</s>"});
  pad_id_ = first({"<|pad|>", "<pad>"});
}

Tokenizer Tokenizer::from_spec(TokenizerSpec spec) { return Tokenizer(std::make_shared<const Impl>(std::move(spec))); }

Tokenizer Tokenizer::from_file(const fs::path& tokenizer_json) {
  return from_spec(load_tokenizer_json(tokenizer_json));
}

Tokenizer Tokenizer::from_vocab_merges(const fs::path& vocab_json, const fs::path& merges_txt) {
  return from_spec(load_vocab_merges(vocab_json, merges_txt));
}

namespace {

// A tokenizer_config.json token field: "text", {"content": "text", ...}, or null.
std::optional<std::optional<std::string>> config_token(const nlohmann::json& cfg, const char* key) {
  auto it = cfg.find(key);
  if (it == cfg.end()) return std::nullopt;  // absent: keep the guess
  if (it->is_null()) return std::optional<std::string>{};
  if (it->is_string()) return std::optional<std::string>{it->get<std::string>()};
  if (it->is_object() && it->contains("content") && (*it)["content"].is_string()) {
    return std::optional<std::string>{(*it)["content"].get<std::string>()};
  }
  return std::nullopt;
}

}  // namespace

Tokenizer Tokenizer::from_dir(const fs::path& dir) {
  const fs::path config_path = dir / "tokenizer_config.json";
  nlohmann::json config;
  if (fs::exists(config_path)) {
    try {
      config = io::parse_json(read_file(config_path));
    } catch (const nlohmann::json::exception& e) {
      fail("{}: invalid JSON: {}", config_path.string(), e.what());
    }
    check(config.is_object(), "{}: the top level must be an object", config_path.string());
  }

  TokenizerSpec spec;
  if (fs::exists(dir / "tokenizer.json")) {
    spec = load_tokenizer_json(dir / "tokenizer.json");
  } else if (fs::exists(dir / "vocab.json") && fs::exists(dir / "merges.txt")) {
    spec = load_vocab_merges(dir / "vocab.json", dir / "merges.txt");
    auto it = config.is_object() ? config.find("added_tokens_decoder") : config.end();
    if (config.is_object() && it != config.end() && it->is_object()) {
      for (const auto& [key, entry] : it->items()) {
        const std::string where = fmt::format("added_tokens_decoder[\"{}\"]", key);
        int64_t id = -1;
        try {
          id = std::stoll(key);
        } catch (const std::exception&) {
          fail("{}: {}: the key must be a token id", config_path.string(), where);
        }
        check(entry.is_object() && entry.contains("content") && entry["content"].is_string(),
              "{}: {}.content must be a string", config_path.string(), where);
        AddedToken tok;
        tok.id = id;
        tok.content = entry["content"].get<std::string>();
        tok.special = entry.value("special", false);
        tok.lstrip = entry.value("lstrip", false);
        tok.rstrip = entry.value("rstrip", false);
        tok.normalized = entry.value("normalized", !tok.special);
        auto same = [&](const AddedToken& t) { return t.content == tok.content; };
        auto& added = spec.added_tokens;
        added.erase(std::remove_if(added.begin(), added.end(), same), added.end());
        added.push_back(std::move(tok));
      }
    }
  } else if (fs::exists(dir / "encoder.json") && fs::exists(dir / "vocab.bpe")) {
    spec = load_vocab_merges(dir / "encoder.json", dir / "vocab.bpe");
  } else {
    fail(
        "{}: no tokenizer found (tokenizer.json, vocab.json + merges.txt, or encoder.json + "
        "vocab.bpe)",
        dir.string());
  }
  Tokenizer tok = from_spec(std::move(spec));

  if (config.is_object()) {
    auto apply = [&](const char* key, void (Tokenizer::*set)(std::optional<int64_t>)) {
      auto value = config_token(config, key);
      if (!value) return;
      if (!*value) {
        (tok.*set)(std::nullopt);
        return;
      }
      auto id = tok.token_to_id(**value);
      if (!id) {
        log::warn("{}: {} \"{}\" is not in the vocabulary; ignored", config_path.string(), key, **value);
        return;
      }
      (tok.*set)(id);
    };
    apply("bos_token", &Tokenizer::set_bos_id);
    apply("eos_token", &Tokenizer::set_eos_id);
    apply("pad_token", &Tokenizer::set_pad_id);
  }
  return tok;
}

std::vector<int64_t> Tokenizer::encode(std::string_view text, const EncodeOptions& options) const {
  std::vector<int64_t> out;
  out.reserve(text.size() / 3 + 4);
  impl_->encode_into(text, options, out);
  return out;
}

namespace {
bool ascii_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
// A space between two ASCII alphanumerics: every pre-tokenizer match ends before it or starts at it.
bool safe_cut(std::string_view text, size_t p) {
  return p >= 1 && p + 1 < text.size() && text[p] == ' ' && ascii_alnum(text[p - 1]) && ascii_alnum(text[p + 1]);
}
}  // namespace

size_t Tokenizer::head_cut(std::string_view text, int64_t max_tokens) const {
  check(max_tokens >= 0, "encode_head: max_tokens must be >= 0, got {}", max_tokens);
  if (max_tokens == 0 || !impl_->cuttable) return text.size();
  // encode(text[0, p)) holds at least p / max_token_bytes text tokens: from p >= (max_tokens + 1) ×
  // max_token_bytes on, more than max_tokens.
  const auto n = static_cast<uint64_t>(max_tokens) + 1;
  if (n > text.size() / impl_->max_token_bytes) return text.size();
  for (size_t p = n * impl_->max_token_bytes; p + 1 < text.size(); ++p)
    if (safe_cut(text, p)) return p;
  return text.size();
}

size_t Tokenizer::tail_cut(std::string_view text, int64_t max_tokens) const {
  check(max_tokens >= 0, "encode_tail: max_tokens must be >= 0, got {}", max_tokens);
  if (max_tokens == 0 || !impl_->cuttable) return 0;
  const auto n = static_cast<uint64_t>(max_tokens) + 1;
  if (n > text.size() / impl_->max_token_bytes) return 0;
  for (size_t p = text.size() - n * impl_->max_token_bytes; p >= 1; --p)
    if (safe_cut(text, p)) return p;
  return 0;
}

std::vector<int64_t> Tokenizer::encode_head(std::string_view text, int64_t max_tokens,
                                            const EncodeOptions& options) const {
  auto ids = encode(text.substr(0, head_cut(text, max_tokens)), options);
  if (max_tokens > 0 && static_cast<int64_t>(ids.size()) > max_tokens) ids.resize(static_cast<size_t>(max_tokens));
  return ids;
}

std::vector<int64_t> Tokenizer::encode_tail(std::string_view text, int64_t max_tokens,
                                            const EncodeOptions& options) const {
  auto ids = encode(text.substr(tail_cut(text, max_tokens)), options);
  if (max_tokens > 0 && static_cast<int64_t>(ids.size()) > max_tokens) ids.erase(ids.begin(), ids.end() - max_tokens);
  return ids;
}

EncodedBatch Tokenizer::encode_batch(const std::vector<std::string>& texts, const BatchOptions& options) const {
  check(options.max_length >= 0, "encode_batch: max_length must be >= 0, got {}", options.max_length);
  const auto n = static_cast<int64_t>(texts.size());
  std::vector<std::vector<int64_t>> rows(texts.size());
  at::parallel_for(0, n, 16, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i)
      rows[i] = options.truncation_side == Side::right ? encode_head(texts[i], options.max_length, options.encode)
                                                       : encode_tail(texts[i], options.max_length, options.encode);
  });
  EncodedBatch batch;
  batch.lengths.resize(texts.size());
  int64_t t_max = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    auto& row = rows[i];
    const auto len = static_cast<int64_t>(row.size());
    if (options.max_length > 0 && len > options.max_length) {
      if (options.truncation_side == Side::right) {
        row.resize(options.max_length);
      } else {
        row.erase(row.begin(), row.begin() + (len - options.max_length));
      }
    }
    batch.lengths[i] = static_cast<int64_t>(row.size());
    t_max = std::max(t_max, batch.lengths[i]);
  }
  const int64_t pad = options.pad_id ? *options.pad_id : pad_id_ ? *pad_id_ : eos_id_.value_or(0);
  std::vector<int64_t> ids(static_cast<size_t>(n * t_max), pad);  // (B, T)
  std::vector<int64_t> mask(static_cast<size_t>(n * t_max), 0);   // (B, T)
  for (int64_t i = 0; i < n; ++i) {
    const int64_t len = batch.lengths[i];
    const int64_t offset = options.padding_side == Side::left ? t_max - len : 0;
    if (len > 0) std::memcpy(ids.data() + i * t_max + offset, rows[i].data(), len * sizeof(int64_t));
    std::fill(mask.data() + i * t_max + offset, mask.data() + i * t_max + offset + len, int64_t{1});
  }
  // from_blob + clone rather than torch::full: ATen/ops/from_blob.h builds with clang (fuzz/).
  batch.input_ids = at::from_blob(ids.data(), {n, t_max}, at::kLong).clone();
  batch.attention_mask = at::from_blob(mask.data(), {n, t_max}, at::kLong).clone();
  return batch;
}

std::string Tokenizer::decode(const std::vector<int64_t>& ids, bool skip_special_tokens) const {
  if (!impl_->spec.byte_level) {
    std::vector<std::string> tokens;
    tokens.reserve(ids.size());
    for (int64_t id : ids) {
      auto it = impl_->added_by_id.find(id);
      if (it != impl_->added_by_id.end()) {
        if (!(skip_special_tokens && it->second->special)) tokens.push_back(it->second->content);
        continue;
      }
      const std::string* piece = impl_->model.id_to_piece(id);
      check(piece != nullptr, "decode: token id {} is not in the vocabulary (size {})", id, impl_->vocab_size);
      tokens.push_back(*piece);
    }
    return decode_tokens(std::move(tokens), impl_->spec.decoders);
  }
  std::string out;
  for (int64_t id : ids) {
    auto it = impl_->added_by_id.find(id);
    if (it != impl_->added_by_id.end()) {
      if (!(skip_special_tokens && it->second->special)) out += it->second->content;
      continue;
    }
    const std::string* bytes = impl_->model.id_to_bytes(id);
    check(bytes != nullptr, "decode: token id {} is not in the vocabulary (size {})", id, impl_->vocab_size);
    out += *bytes;
  }
  return out;
}

std::string Tokenizer::id_to_token(int64_t id) const {
  auto it = impl_->added_by_id.find(id);
  if (it != impl_->added_by_id.end()) return it->second->content;
  const std::string* piece = impl_->model.id_to_piece(id);
  check(piece != nullptr, "id_to_token: token id {} is not in the vocabulary (size {})", id, impl_->vocab_size);
  return *piece;
}

std::optional<int64_t> Tokenizer::token_to_id(std::string_view token) const {
  auto it = impl_->added_by_content.find(std::string(token));
  if (it != impl_->added_by_content.end()) return it->second;
  return impl_->model.piece_to_id(token);
}

int64_t Tokenizer::vocab_size() const { return impl_->vocab_size; }

bool Tokenizer::is_special(int64_t id) const {
  auto it = impl_->added_by_id.find(id);
  return it != impl_->added_by_id.end() && it->second->special;
}

const TokenizerSpec& Tokenizer::spec() const { return impl_->spec; }

void Tokenizer::save(const fs::path& tokenizer_json) const {
  write_file_atomic(tokenizer_json, to_tokenizer_json(impl_->spec));
}

}  // namespace w2s::tokenizer
