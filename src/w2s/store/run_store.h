// The run store: every stage result is a folder `<root>/<key>/`, key = kind + hash of the stage's
// resolved spec (config and the keys of its inputs). A stage is built in a temporary folder and
// renamed into place only when complete (meta.json last), so a killed process never leaves a half
// artifact and a rerun skips what exists. meta.json records every file of the stage with its size
// and SHA-256: a stage whose files do not match (an interrupted copy) is not complete, and is
// rebuilt. Folders from several machines merge with merge_stores (store/merge.h), which copies
// each stage whole and checks it.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace w2s::io {
class FileLock;
}  // namespace w2s::io

namespace w2s::store {

/// "<kind>-<first 16 hex of sha256(spec.dump())>" (nlohmann sorts object keys, so the dump is
/// canonical for a given spec).
std::string spec_key(const std::string& kind, const nlohmann::json& spec);

/// Peak resident set size of this process so far (VmHWM), MB; 0 where unknown.
double peak_rss_mb();

/// Why the stage folder `dir` is not complete ("" when it is): no meta.json, an unreadable one,
/// or a file its meta.json records that is missing or of another size; with `digests`, or whose
/// SHA-256 differs. Folders from before stages recorded their files are complete with a meta.json.
std::string stage_problem(const std::filesystem::path& dir, bool digests = false);

class RunStore {
 public:
  /// Creates `root` if needed and removes temporary folders left by processes that have stopped
  /// (those whose stage lock nobody holds).
  explicit RunStore(std::filesystem::path root);

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path path(const std::string& key) const { return root_ / key; }
  /// True when the artifact is complete: its meta.json exists and every file it records is there
  /// with its recorded size (problem(key) is empty).
  bool has(const std::string& key) const { return problem(key).empty(); }
  /// has(key) as every data-parallel rank sees it (rank 0's answer, broadcast; has(key) in one
  /// process), so all ranks take the same branch even while another job publishes the stage. Every
  /// rank must call it, for the same keys in the same order.
  bool has_for_all(const std::string& key) const;
  /// Why the artifact is not complete ("" when it is): stage_problem(path(key), digests).
  std::string problem(const std::string& key, bool digests = false) const {
    return stage_problem(root_ / key, digests);
  }
  /// The artifact's meta.json (spec, commit, wall time, peak memory, ...).
  nlohmann::json meta(const std::string& key) const;
  /// Keys of all complete artifacts, sorted.
  std::vector<std::string> keys() const;

  /// The lock file of stage `key` (<root>/.locks/<key>.lock): held while a process builds or merges it.
  std::filesystem::path lock_path(const std::string& key) const { return root_ / ".locks" / (key + ".lock"); }
  /// A new, empty, uniquely named temporary folder for stage `key` (mkdtemp): .tmp-<key>.XXXXXX.
  /// Hold the stage's lock while it exists: opening a store removes those of unlocked stages.
  std::filesystem::path make_temp(const std::string& key) const;

  /// What publish() did.
  enum class Published { added, replaced_incomplete, already_there };
  /// Move the complete stage folder `tmp` (from make_temp(key), lock held) to path(key). An
  /// incomplete folder there (an interrupted copy) is replaced, with a warning naming what was
  /// wrong (`who` says who replaces it); a complete one (another process published first) is kept
  /// and `tmp` removed.
  Published publish(const std::string& key, const std::filesystem::path& tmp, const std::string& who);

  /// Build artifact `key` unless it exists; returns true when it was built now. Takes the stage's
  /// lock first (waiting while another process holds it) and checks again, so a stage is built
  /// once however many processes ask for it. `build(tmp)` writes
  /// the artifact's files into the empty folder `tmp` and may return extra meta fields. On success
  /// meta.json = {key, spec, commit, version, wall_seconds, peak_rss_mb, finished_at, files,
  /// ...extra} is written (files: {relative path: {size, sha256}} of every other file) and the
  /// folder renamed to path(key). An incomplete folder at path(key) is replaced, with a warning
  /// naming what was wrong. An exception removes `tmp` and propagates. Data-parallel
  /// (dist::active()): every rank calls produce for the same stages in the same order; rank 0
  /// decides whether to build and alone takes the lock and publishes, every rank runs `build` (in a
  /// temporary folder of its own), and all return once the stage is published.
  bool produce(const std::string& key, const nlohmann::json& spec,
               const std::function<nlohmann::json(const std::filesystem::path& tmp)>& build);

 private:
  /// The stage's lock, held (waiting while another process holds it), unless the stage is built
  /// before or by the time the lock is taken (nullptr then).
  std::unique_ptr<io::FileLock> lock_unless_built(const std::string& key) const;
  bool produce_together(const std::string& key, const nlohmann::json& spec,
                        const std::function<nlohmann::json(const std::filesystem::path& tmp)>& build);
  bool build_and_publish(const std::string& key, const nlohmann::json& spec,
                         const std::function<nlohmann::json(const std::filesystem::path& tmp)>& build, bool publish_it);

  std::filesystem::path root_;
};

}  // namespace w2s::store
