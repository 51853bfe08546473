// UTF-8 validation, counted U+FFFD replacement (maximal subparts) and text normalization.
#include "w2s/core/text.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

namespace w2s {
namespace {

struct Step {
  size_t len;  // bytes consumed
  bool valid;  // a well-formed sequence (else len bytes form one maximal ill-formed subpart)
};

// Decode the sequence starting at s[i] (Unicode Table 3-7, well-formed byte sequences).
Step decode_step(std::string_view s, size_t i) {
  const auto b0 = static_cast<uint8_t>(s[i]);
  if (b0 < 0x80) return {1, true};
  size_t need = 0;
  uint8_t lo = 0x80, hi = 0xBF;  // range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 1;
  } else if (b0 == 0xE0) {
    need = 2, lo = 0xA0;
  } else if ((b0 >= 0xE1 && b0 <= 0xEC) || b0 == 0xEE || b0 == 0xEF) {
    need = 2;
  } else if (b0 == 0xED) {
    need = 2, hi = 0x9F;
  } else if (b0 == 0xF0) {
    need = 3, lo = 0x90;
  } else if (b0 >= 0xF1 && b0 <= 0xF3) {
    need = 3;
  } else if (b0 == 0xF4) {
    need = 3, hi = 0x8F;
  } else {
    return {1, false};  // 80..C1, F5..FF never start a sequence
  }
  for (size_t k = 1; k <= need; ++k) {
    if (i + k >= s.size()) return {k, false};  // truncated at the end
    const auto b = static_cast<uint8_t>(s[i + k]);
    const uint8_t l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xBF;
    if (b < l || b > h) return {k, false};
  }
  return {need + 1, true};
}

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of a Unicode (non-ASCII) whitespace sequence at s[i], or 0.
size_t unicode_space_len(std::string_view s, size_t i) {
  auto at = [&](size_t k) { return i + k < s.size() ? static_cast<uint8_t>(s[i + k]) : 0; };
  const uint8_t b0 = at(0);
  if (b0 == 0xC2 && at(1) == 0xA0) return 2;  // U+00A0
  if (b0 == 0xE2 && at(1) == 0x80) {
    const uint8_t b2 = at(2);
    if ((b2 >= 0x80 && b2 <= 0x8A) || b2 == 0xA8 || b2 == 0xA9 || b2 == 0xAF) return 3;  // U+2000..
  }
  if (b0 == 0xE2 && at(1) == 0x81 && at(2) == 0x9F) return 3;  // U+205F
  if (b0 == 0xE3 && at(1) == 0x80 && at(2) == 0x80) return 3;  // U+3000
  if (b0 == 0xEF && at(1) == 0xBB && at(2) == 0xBF) return 3;  // U+FEFF
  return 0;
}

}  // namespace

bool is_valid_utf8(std::string_view s) { return find_invalid_utf8(s) == std::string_view::npos; }

size_t utf8_sequence_length(std::string_view s, size_t i) {
  const Step st = decode_step(s, i);
  return st.valid ? st.len : 0;
}

size_t find_invalid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    // Fast path over ASCII: 8 bytes at a time, then byte by byte.
    while (i + 8 <= s.size()) {
      uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      if (w & 0x8080808080808080ULL) break;
      i += 8;
    }
    if (i >= s.size()) break;
    if (static_cast<uint8_t>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    const Step st = decode_step(s, i);
    if (!st.valid) return i;
    i += st.len;
  }
  return std::string_view::npos;
}

std::string to_valid_utf8(std::string_view s, size_t* n_replaced) {
  size_t first = find_invalid_utf8(s);
  size_t n = 0;
  std::string out;
  if (first == std::string_view::npos) {
    out.assign(s);
  } else {
    out.reserve(s.size() + 8);
    out.append(s.substr(0, first));
    size_t i = first;
    while (i < s.size()) {
      const Step st = decode_step(s, i);
      if (st.valid) {
        out.append(s.substr(i, st.len));
      } else {
        out.append(kReplacement);
        ++n;
      }
      i += st.len;
    }
  }
  if (n_replaced) *n_replaced = n;
  return out;
}

size_t sanitize_utf8(std::string& s) {
  if (is_valid_utf8(s)) return 0;
  size_t n = 0;
  s = to_valid_utf8(s, &n);
  return n;
}

size_t utf8_length(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); i += decode_step(s, i).len) ++n;
  return n;
}

std::string_view utf8_prefix(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  size_t i = 0;
  while (i < s.size()) {
    const size_t len = decode_step(s, i).len;
    if (i + len > max_bytes) break;
    i += len;
  }
  return s.substr(0, i);
}

char32_t code_point_at(std::string_view s, size_t i, size_t* len) {
  const Step st = decode_step(s, i);
  if (len != nullptr) *len = st.len;
  if (!st.valid) return 0xFFFD;
  const auto b = [&](size_t k) { return static_cast<char32_t>(static_cast<unsigned char>(s[i + k])); };
  if (st.len == 1) return b(0);
  char32_t c = b(0) & (0x7F >> st.len);
  for (size_t k = 1; k < st.len; ++k) c = (c << 6) | (b(k) & 0x3F);
  return c;
}

std::string replace_all(std::string_view s, std::string_view from, std::string_view to) {
  if (from.empty()) return std::string(s);
  std::string out;
  size_t pos = 0;
  for (size_t hit; (hit = s.find(from, pos)) != std::string_view::npos; pos = hit + from.size())
    out.append(s.substr(pos, hit - pos)).append(to);
  return out.append(s.substr(pos));
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    if (cp >= 0xD800 && cp <= 0xDFFF) {  // not a scalar value
      out.append(kReplacement);
      return;
    }
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp <= 0x10FFFF) {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.append(kReplacement);
  }
}

std::string_view strip_view(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && is_ascii_space(s[b])) ++b;
  while (e > b && is_ascii_space(s[e - 1])) --e;
  return s.substr(b, e - b);
}

std::string strip(std::string_view s) { return std::string(strip_view(s)); }

std::string collapse_whitespace(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  size_t i = 0;
  while (i < s.size()) {
    size_t len = is_ascii_space(s[i]) ? 1 : unicode_space_len(s, i);
    if (len > 0) {
      pending_space = true;
      i += len;
      continue;
    }
    if (pending_space && !out.empty()) out.push_back(' ');
    pending_space = false;
    out.push_back(s[i]);
    ++i;
  }
  return out;
}

std::string normalize_newlines(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r') {
      out.push_back('\n');
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::string normalize_text(std::string_view s, size_t* n_replaced) {
  const std::string valid = to_valid_utf8(s, n_replaced);
  const std::string text = normalize_newlines(valid);
  std::string out;
  out.reserve(text.size());
  size_t newlines = 0;  // consecutive newlines seen and not yet written
  for (char c : text) {
    const auto u = static_cast<uint8_t>(c);
    if (c == '\n') {
      // Drop trailing spaces/tabs of the line just ended.
      while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
      ++newlines;
      continue;
    }
    if ((u < 0x20 && c != '\t') || u == 0x7F) continue;  // control characters
    if (newlines > 0) {
      if (!out.empty()) out.append(newlines >= 2 ? 2 : 1, '\n');
      newlines = 0;
    }
    out.push_back(c);
  }
  return strip(out);
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string closest_name(std::string_view name, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_d = std::string::npos;
  for (const std::string& c : candidates) {
    const size_t d = edit_distance(name, c);
    if (d < best_d) best_d = d, best = c;
  }
  return best_d <= std::max<size_t>(2, name.size() / 3) ? best : "";
}

}  // namespace w2s
