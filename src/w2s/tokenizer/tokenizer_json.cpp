// tokenizer.json / vocab.json + merges.txt parsing and tokenizer.json writing.
#include "w2s/tokenizer/tokenizer_json.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>

#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/core/text.h"
#include "w2s/io/json_read.h"
#include "w2s/tokenizer/byte_level.h"

namespace w2s::tokenizer {
namespace {

using nlohmann::json;
using ojson = nlohmann::ordered_json;  // tokenizer.json keeps its keys in the order Hugging Face writes them

json parse_json(std::string_view text, const std::string& source) {
  try {
    return io::parse_json(text);
  } catch (const json::exception& e) {
    fail("{}: invalid JSON: {}", source, e.what());
  }
}

// Accessors that name the file and key on a type mismatch.
struct Reader {
  const std::string& source;

  const json* get(const json& obj, const char* key) const {
    auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
  }
  const json& object(const json& v, const std::string& key) const {
    check(v.is_object(), "{}: {} must be an object", source, key);
    return v;
  }
  bool flag(const json& obj, const char* key, const std::string& path, bool fallback) const {
    const json* v = get(obj, key);
    if (!v || v->is_null()) return fallback;
    check(v->is_boolean(), "{}: {}.{} must be true or false", source, path, key);
    return v->get<bool>();
  }
  std::optional<std::string> string(const json& obj, const char* key, const std::string& path) const {
    const json* v = get(obj, key);
    if (!v || v->is_null()) return std::nullopt;
    check(v->is_string(), "{}: {}.{} must be a string", source, path, key);
    return v->get<std::string>();
  }
  std::string type(const json& obj, const std::string& path) const {
    object(obj, path);
    auto t = string(obj, "type", path);
    check(t.has_value(), "{}: {}.type is missing", source, path);
    return *t;
  }
  int64_t id(const json& v, const std::string& key) const {
    check(v.is_number_integer(), "{}: {} must be an integer id", source, key);
    return v.get<int64_t>();
  }
};

void parse_added_tokens(const Reader& r, const json& root, TokenizerSpec& spec) {
  const json* list = r.get(root, "added_tokens");
  if (!list || list->is_null()) return;
  check(list->is_array(), "{}: added_tokens must be an array", r.source);
  for (size_t i = 0; i < list->size(); ++i) {
    const std::string path = fmt::format("added_tokens[{}]", i);
    const json& t = r.object((*list)[i], path);
    AddedToken tok;
    const json* id = r.get(t, "id");
    check(id != nullptr, "{}: {}.id is missing", r.source, path);
    tok.id = r.id(*id, path + ".id");
    auto content = r.string(t, "content", path);
    check(content.has_value() && !content->empty(), "{}: {}.content is missing or empty", r.source, path);
    check(is_valid_utf8(*content), "{}: {}.content is not valid UTF-8", r.source, path);
    tok.content = *content;
    tok.special = r.flag(t, "special", path, false);
    tok.lstrip = r.flag(t, "lstrip", path, false);
    tok.rstrip = r.flag(t, "rstrip", path, false);
    tok.normalized = r.flag(t, "normalized", path, !tok.special);
    if (r.flag(t, "single_word", path, false)) {
      fail("{}: {}.single_word = true is not supported", r.source, path);
    }
    spec.added_tokens.push_back(std::move(tok));
  }
}

void parse_normalizer_step(const Reader& r, const json& n, const std::string& path, TokenizerSpec& spec) {
  const std::string type = r.type(n, path);
  NormalizerStep step;
  if (type == "Sequence") {
    const json* list = r.get(n, "normalizers");
    check(list && list->is_array(), "{}: {}.normalizers must be an array", r.source, path);
    for (size_t i = 0; i < list->size(); ++i)
      parse_normalizer_step(r, (*list)[i], fmt::format("{}.normalizers[{}]", path, i), spec);
    return;
  }
  static const std::map<std::string, NormalizerKind> kSimple = {{"NFC", NormalizerKind::nfc},
                                                                {"NFD", NormalizerKind::nfd},
                                                                {"NFKC", NormalizerKind::nfkc},
                                                                {"NFKD", NormalizerKind::nfkd},
                                                                {"Lowercase", NormalizerKind::lowercase},
                                                                {"StripAccents", NormalizerKind::strip_accents}};
  if (auto it = kSimple.find(type); it != kSimple.end()) {
    step.kind = it->second;
  } else if (type == "Replace") {
    step.kind = NormalizerKind::replace;
    const json* pattern = r.get(n, "pattern");
    check(pattern && pattern->is_object(), "{}: {}.pattern must be {{\"String\": ...}}", r.source, path);
    if (r.get(*pattern, "Regex"))
      fail("{}: {}.pattern: a Regex Replace normalizer is not supported (only {{\"String\": ...}})", r.source, path);
    auto literal = r.string(*pattern, "String", path + ".pattern");
    check(literal && !literal->empty(), "{}: {}.pattern.String must be a non-empty string", r.source, path);
    step.pattern = *literal;
    step.content = r.string(n, "content", path).value_or("");
  } else if (type == "Prepend") {
    step.kind = NormalizerKind::prepend;
    auto prepend = r.string(n, "prepend", path);
    check(prepend.has_value(), "{}: {}.prepend is missing", r.source, path);
    step.content = *prepend;
  } else if (type == "Strip") {
    step.kind = NormalizerKind::strip;
    step.strip_left = r.flag(n, "strip_left", path, true);
    step.strip_right = r.flag(n, "strip_right", path, true);
  } else {
    fail(
        "{}: {}.type \"{}\" is not supported (NFC, NFD, NFKC, NFKD, Lowercase, Replace, Prepend, Strip, "
        "StripAccents or a Sequence of them)",
        r.source, path, type);
  }
  spec.normalizers.push_back(std::move(step));
}

void parse_normalizer(const Reader& r, const json& root, TokenizerSpec& spec) {
  spec.normalizers.clear();
  const json* n = r.get(root, "normalizer");
  if (!n || n->is_null()) return;
  parse_normalizer_step(r, *n, "normalizer", spec);
}

ojson normalizer_step_json(const NormalizerStep& step) {
  ojson j = {{"type", normalizer_name(step.kind)}};
  switch (step.kind) {
    case NormalizerKind::replace:
      j["pattern"] = {{"String", step.pattern}};
      j["content"] = step.content;
      break;
    case NormalizerKind::prepend:
      j["prepend"] = step.content;
      break;
    case NormalizerKind::strip:
      j["strip_left"] = step.strip_left;
      j["strip_right"] = step.strip_right;
      break;
    default:
      break;
  }
  return j;
}

void parse_split(const Reader& r, const json& s, const std::string& path, TokenizerSpec& spec) {
  SplitRule rule;
  const json* pattern = r.get(s, "pattern");
  check(pattern && pattern->is_object(),
        "{}: {}.pattern must be {{\"Regex\": ...}} or "
        "{{\"String\": ...}}",
        r.source, path);
  if (auto re = r.string(*pattern, "Regex", path + ".pattern")) {
    rule.pattern = *re;
  } else if (auto str = r.string(*pattern, "String", path + ".pattern")) {
    rule.pattern = *str;
    rule.literal = true;
  } else {
    fail("{}: {}.pattern must hold \"Regex\" or \"String\"", r.source, path);
  }
  const std::string behavior = r.string(s, "behavior", path).value_or("Isolated");
  if (behavior == "Isolated") {
    rule.behavior = SplitBehavior::isolated;
  } else if (behavior == "Removed") {
    rule.behavior = SplitBehavior::removed;
  } else {
    fail("{}: {}.behavior \"{}\" is not supported (Isolated or Removed)", r.source, path, behavior);
  }
  check(!r.flag(s, "invert", path, false), "{}: {}.invert = true is not supported", r.source, path);
  spec.splits.push_back(std::move(rule));
}

void parse_byte_level(const Reader& r, const json& b, const std::string& path, TokenizerSpec& spec) {
  // Hugging Face defaults: add_prefix_space and use_regex are true when absent.
  spec.add_prefix_space = r.flag(b, "add_prefix_space", path, true);
  if (r.flag(b, "use_regex", path, true)) spec.splits.push_back(SplitRule{});
  spec.byte_level = true;
}

// Metaspace, as a pre-tokenizer or a decoder: replacement, then prepend_scheme (tokenizers >= 0.15)
// or the older add_prefix_space, then split.
Metaspace parse_metaspace(const Reader& r, const json& m, const std::string& path) {
  Metaspace ms;
  ms.replacement = r.string(m, "replacement", path).value_or(ms.replacement);
  check(utf8_length(ms.replacement) == 1 && is_valid_utf8(ms.replacement),
        "{}: {}.replacement must be one character, got \"{}\"", r.source, path, ms.replacement);
  if (auto scheme = r.string(m, "prepend_scheme", path)) {
    if (*scheme == "always") {
      ms.prepend_scheme = PrependScheme::always;
    } else if (*scheme == "first") {
      ms.prepend_scheme = PrependScheme::first;
    } else if (*scheme == "never") {
      ms.prepend_scheme = PrependScheme::never;
    } else {
      fail("{}: {}.prepend_scheme \"{}\" is not one of always, first, never", r.source, path, *scheme);
    }
  } else {
    ms.prepend_scheme = r.flag(m, "add_prefix_space", path, true) ? PrependScheme::always : PrependScheme::never;
  }
  ms.split = r.flag(m, "split", path, true);
  return ms;
}

// pre_tokenizer: ByteLevel (byte-level BPE), Metaspace or null (character-level BPE), a Split, or a
// Sequence of Splits that may end in ByteLevel or Metaspace.
void parse_pre_tokenizer(const Reader& r, const json& root, TokenizerSpec& spec) {
  spec.splits.clear();
  spec.byte_level = false;
  spec.add_prefix_space = false;
  spec.metaspace.reset();
  const json* p = r.get(root, "pre_tokenizer");
  if (!p || p->is_null()) return;  // the whole normalized text is one word
  const std::string type = r.type(*p, "pre_tokenizer");
  std::vector<std::pair<const json*, std::string>> steps;
  if (type == "Sequence") {
    const json* list = r.get(*p, "pretokenizers");
    check(list && list->is_array(), "{}: pre_tokenizer.pretokenizers must be an array", r.source);
    for (size_t i = 0; i < list->size(); ++i)
      steps.emplace_back(&(*list)[i], fmt::format("pre_tokenizer.pretokenizers[{}]", i));
  } else {
    steps.emplace_back(p, "pre_tokenizer");
  }
  bool last = false;  // a ByteLevel or Metaspace step was seen: nothing may follow
  for (const auto& [step, path] : steps) {
    const std::string t = r.type(*step, path);
    check(!last, "{}: {}: steps after ByteLevel or Metaspace are not supported", r.source, path);
    if (t == "Split") {
      parse_split(r, *step, path, spec);
    } else if (t == "ByteLevel") {
      parse_byte_level(r, *step, path, spec);
      last = true;
    } else if (t == "Metaspace") {
      spec.metaspace = parse_metaspace(r, *step, path);
      last = true;
    } else {
      fail(
          "{}: {}.type \"{}\" is not supported (ByteLevel, Metaspace, Split, or a Sequence of Splits ending in "
          "ByteLevel or Metaspace)",
          r.source, path, t);
    }
  }
  check(!(spec.byte_level && spec.byte_fallback),
        "{}: model.byte_fallback = true with a ByteLevel pre_tokenizer is not supported (byte-level pieces "
        "already cover every byte)",
        r.source);
}

void parse_template(const Reader& r, const json& t, const std::string& path, TokenizerSpec& spec) {
  std::map<std::string, std::vector<int64_t>> specials;
  if (const json* st = r.get(t, "special_tokens"); st && !st->is_null()) {
    check(st->is_object(), "{}: {}.special_tokens must be an object", r.source, path);
    for (const auto& [name, entry] : st->items()) {
      const std::string key = fmt::format("{}.special_tokens[\"{}\"]", path, name);
      const json* ids = entry.is_object() ? r.get(entry, "ids") : nullptr;
      check(ids && ids->is_array(), "{}: {}.ids must be an array", r.source, key);
      for (const json& id : *ids) specials[name].push_back(r.id(id, key + ".ids[]"));
    }
  }
  const json* single = r.get(t, "single");
  check(single && single->is_array(), "{}: {}.single must be an array", r.source, path);
  spec.prefix_ids.clear();
  spec.suffix_ids.clear();
  bool seen_sequence = false;
  for (size_t i = 0; i < single->size(); ++i) {
    const std::string key = fmt::format("{}.single[{}]", path, i);
    const json& item = (*single)[i];
    check(item.is_object(), "{}: {} must be an object", r.source, key);
    if (const json* s = r.get(item, "SpecialToken")) {
      auto name = r.string(r.object(*s, key + ".SpecialToken"), "id", key + ".SpecialToken");
      check(name.has_value(), "{}: {}.SpecialToken.id is missing", r.source, key);
      auto it = specials.find(*name);
      check(it != specials.end(), "{}: {}: \"{}\" is not in {}.special_tokens", r.source, key, *name, path);
      auto& dst = seen_sequence ? spec.suffix_ids : spec.prefix_ids;
      dst.insert(dst.end(), it->second.begin(), it->second.end());
    } else if (const json* s = r.get(item, "Sequence")) {
      auto name = r.string(r.object(*s, key + ".Sequence"), "id", key + ".Sequence");
      check(name == "A" && !seen_sequence,
            "{}: {}: only one Sequence \"A\" is supported in a "
            "single template",
            r.source, key);
      seen_sequence = true;
    } else {
      fail("{}: {} must be a SpecialToken or a Sequence", r.source, key);
    }
  }
}

void parse_post_processor(const Reader& r, const json* p, const std::string& path, TokenizerSpec& spec) {
  if (!p || p->is_null()) return;
  const std::string type = r.type(*p, path);
  if (type == "ByteLevel") return;  // only adjusts offsets
  if (type == "TemplateProcessing") {
    parse_template(r, *p, path, spec);
    return;
  }
  if (type == "Sequence") {
    const json* list = r.get(*p, "processors");
    check(list && list->is_array(), "{}: {}.processors must be an array", r.source, path);
    for (size_t i = 0; i < list->size(); ++i) {
      parse_post_processor(r, &(*list)[i], fmt::format("{}.processors[{}]", path, i), spec);
    }
    return;
  }
  fail("{}: {}.type \"{}\" is not supported (ByteLevel or TemplateProcessing)", r.source, path, type);
}

// Byte-level tokenizers decode through their alphabet: their decoder must be ByteLevel (or null).
// Character-level ones keep their steps in spec.decoders.
void parse_decoder(const Reader& r, const json* d, const std::string& path, TokenizerSpec& spec) {
  if (!d || d->is_null()) return;
  const std::string type = r.type(*d, path);
  if (type == "Sequence") {
    const json* list = r.get(*d, "decoders");
    check(list && list->is_array(), "{}: {}.decoders must be an array", r.source, path);
    for (size_t i = 0; i < list->size(); ++i) {
      parse_decoder(r, &(*list)[i], fmt::format("{}.decoders[{}]", path, i), spec);
    }
    return;
  }
  if (spec.byte_level) {
    check(type == "ByteLevel",
          "{}: {}.type \"{}\" is not supported with a ByteLevel pre_tokenizer (only a ByteLevel decoder)", r.source,
          path, type);
    return;
  }
  DecoderStep step;
  if (type == "Replace") {
    step.kind = DecoderKind::replace;
    const json* pattern = r.get(*d, "pattern");
    check(pattern && pattern->is_object(), "{}: {}.pattern must be {{\"String\": ...}}", r.source, path);
    auto literal = r.string(*pattern, "String", path + ".pattern");
    check(literal && !literal->empty(),
          "{}: {}.pattern: only a non-empty {{\"String\": ...}} is supported (not a Regex)", r.source, path);
    step.pattern = *literal;
    step.content = r.string(*d, "content", path).value_or("");
  } else if (type == "ByteFallback") {
    step.kind = DecoderKind::byte_fallback;
  } else if (type == "Fuse") {
    step.kind = DecoderKind::fuse;
  } else if (type == "Strip") {
    step.kind = DecoderKind::strip;
    step.content = r.string(*d, "content", path).value_or(" ");
    check(utf8_length(step.content) == 1, "{}: {}.content must be one character", r.source, path);
    for (auto [key, field] : {std::pair{"start", &step.start}, std::pair{"stop", &step.stop}}) {
      const json* v = r.get(*d, key);
      if (!v || v->is_null()) continue;
      check(v->is_number_unsigned() || (v->is_number_integer() && v->get<int64_t>() >= 0),
            "{}: {}.{} must be a count >= 0", r.source, path, key);
      *field = v->get<int64_t>();
    }
  } else if (type == "Metaspace") {
    const Metaspace ms = parse_metaspace(r, *d, path);
    step.kind = DecoderKind::metaspace;
    step.pattern = ms.replacement;
    step.prepend_scheme = ms.prepend_scheme;
    step.split = ms.split;
  } else if (type == "ByteLevel") {
    fail("{}: {}: a ByteLevel decoder needs a ByteLevel pre_tokenizer (this tokenizer's pieces are text)", r.source,
         path);
  } else {
    fail("{}: {}.type \"{}\" is not supported (Replace, ByteFallback, Fuse, Strip, Metaspace or a Sequence of them)",
         r.source, path, type);
  }
  spec.decoders.push_back(std::move(step));
}

void parse_model(const Reader& r, const json& root, TokenizerSpec& spec) {
  const json* m = r.get(root, "model");
  check(m != nullptr, "{}: model is missing", r.source);
  r.object(*m, "model");
  const std::string type = r.string(*m, "type", "model").value_or("BPE");
  check(type == "BPE", "{}: model.type \"{}\" is not supported (only BPE)", r.source, type);
  if (const json* d = r.get(*m, "dropout"); d && !d->is_null()) {
    check(d->is_number() && d->get<double>() == 0.0, "{}: model.dropout is not supported (must be null)", r.source);
  }
  for (const char* key : {"continuing_subword_prefix", "end_of_word_suffix"}) {
    auto v = r.string(*m, key, "model");
    check(!v || v->empty(), "{}: model.{} \"{}\" is not supported (must be null or empty)", r.source, key,
          v.value_or(""));
  }
  spec.byte_fallback = r.flag(*m, "byte_fallback", "model", false);
  spec.fuse_unk = r.flag(*m, "fuse_unk", "model", false);
  spec.ignore_merges = r.flag(*m, "ignore_merges", "model", false);
  spec.unk_token = r.string(*m, "unk_token", "model");

  const json* vocab = r.get(*m, "vocab");
  check(vocab != nullptr, "{}: model.vocab is missing", r.source);
  check(vocab->is_object(), "{}: model.vocab must be an object {{piece: id}}", r.source);
  spec.vocab.reserve(vocab->size());
  for (const auto& [piece, id] : vocab->items()) {
    spec.vocab.emplace_back(piece, r.id(id, fmt::format("model.vocab[\"{}\"]", piece)));
  }
  const json* merges = r.get(*m, "merges");
  check(merges != nullptr, "{}: model.merges is missing", r.source);
  check(merges->is_array(), "{}: model.merges must be an array", r.source);
  spec.merges.reserve(merges->size());
  for (size_t i = 0; i < merges->size(); ++i) {
    const json& e = (*merges)[i];
    if (e.is_string()) {  // "a b" (tokenizers < 0.20)
      const std::string& s = e.get_ref<const std::string&>();
      const size_t sp = s.find(' ');
      check(sp != std::string::npos && sp > 0 && sp + 1 < s.size() && s.find(' ', sp + 1) == std::string::npos,
            "{}: model.merges[{}] \"{}\" must be two tokens separated by one space", r.source, i, s);
      spec.merges.emplace_back(s.substr(0, sp), s.substr(sp + 1));
    } else if (e.is_array() && e.size() == 2 && e[0].is_string() && e[1].is_string()) {
      spec.merges.emplace_back(e[0].get<std::string>(), e[1].get<std::string>());
    } else {
      fail("{}: model.merges[{}] must be \"a b\" or [\"a\", \"b\"]", r.source, i);
    }
  }
}

void add_endoftext_if_present(TokenizerSpec& spec) {
  for (const auto& [piece, id] : spec.vocab) {
    if (piece == "<|endoftext|>") {
      spec.added_tokens.push_back(AddedToken{id, piece, true, false, false, false});
      return;
    }
  }
}

ojson metaspace_json(const Metaspace& m) {
  return {{"type", "Metaspace"},
          {"replacement", m.replacement},
          {"prepend_scheme", prepend_scheme_name(m.prepend_scheme)},
          {"split", m.split}};
}

ojson split_json(const SplitRule& rule) {
  return {{"type", "Split"},
          {"pattern", {{rule.literal ? "String" : "Regex", rule.pattern}}},
          {"behavior", rule.behavior == SplitBehavior::isolated ? "Isolated" : "Removed"},
          {"invert", false}};
}

void write_pre_tokenizer(const TokenizerSpec& spec, ojson& root) {
  ojson steps = ojson::array();
  if (spec.byte_level) {
    const bool gpt2_regex = spec.splits.size() == 1 && !spec.splits[0].literal &&
                            spec.splits[0].pattern == kGpt2Pattern &&
                            spec.splits[0].behavior == SplitBehavior::isolated;
    ojson byte_level = {{"type", "ByteLevel"},
                        {"add_prefix_space", spec.add_prefix_space},
                        {"trim_offsets", true},
                        {"use_regex", gpt2_regex}};
    if (gpt2_regex || spec.splits.empty()) {
      root["pre_tokenizer"] = byte_level;
      return;
    }
    for (const SplitRule& rule : spec.splits) steps.push_back(split_json(rule));
    byte_level["trim_offsets"] = false;
    steps.push_back(byte_level);
  } else {
    for (const SplitRule& rule : spec.splits) steps.push_back(split_json(rule));
    if (spec.metaspace) steps.push_back(metaspace_json(*spec.metaspace));
  }
  if (steps.empty()) {
    root["pre_tokenizer"] = nullptr;
  } else if (steps.size() == 1) {
    root["pre_tokenizer"] = std::move(steps[0]);
  } else {
    root["pre_tokenizer"] = {{"type", "Sequence"}, {"pretokenizers", std::move(steps)}};
  }
}

void write_post_processor(const TokenizerSpec& spec, const std::map<int64_t, std::string>& token_of, ojson& root) {
  ojson byte_level_pp = {
      {"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", false}, {"use_regex", true}};
  if (spec.prefix_ids.empty() && spec.suffix_ids.empty()) {
    root["post_processor"] = spec.byte_level ? byte_level_pp : ojson(nullptr);
    return;
  }
  ojson single = ojson::array(), pair = ojson::array(), specials = ojson::object();
  auto special_item = [&](int64_t id, int type_id) {
    const std::string& name = token_of.at(id);
    specials[name] = {{"id", name}, {"ids", {id}}, {"tokens", {name}}};
    return ojson{{"SpecialToken", {{"id", name}, {"type_id", type_id}}}};
  };
  for (int64_t id : spec.prefix_ids) single.push_back(special_item(id, 0));
  single.push_back({{"Sequence", {{"id", "A"}, {"type_id", 0}}}});
  for (int64_t id : spec.suffix_ids) single.push_back(special_item(id, 0));
  pair = single;
  for (int64_t id : spec.prefix_ids) pair.push_back(special_item(id, 1));
  pair.push_back({{"Sequence", {{"id", "B"}, {"type_id", 1}}}});
  for (int64_t id : spec.suffix_ids) pair.push_back(special_item(id, 1));
  ojson tp = {{"type", "TemplateProcessing"},
              {"single", std::move(single)},
              {"pair", std::move(pair)},
              {"special_tokens", std::move(specials)}};
  if (spec.byte_level) {
    root["post_processor"] = {{"type", "Sequence"}, {"processors", {byte_level_pp, tp}}};
  } else {
    root["post_processor"] = std::move(tp);
  }
}

ojson decoder_step_json(const DecoderStep& step) {
  ojson j = {{"type", decoder_name(step.kind)}};
  switch (step.kind) {
    case DecoderKind::replace:
      j["pattern"] = {{"String", step.pattern}};
      j["content"] = step.content;
      break;
    case DecoderKind::strip:
      j["content"] = step.content;
      j["start"] = step.start;
      j["stop"] = step.stop;
      break;
    case DecoderKind::metaspace:
      j = metaspace_json(Metaspace{step.pattern, step.prepend_scheme, step.split});
      break;
    default:
      break;
  }
  return j;
}

void write_decoder(const TokenizerSpec& spec, ojson& root) {
  if (spec.byte_level) {
    root["decoder"] = {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", true}, {"use_regex", true}};
  } else if (spec.decoders.empty()) {
    root["decoder"] = nullptr;
  } else if (spec.decoders.size() == 1) {
    root["decoder"] = decoder_step_json(spec.decoders[0]);
  } else {
    ojson steps = ojson::array();
    for (const auto& step : spec.decoders) steps.push_back(decoder_step_json(step));
    root["decoder"] = {{"type", "Sequence"}, {"decoders", std::move(steps)}};
  }
}

}  // namespace

TokenizerSpec parse_tokenizer_json(std::string_view json_text, const std::string& source) {
  const json root = parse_json(json_text, source);
  const Reader r{source};
  check(root.is_object(), "{}: the top level must be an object", source);
  TokenizerSpec spec;
  spec.source = source;
  parse_model(r, root, spec);
  parse_added_tokens(r, root, spec);
  parse_normalizer(r, root, spec);
  parse_pre_tokenizer(r, root, spec);
  parse_post_processor(r, r.get(root, "post_processor"), "post_processor", spec);
  parse_decoder(r, r.get(root, "decoder"), "decoder", spec);
  return spec;
}

TokenizerSpec load_tokenizer_json(const std::filesystem::path& path) {
  return parse_tokenizer_json(read_file(path), path.string());
}

TokenizerSpec load_vocab_merges(const std::filesystem::path& vocab_json, const std::filesystem::path& merges_txt) {
  const std::string vsrc = vocab_json.string();
  const std::string msrc = merges_txt.string();
  const json vocab = parse_json(read_file(vocab_json), vsrc);
  check(vocab.is_object(), "{}: must be an object {{piece: id}}", vsrc);
  TokenizerSpec spec;
  spec.source = vsrc;
  spec.merges_where = msrc + ": merge";
  spec.add_prefix_space = false;
  spec.vocab.reserve(vocab.size());
  const Reader r{vsrc};
  for (const auto& [piece, id] : vocab.items()) {
    spec.vocab.emplace_back(piece, r.id(id, fmt::format("[\"{}\"]", piece)));
  }
  const std::string text = read_file(merges_txt);
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    std::string_view line(text.data() + pos, eol - pos);
    pos = eol + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (line_no == 1 && line.rfind("#version", 0) == 0) continue;
    const size_t sp = line.find(' ');
    check(sp != std::string_view::npos && sp > 0 && sp + 1 < line.size() &&
              line.find(' ', sp + 1) == std::string_view::npos,
          "{}: line {}: expected two tokens separated by one space, got \"{}\"", msrc, line_no, line);
    spec.merges.emplace_back(std::string(line.substr(0, sp)), std::string(line.substr(sp + 1)));
  }
  add_endoftext_if_present(spec);
  return spec;
}

std::string to_tokenizer_json(const TokenizerSpec& spec) {
  std::map<int64_t, std::string> token_of;  // content for template ids
  for (const auto& [piece, id] : spec.vocab) token_of.emplace(id, piece);
  for (const AddedToken& t : spec.added_tokens) token_of[t.id] = t.content;

  ojson root;
  root["version"] = "1.0";
  root["truncation"] = nullptr;
  root["padding"] = nullptr;
  std::vector<AddedToken> added = spec.added_tokens;
  std::stable_sort(added.begin(), added.end(), [](const AddedToken& a, const AddedToken& b) { return a.id < b.id; });
  ojson added_json = ojson::array();
  for (const AddedToken& t : added) {
    added_json.push_back({{"id", t.id},
                          {"content", t.content},
                          {"single_word", false},
                          {"lstrip", t.lstrip},
                          {"rstrip", t.rstrip},
                          {"normalized", t.normalized},
                          {"special", t.special}});
  }
  root["added_tokens"] = std::move(added_json);
  if (spec.normalizers.empty()) {
    root["normalizer"] = nullptr;
  } else if (spec.normalizers.size() == 1) {
    root["normalizer"] = normalizer_step_json(spec.normalizers[0]);
  } else {
    ojson steps = ojson::array();
    for (const auto& step : spec.normalizers) steps.push_back(normalizer_step_json(step));
    root["normalizer"] = {{"type", "Sequence"}, {"normalizers", std::move(steps)}};
  }

  write_pre_tokenizer(spec, root);
  write_post_processor(spec, token_of, root);
  write_decoder(spec, root);

  ojson model;
  model["type"] = "BPE";
  model["dropout"] = nullptr;
  model["unk_token"] = spec.unk_token ? ojson(*spec.unk_token) : ojson(nullptr);
  model["continuing_subword_prefix"] = nullptr;
  model["end_of_word_suffix"] = nullptr;
  model["fuse_unk"] = spec.fuse_unk;
  model["byte_fallback"] = spec.byte_fallback;
  if (spec.ignore_merges) model["ignore_merges"] = true;  // older readers do not know the key
  std::vector<std::pair<std::string, int64_t>> vocab = spec.vocab;
  std::stable_sort(vocab.begin(), vocab.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  // ordered_json's operator[] searches linearly; the pieces are distinct (BpeModel checked), so
  // append to the underlying vector directly.
  ojson vocab_json = ojson::object();
  auto& entries = vocab_json.get_ref<ojson::object_t&>();
  entries.reserve(vocab.size());
  for (const auto& [piece, id] : vocab) entries.ojson::object_t::Container::emplace_back(piece, id);
  model["vocab"] = std::move(vocab_json);
  // "a b" strings load in every tokenizers version; pairs are needed when a piece has a space.
  const bool as_pairs = std::any_of(spec.merges.begin(), spec.merges.end(), [](const auto& m) {
    return m.first.find(' ') != std::string::npos || m.second.find(' ') != std::string::npos;
  });
  ojson merges = ojson::array();
  for (const auto& [a, b] : spec.merges) {
    if (as_pairs) {
      merges.push_back({a, b});
    } else {
      merges.push_back(a + " " + b);
    }
  }
  model["merges"] = std::move(merges);
  root["model"] = std::move(model);
  try {
    return root.dump(2) + "\n";
  } catch (const nlohmann::json::exception& e) {
    fail("{}: cannot write tokenizer.json: {}", spec.source, e.what());
  }
}

}  // namespace w2s::tokenizer
