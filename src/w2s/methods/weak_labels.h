// Weak-label files: JSONL rows {"txt", "gt_label", "soft_label": [p0, p1], "hard_label"} — the
// field names of openai/weak-to-strong, so label files can be exchanged — plus an optional "id".
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace w2s::methods {

struct WeakLabel {
  std::string id;     // example id ("" when the file has none)
  std::string text;   // "txt"
  int gt_label = -1;  // "gt_label": ground truth, -1 when unknown (not written then)
  double p1 = 0.5;    // soft_label[1]; soft_label[0] = 1 − p1
  int hard_label() const { return p1 > 0.5 ? 1 : 0; }
};

/// Write atomically (a killed write leaves no half file).
void write_weak_labels(const std::filesystem::path& path, const std::vector<WeakLabel>& rows);
/// Read; a malformed row → w2s::Error naming FILE:LINE and the field. soft_label must be two
/// non-negative numbers summing to 1 (±1e-3); hard_label, when present, must match it.
std::vector<WeakLabel> read_weak_labels(const std::filesystem::path& path);

}  // namespace w2s::methods
