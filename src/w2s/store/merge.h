// Merging run folders: the stages that shards of a sweep built on several machines (or jobs) into
// one folder, without ever leaving a partial stage where a complete one is expected.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace w2s::store {

struct MergeReport {
  int copied = 0;                    // stages copied into the destination
  int present = 0;                   // stages the destination already had, complete
  int replaced = 0;                  // incomplete stages in the destination replaced by a copy
  std::vector<std::string> skipped;  // "<source>/<key>: why" for stages not copied (incomplete in the source)
  int configs = 0;                   // sweep configs (sweeps/*.toml, sweep.toml) copied
};

/// Copy every complete stage of each `source` run folder that `dest` lacks (or has incomplete)
/// into `dest`: each into a temporary folder in `dest`, checked file by file against the sizes and
/// SHA-256 digests its meta.json records, then renamed into place, so an interrupted merge leaves
/// nothing half-copied under a stage's name. Stages are never overwritten when complete. A stage
/// incomplete in its source is skipped and listed. A sweep folder's history (sweeps/*.toml) is
/// merged too, and its sweep.toml copied when `dest` has none. `dest` is created when missing.
MergeReport merge_stores(const std::vector<std::filesystem::path>& sources, const std::filesystem::path& dest);

}  // namespace w2s::store
