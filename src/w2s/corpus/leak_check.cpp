// Test-set leak detection by hashing (Rabin–Karp windows and segment hashes).
#include "w2s/corpus/leak_check.h"

#include <algorithm>

#include "w2s/core/text.h"

namespace w2s::corpus {
namespace {

constexpr uint64_t kBase = 1099511628211ULL;  // odd multiplier; arithmetic mod 2^64
constexpr int kFilterBits = 22;

bool is_word_byte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

uint64_t window_hash(std::string_view s) {
  uint64_t h = 0;
  for (unsigned char c : s) h = h * kBase + c + 1;
  return h;
}

uint64_t power_of_base(size_t n) {
  uint64_t p = 1;
  for (size_t i = 0; i < n; ++i) p *= kBase;
  return p;
}

size_t filter_slot(uint64_t h) { return size_t((h * 0x9E3779B97F4A7C15ULL) >> (64 - kFilterBits)); }

std::string_view trim_segment(std::string_view s) {
  while (!s.empty() && std::string_view(" \t0123456789.()-*").find(s.front()) != std::string_view::npos) {
    s.remove_prefix(1);
  }
  while (!s.empty() && std::string_view(" \t.,;:!?").find(s.back()) != std::string_view::npos) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

std::string match_key(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool space = false;
  for (char c : s) {
    if (is_ascii_space(c)) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
  }
  return out;
}

LeakDetector::LeakDetector(const std::vector<LeakProbe>& probes) : filter_(size_t(1) << (kFilterBits - 6), 0) {
  std::unordered_set<std::string> seen;
  for (const LeakProbe& p : probes) {
    if (p.key.empty() || !seen.insert(p.key).second) continue;
    const auto index = uint32_t(probes_.size());
    probes_.push_back(p);
    if (p.key.size() >= kLeakWindow) {
      ++n_long_;
      const uint64_t h = window_hash(std::string_view(p.key).substr(0, kLeakWindow));
      window_[h].push_back(index);
      const size_t slot = filter_slot(h);
      filter_[slot >> 6] |= uint64_t(1) << (slot & 63);
    } else {
      const std::string_view trimmed = trim_segment(p.key);  // as segments are trimmed
      if (!trimmed.empty()) short_.emplace(std::string(trimmed), index);
    }
  }
}

void LeakDetector::find_long(std::string_view key, std::vector<size_t>& out) const {
  if (n_long_ == 0 || key.size() < kLeakWindow) return;
  const uint64_t top = power_of_base(kLeakWindow - 1);
  uint64_t h = window_hash(key.substr(0, kLeakWindow));
  for (size_t pos = 0;; ++pos) {
    const size_t slot = filter_slot(h);
    if ((filter_[slot >> 6] >> (slot & 63)) & 1) {
      auto it = window_.find(h);
      if (it != window_.end()) {
        const bool left_ok = pos == 0 || !is_word_byte(static_cast<unsigned char>(key[pos - 1]));
        for (uint32_t i : it->second) {
          const std::string& probe = probes_[i].key;
          const size_t end = pos + probe.size();
          if (end <= key.size() && key.compare(pos, probe.size(), probe) == 0 &&
              (left_ok || !is_word_byte(static_cast<unsigned char>(probe.front()))) &&
              (end == key.size() || !is_word_byte(static_cast<unsigned char>(key[end])) ||
               !is_word_byte(static_cast<unsigned char>(probe.back())))) {
            out.push_back(i);
          }
        }
      }
    }
    if (pos + kLeakWindow >= key.size()) break;
    h = (h - (static_cast<unsigned char>(key[pos]) + 1) * top) * kBase +
        static_cast<unsigned char>(key[pos + kLeakWindow]) + 1;
  }
}

void LeakDetector::find_short(std::string_view text, std::vector<size_t>& out) const {
  if (short_.empty()) return;
  constexpr size_t kMaxSegment = 2 * kLeakWindow + 16;  // longer runs cannot key to a short probe
  std::vector<size_t> cuts;                             // separator positions in the line, then the line end
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    const std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    cuts.clear();
    for (size_t i = 0; i < line.size(); ++i) {
      const char c = line[i];
      if (c == ':' || c == ';' || (c == '.' && (i + 1 == line.size() || line[i + 1] == ' '))) {
        cuts.push_back(i);
      }
    }
    cuts.push_back(line.size());
    // Every run from a segment start (line start or after a separator) to a later separator.
    size_t start = 0;
    for (size_t si = 0; si <= cuts.size(); ++si) {
      for (size_t ei = si; ei < cuts.size() && cuts[ei] - start <= kMaxSegment; ++ei) {
        const std::string_view segment = trim_segment(line.substr(start, cuts[ei] - start));
        if (segment.empty()) continue;
        auto it = short_.find(match_key(segment));
        if (it != short_.end()) out.push_back(it->second);
      }
      if (si < cuts.size()) start = cuts[si] + 1;
    }
  }
}

std::vector<size_t> LeakDetector::find(std::string_view text) const {
  std::vector<size_t> out;
  find_long(match_key(text), out);
  find_short(text, out);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace w2s::corpus
