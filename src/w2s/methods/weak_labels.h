// Weak-label files: JSONL rows {"txt", "gt_label", "soft_label": [p0, p1], "hard_label"} — the
// field names of openai/weak-to-strong, so label files can be exchanged — plus an optional "id".
// A multiple-choice row's soft_label holds one probability per choice of its question
// ([p0, …, p_{K−1}]); gt_label and hard_label are choice indices.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "w2s/eval/predictions.h"

namespace w2s::methods {

struct WeakLabel {
  std::string id;                         // example id ("" when the file has none)
  std::string text;                       // "txt"
  int gt_label = -1;                      // "gt_label": ground truth, -1 when unknown (not written then)
  std::vector<double> soft = {0.5, 0.5};  // "soft_label": a probability per class or choice
  /// The most probable class or choice (ties to the lowest: [0.5, 0.5] → 0).
  int hard_label() const { return static_cast<int>(eval::predicted(soft)); }
};

/// Write atomically (a killed write leaves no half file).
void write_weak_labels(const std::filesystem::path& path, const std::vector<WeakLabel>& rows);
/// Read; a malformed row → w2s::Error naming FILE:LINE and the field. soft_label must be two or
/// more non-negative numbers summing to 1 (±1e-3; rescaled to 1 exactly); gt_label must index one
/// of them; hard_label, when present, must be a most probable one.
std::vector<WeakLabel> read_weak_labels(const std::filesystem::path& path);

}  // namespace w2s::methods
