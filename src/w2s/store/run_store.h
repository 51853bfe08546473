// The run store: every stage result is a folder `<root>/<key>/`, key = kind + hash of the stage's
// resolved spec (config and the keys of its inputs). A stage is built in a temporary folder and
// renamed into place only when complete (meta.json last), so a killed process never leaves a half
// artifact and a rerun skips what exists. Folders from several machines merge by copying.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace w2s::store {

/// "<kind>-<first 16 hex of sha256(spec.dump())>" (nlohmann sorts object keys, so the dump is
/// canonical for a given spec).
std::string spec_key(const std::string& kind, const nlohmann::json& spec);

/// Peak resident set size of this process so far (VmHWM), MB; 0 where unknown.
double peak_rss_mb();

class RunStore {
 public:
  /// Creates `root` if needed and removes temporary folders left by processes that have died.
  explicit RunStore(std::filesystem::path root);

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path path(const std::string& key) const { return root_ / key; }
  /// True when the artifact is complete (its meta.json exists).
  bool has(const std::string& key) const;
  /// The artifact's meta.json (spec, commit, wall time, peak memory, ...).
  nlohmann::json meta(const std::string& key) const;
  /// Keys of all complete artifacts, sorted.
  std::vector<std::string> keys() const;

  /// Build artifact `key` unless it exists; returns true when it was built now. `build(tmp)` writes
  /// the artifact's files into the empty folder `tmp` and may return extra meta fields. On success
  /// meta.json = {key, spec, commit, version, wall_seconds, peak_rss_mb, finished_at, ...extra} is
  /// written and the folder renamed to path(key). An exception removes `tmp` and propagates.
  bool produce(const std::string& key, const nlohmann::json& spec,
               const std::function<nlohmann::json(const std::filesystem::path& tmp)>& build);

 private:
  std::filesystem::path root_;
};

}  // namespace w2s::store
