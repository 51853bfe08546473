// Building the built-in tasks from the raw sources scripts/fetch_data.sh puts in <data root>/raw
// (`reviews`: reviews.h, `spam`: spam.h, `definitions`: definitions.h) and `w2s data prepare`,
// which writes each as <data root>/tasks/<task>/{train,test}.jsonl + manifest.json
// (data/manifest.h): rows {"id","text","label","group"}, deterministic for a given seed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "w2s/data/builtin_tasks.h"
#include "w2s/data/example.h"
#include "w2s/data/manifest.h"

namespace w2s::data {

/// A freshly built task with its provenance (not yet written).
struct BuiltTask {
  Task task;
  TaskManifest manifest;  // seed, packages, inputs, notes filled in; outputs/counts on write
};

/// Build one built-in task from `raw_dir` (<data root>/raw). Throws naming the missing raw file
/// ("run scripts/fetch_data.sh") or the unknown task.
BuiltTask build_builtin_task(const std::string& name, const std::filesystem::path& raw_dir,
                             uint64_t seed = kDefaultPrepareSeed);

/// Options of prepare_builtin_tasks().
struct PrepareOptions {
  std::filesystem::path data_root;      // reads <root>/raw, writes <root>/tasks/<task>
  uint64_t seed = kDefaultPrepareSeed;  // builder seed (test selection, negatives)
  bool force = false;                   // rebuild even when an up-to-date manifest exists
  std::vector<std::string> tasks;       // which built-ins; empty = all
};

/// What prepare did for one task.
struct PrepareResult {
  std::string task;       // name
  bool skipped = false;   // already prepared with this seed and format version
  TaskManifest manifest;  // as on disk afterwards
  double seconds = 0;     // build + write time (0 when skipped)
};

/// Build and write the built-in tasks. A task whose manifest.json exists with the same seed,
/// format version and source package versions (raw/packages.tsv) is skipped unless `force`.
/// Throws on the first failure (earlier tasks stay).
std::vector<PrepareResult> prepare_builtin_tasks(const PrepareOptions& options);

}  // namespace w2s::data
