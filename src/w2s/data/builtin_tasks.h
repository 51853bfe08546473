// The built-in tasks, prepared from packaged real data: `reviews`, `spam`, `definitions`, the
// comparisons `continuations`, `minimal_pairs`, `definition_pairs` (data/builtin/preferences.h), and
// the chess tasks `chess_pairs`, `chess_moves` (data/builtin/chess_puzzles.h) — their
// names, descriptions and source packages, and where a prepared task lives
// (<data root>/tasks/<task>/{train,test}.jsonl + manifest.json, manifest.h). Building and
// preparing them (`w2s data prepare`) is data/builtin/prepare.h.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "w2s/data/example.h"

namespace w2s::data {

/// A built-in task's description.
struct BuiltinTaskInfo {
  std::string name;                   // registry name
  std::string description;            // one line
  std::vector<std::string> packages;  // source packages (names as in raw/packages.tsv)
  TaskKind kind = TaskKind::classification;
  bool from_heldout = false;  // built from the corpus's held-out documents (data/corpus/heldout.txt):
                              // prepared after `w2s corpus build`, and its test texts need no
                              // removal from the corpus (they were never in it)
  std::string input;          // a file under the data root it is built from that scripts make
                              // ("" = none beyond packages); prepared only once it exists
  std::string input_maker;    // what makes `input` (named when it is missing)
};

/// The built-in tasks, in listing order.
const std::vector<BuiltinTaskInfo>& builtin_tasks();

/// The built-in task named `name`, or nullptr.
const BuiltinTaskInfo* find_builtin_task(const std::string& name);

/// Seed used by `w2s data prepare` when none is given.
inline constexpr uint64_t kDefaultPrepareSeed = 0;

/// <data root>/tasks/<name>.
std::filesystem::path task_dir(const std::filesystem::path& data_root, const std::string& name);

/// True when <data root>/tasks/<name>/manifest.json exists.
bool is_task_prepared(const std::filesystem::path& data_root, const std::string& name);

}  // namespace w2s::data
