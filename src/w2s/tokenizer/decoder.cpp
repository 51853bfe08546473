// Decoder steps over token strings (see decoder.h).
#include "w2s/tokenizer/decoder.h"

#include <string_view>

#include "w2s/core/text.h"

namespace w2s::tokenizer {
namespace {

// "<0xNN>" (two hex digits, either case, as the library's from_str_radix accepts): the byte.
int fallback_byte(const std::string& token) {
  if (token.size() != 6 || token.compare(0, 3, "<0x") != 0 || token[5] != '>') return -1;
  auto hex = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  const int hi = hex(token[3]), lo = hex(token[4]);
  return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

// Strip: the library compares characters, so `content` is one UTF-8 character.
std::string strip(const std::string& token, const std::string& ch, int64_t start, int64_t stop) {
  if (ch.empty()) return token;
  std::string_view t = token;
  for (int64_t i = 0; i < start && t.substr(0, ch.size()) == ch; ++i) t.remove_prefix(ch.size());
  for (int64_t i = 0; i < stop && t.size() >= ch.size() && t.substr(t.size() - ch.size()) == ch; ++i)
    t.remove_suffix(ch.size());
  return std::string(t);
}

std::vector<std::string> byte_fallback(std::vector<std::string>& tokens) {
  std::vector<std::string> out;
  out.reserve(tokens.size());
  std::string run;
  bool in_run = false;
  for (auto& token : tokens) {
    const int b = fallback_byte(token);
    if (b >= 0) {
      run.push_back(static_cast<char>(b));
      in_run = true;
      continue;
    }
    if (in_run) out.push_back(std::move(run));
    run.clear();
    in_run = false;
    out.push_back(std::move(token));
  }
  if (in_run) out.push_back(std::move(run));
  return out;
}

}  // namespace

const char* decoder_name(DecoderKind kind) {
  switch (kind) {
    case DecoderKind::replace:
      return "Replace";
    case DecoderKind::byte_fallback:
      return "ByteFallback";
    case DecoderKind::fuse:
      return "Fuse";
    case DecoderKind::strip:
      return "Strip";
    case DecoderKind::metaspace:
      return "Metaspace";
  }
  return "?";
}

std::string decode_tokens(std::vector<std::string> tokens, const std::vector<DecoderStep>& steps) {
  for (const DecoderStep& step : steps) {
    switch (step.kind) {
      case DecoderKind::replace:
        for (auto& t : tokens) t = replace_all(t, step.pattern, step.content);
        break;
      case DecoderKind::byte_fallback:
        tokens = byte_fallback(tokens);
        break;
      case DecoderKind::fuse: {
        std::string all;
        for (const auto& t : tokens) all += t;
        tokens.assign(1, std::move(all));
        break;
      }
      case DecoderKind::strip:
        for (auto& t : tokens) t = strip(t, step.content, step.start, step.stop);
        break;
      case DecoderKind::metaspace:
        for (size_t i = 0; i < tokens.size(); ++i) {
          const bool drop = i == 0 && step.prepend_scheme != PrependScheme::never;
          tokens[i] = replace_all(tokens[i], step.pattern, drop ? "" : " ");
        }
        break;
    }
  }
  std::string out;
  for (const auto& t : tokens) out += t;
  return out;
}

}  // namespace w2s::tokenizer
