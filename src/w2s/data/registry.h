// The task registry: one string names any task a run can use.
//
//   reviews | spam | definitions     built-in tasks prepared in <data root>/tasks/<name>
//   jsonl:PATH[?OPTIONS]             a JSONL file of examples (sources.h)
//   csv:PATH[?OPTIONS]               a CSV file (header row); tsv:PATH for tab-separated
//   PATH.jsonl | PATH.csv | PATH.tsv the same, chosen by extension
//   sciq:PATH[?test=PATH]            a Hugging Face export formatted as the reference does
//                                    (formatters.h: amazon_polarity, anli, boolq, cosmos_qa,
//                                    hh_rlhf, sciq); PATH is the training file, or a folder with
//                                    <train split>.jsonl and optionally <test split>.jsonl
//
// OPTIONS for files: text=FIELD, label=FIELD, group=FIELD, id=FIELD (field names; defaults text,
// label, none, none), test=PATH (a fixed test file with the same fields; else the split carves
// one), name=NAME (task name; default the file stem). Several options join with '&':
// "jsonl:qa.jsonl?text=question&label=correct&group=qid". Comparisons (reward modeling; see
// sources.h): prompt=FIELD with chosen=FIELD&rejected=FIELD, or a=FIELD&b=FIELD (label = a/b), or
// completions=FIELD (JSONL array; label = index): "jsonl:prefs.jsonl?prompt=q&chosen=good&rejected=bad".
//
// The data root is, in order: an explicit option (--data), $W2S_DATA, the data/ folder of the
// w2s repository found upward from the working directory or from the executable (the folder
// holding scripts/fetch_data.sh), else ./data.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "w2s/data/example.h"
#include "w2s/data/manifest.h"

namespace w2s::data {

/// The data root (see the file comment); `option` wins when non-empty.
std::filesystem::path resolve_data_root(const std::string& option = "");

/// A parsed task spec.
struct TaskSpec {
  std::string kind;            // "builtin", "jsonl", "csv", "tsv", or an HF format name ("sciq", ...)
  std::string name;            // built-in name, or the task name for files / formats
  std::filesystem::path path;  // file or folder (empty for built-ins)
  std::vector<std::pair<std::string, std::string>> options;  // ?key=value&key=value
  std::string option(std::string_view key) const;            // "" when absent
};

/// Parse a spec. Unknown names throw listing the known tasks and suggesting the closest one;
/// unknown options throw listing the accepted ones.
TaskSpec parse_task_spec(const std::string& spec);

/// Options of load_task().
struct LoadTaskOptions {
  std::filesystem::path data_root;  // where built-in tasks live (resolve_data_root())
  uint64_t seed = 0;                // randomness of HF formatters (distractor choice)
  bool verify_digests = true;       // check prepared files against their manifest's SHA-256
};

/// Load a task by spec. A built-in task that is not prepared throws "task 'reviews' is not
/// prepared: run scripts/setup.sh (or w2s data prepare)".
Task load_task(const std::string& spec, const LoadTaskOptions& options);

/// One row of `w2s data list`.
struct TaskListing {
  std::string name;                      // "reviews", or "sciq:PATH" for a format
  std::string kind;                      // "builtin" or "format"
  std::string description;               // one line
  bool prepared = false;                 // built-in: its folder is written
  std::optional<TaskManifest> manifest;  // built-in and prepared: counts, balance, provenance
};

/// The built-in tasks (with their prepared state) followed by the user task formats.
std::vector<TaskListing> list_tasks(const std::filesystem::path& data_root);

/// The names a spec may start with: built-in tasks, then "jsonl", "csv", "tsv" and HF formats.
std::vector<std::string> known_task_names();

}  // namespace w2s::data
