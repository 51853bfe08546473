// Test-set leak detection for the pretraining corpus: find built-in tasks' test texts (and their
// salient parts: a definition, a review, a mail body) inside corpus documents, by hashing.
//
// Texts are compared through match_key(): ASCII letters lowercased, every whitespace run one
// space, stripped. A probe whose key has at least kLeakWindow bytes is found anywhere as a
// substring at word boundaries (Rabin–Karp over kLeakWindow-byte windows, verified byte by byte).
// A shorter probe (the definition "of the greatest importance" is also an everyday phrase) is
// found only as a whole segment: a run of a line between separators — line start/end, ':', ';',
// or a '.' followed by a space — with leading enumeration ("1.", "(a)", "--") and trailing
// punctuation removed. That is the form a definition takes in a dictionary or a gloss list
// ("essential: of the greatest importance; ..."), while the same words inside prose do not count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace w2s::corpus {

/// Probes at least this many key bytes long are matched as substrings.
inline constexpr size_t kLeakWindow = 48;

/// The comparison form of a text (see the file comment).
std::string match_key(std::string_view s);

/// A text that must not appear in the corpus.
struct LeakProbe {
  std::string task;  // e.g. "definitions"
  std::string id;    // test example id
  std::string what;  // "text", "definition", "review", "body"
  std::string key;   // match_key of the text
};

/// Finds probes in texts.
class LeakDetector {
 public:
  /// Probes with an empty key are ignored; identical keys are kept once.
  explicit LeakDetector(const std::vector<LeakProbe>& probes);

  /// Indices (into probes()) of the probes found in `text`, sorted, each once.
  std::vector<size_t> find(std::string_view text) const;

  const std::vector<LeakProbe>& probes() const { return probes_; }
  size_t n_substring_probes() const { return n_long_; }      // matched as substrings
  size_t n_segment_probes() const { return short_.size(); }  // matched as whole segments

 private:
  void find_long(std::string_view key, std::vector<size_t>& out) const;
  void find_short(std::string_view text, std::vector<size_t>& out) const;

  std::vector<LeakProbe> probes_;
  size_t n_long_ = 0;
  std::unordered_map<uint64_t, std::vector<uint32_t>> window_;  // hash of first window → probes
  std::vector<uint64_t> filter_;                                // bitset over window hashes
  std::unordered_map<std::string, uint32_t> short_;             // short key → probe
};

}  // namespace w2s::corpus
