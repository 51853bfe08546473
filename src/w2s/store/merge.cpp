// Merging run folders (see merge.h).
#include "w2s/store/merge.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <regex>

#include "w2s/core/error.h"
#include "w2s/core/log.h"
#include "w2s/io/file_lock.h"
#include "w2s/store/run_store.h"

namespace fs = std::filesystem;

namespace w2s::store {

namespace {

/// A stage folder's name: "<kind>-<16 hex>" (run_store.h spec_key).
bool is_stage_name(const std::string& name) {
  static const std::regex re("[a-z0-9_]+-[0-9a-f]{16}");
  return std::regex_match(name, re);
}

/// Copy a file unless `dest` has it already; true when copied. Written through a temporary name,
/// so a reader never sees half a config.
bool copy_missing_file(const fs::path& src, const fs::path& dest) {
  if (fs::exists(dest)) return false;
  fs::create_directories(dest.parent_path());
  const fs::path tmp = dest.parent_path() / fmt::format(".tmp-{}.{}", dest.filename().string(), getpid());
  fs::copy_file(src, tmp, fs::copy_options::overwrite_existing);
  fs::rename(tmp, dest);
  return true;
}

}  // namespace

MergeReport merge_stores(const std::vector<fs::path>& sources, const fs::path& dest) {
  RunStore to(dest);
  MergeReport r;
  for (const auto& src_dir : sources) {
    check(fs::is_directory(src_dir), "merge: '{}' is not a folder", src_dir.string());
    check(fs::weakly_canonical(src_dir) != fs::weakly_canonical(dest), "merge: '{}' is the destination itself",
          src_dir.string());
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(src_dir))
      if (e.is_directory() && is_stage_name(e.path().filename().string()))
        names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    for (const auto& key : names) {
      if (to.has(key)) {
        ++r.present;
        continue;
      }
      if (const auto why = stage_problem(src_dir / key); !why.empty()) {
        r.skipped.push_back(fmt::format("{}: {}", (src_dir / key).string(), why));
        continue;
      }
      // Hold the stage's lock while copying: a sweep building the same stage in `dest` waits, and
      // finds it merged (or we find it built).
      io::FileLock lock(to.lock_path(key));
      lock.lock();
      if (to.has(key)) {
        ++r.present;
        continue;
      }
      const fs::path tmp = to.make_temp(key);
      try {
        fs::copy(src_dir / key, tmp, fs::copy_options::recursive);
        // Check the copy itself (sizes and digests) before it gets the stage's name.
        const auto bad = stage_problem(tmp, true);
        check(bad.empty(), "merge: the copy of {} is not intact ({})", (src_dir / key).string(), bad);
      } catch (...) {
        std::error_code ec;
        fs::remove_all(tmp, ec);
        throw;
      }
      switch (to.publish(key, tmp, "the copy from " + (src_dir / key).string())) {
        case RunStore::Published::added:
          ++r.copied;
          break;
        case RunStore::Published::replaced_incomplete:
          ++r.replaced;
          break;
        case RunStore::Published::already_there:
          ++r.present;
          break;  // published by another process meanwhile
      }
    }
    // A sweep folder's history of configs, so `w2s results` on the merged folder shows every sweep.
    if (fs::is_directory(src_dir / "sweeps"))
      for (const auto& e : fs::directory_iterator(src_dir / "sweeps"))
        if (e.is_regular_file() && e.path().extension() == ".toml")
          r.configs += copy_missing_file(e.path(), dest / "sweeps" / e.path().filename());
    if (fs::is_regular_file(src_dir / "sweep.toml"))
      r.configs += copy_missing_file(src_dir / "sweep.toml", dest / "sweep.toml");
  }
  return r;
}

}  // namespace w2s::store
