// Added-token matching: a first-byte index over the tokens, longest token first at each position.
#include "w2s/tokenizer/added_tokens.h"

#include <algorithm>
#include <cstring>

namespace w2s::tokenizer {
namespace {

bool is_ascii_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

}  // namespace

AddedTokenMatcher::AddedTokenMatcher(const std::vector<AddedToken>& tokens) {
  for (const AddedToken& t : tokens) {
    if (!t.content.empty()) tokens_.push_back(t);
  }
  std::stable_sort(tokens_.begin(), tokens_.end(), [](const AddedToken& a, const AddedToken& b) {
    const auto fa = static_cast<unsigned char>(a.content[0]);
    const auto fb = static_cast<unsigned char>(b.content[0]);
    if (fa != fb) return fa < fb;
    return a.content.size() > b.content.size();
  });
  size_t k = 0;
  for (uint32_t b = 0; b < 256; ++b) {
    first_byte_[b] = static_cast<uint32_t>(k);
    while (k < tokens_.size() && static_cast<unsigned char>(tokens_[k].content[0]) == b) ++k;
  }
  first_byte_[256] = static_cast<uint32_t>(k);
}

void AddedTokenMatcher::split(std::string_view text, bool match_special, std::vector<TextSegment>& out) const {
  if (tokens_.empty()) {
    if (!text.empty()) out.push_back({text, -1});
    return;
  }
  size_t plain_begin = 0;  // start of the plain text not emitted yet
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    const auto b = static_cast<unsigned char>(text[i]);
    const AddedToken* found = nullptr;
    for (uint32_t k = first_byte_[b]; k < first_byte_[b + 1]; ++k) {
      const AddedToken& t = tokens_[k];
      if (t.special && !match_special) continue;
      if (t.content.size() <= n - i && std::memcmp(text.data() + i, t.content.data(), t.content.size()) == 0) {
        found = &t;
        break;
      }
    }
    if (!found) {
      ++i;
      continue;
    }
    size_t begin = i;
    size_t end = i + found->content.size();
    if (found->lstrip) {
      while (begin > plain_begin && is_ascii_space(text[begin - 1])) --begin;
    }
    if (found->rstrip) {
      while (end < n && is_ascii_space(text[end])) ++end;
    }
    if (begin > plain_begin) out.push_back({text.substr(plain_begin, begin - plain_begin), -1});
    out.push_back({text.substr(begin, end - begin), found->id});
    plain_begin = i = end;
  }
  if (plain_begin < n) out.push_back({text.substr(plain_begin), -1});
}

}  // namespace w2s::tokenizer
