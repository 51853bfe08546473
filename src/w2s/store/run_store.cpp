#include "w2s/store/run_store.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <memory>

#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/core/log.h"
#include "w2s/core/sha256.h"
#include "w2s/core/time.h"
#include "w2s/core/version.h"
#include "w2s/dist/process_group.h"
#include "w2s/io/atomic_dir.h"
#include "w2s/io/file_lock.h"
#include "w2s/io/json_read.h"

namespace fs = std::filesystem;

namespace w2s::store {

namespace {
constexpr const char* kTmpPrefix = ".tmp-";
}  // namespace

std::string spec_key(const std::string& kind, const nlohmann::json& spec) {
  return kind + "-" + sha256_hex(spec.dump()).substr(0, 16);
}

double peak_rss_mb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;  // kB → MB
  return 0.0;
}

RunStore::RunStore(fs::path root) : root_(std::move(root)) {
  fs::create_directories(root_);
  // Temporary folders are named .tmp-<key>.<suffix>. One is in use exactly while its stage's lock
  // is held (by a process building or merging that stage, on this machine or another): remove the
  // others, which processes that stopped left behind.
  for (const auto& e : fs::directory_iterator(root_)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(kTmpPrefix, 0) != 0 || !e.is_directory()) continue;
    const size_t start = std::char_traits<char>::length(kTmpPrefix);
    const auto dot = name.find('.', start);
    if (dot == std::string::npos) continue;
    const std::string key = name.substr(start, dot - start);
    io::FileLock lock(lock_path(key));
    if (!lock.try_lock()) continue;
    std::error_code ec;
    fs::remove_all(e.path(), ec);
    log::debug("run store: removed {} left by a stopped process", e.path().string());
  }
}

fs::path RunStore::make_temp(const std::string& key) const {
  return io::make_temp_dir(root_, fmt::format("{}{}.", kTmpPrefix, key));
}

static nlohmann::json file_records(const fs::path& dir) {
  nlohmann::json files = nlohmann::json::object();
  std::vector<fs::path> paths;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && e.path() != dir / "meta.json") paths.push_back(e.path());
  std::sort(paths.begin(), paths.end());
  for (const auto& f : paths)
    files[fs::relative(f, dir).generic_string()] = {{"size", fs::file_size(f)}, {"sha256", sha256_file(f)}};
  return files;
}

std::string stage_problem(const fs::path& dir, bool digests) {
  const fs::path m = dir / "meta.json";
  std::error_code ec;
  if (!fs::exists(m, ec)) return fs::exists(dir, ec) ? "no meta.json (unfinished or partly copied)" : "missing";
  nlohmann::json meta;
  try {
    meta = io::parse_json(read_file(m));
  } catch (const std::exception& e) {
    return fmt::format("meta.json unreadable: {}", e.what());
  }
  if (!meta.is_object()) return "meta.json is not an object";
  const auto files = meta.find("files");
  if (files == meta.end()) return "";  // made before stages recorded their files
  if (!files->is_object()) return "meta.json: \"files\" is not an object";
  for (const auto& [name, rec] : files->items()) {
    const fs::path f = dir / name;
    const auto size = fs::file_size(f, ec);
    if (ec) return fmt::format("{} is missing", name);
    const auto want = rec.is_object() ? rec.value("size", int64_t{-1}) : int64_t{-1};
    if (static_cast<int64_t>(size) != want)
      return fmt::format("{} is {} bytes, meta.json records {}", name, size, want);
    if (digests && sha256_file(f) != (rec.is_object() ? rec.value("sha256", std::string()) : std::string()))
      return fmt::format("{} differs from its recorded SHA-256", name);
  }
  return "";
}

nlohmann::json RunStore::meta(const std::string& key) const {
  const fs::path p = root_ / key / "meta.json";
  try {
    return io::parse_json(read_file(p));
  } catch (const nlohmann::json::exception& e) {
    fail("{}: {}", p.string(), e.what());
  }
}

std::vector<std::string> RunStore::keys() const {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(root_)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(kTmpPrefix, 0) != 0 && e.is_directory() && has(name)) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool RunStore::has_for_all(const std::string& key) const {
  if (!dist::active()) return has(key);
  const int64_t mine = dist::is_writer() && has(key) ? 1 : 0;
  return dist::broadcast_value(mine, "run store: whether " + key + " is finished") != 0;
}

bool RunStore::produce(const std::string& key, const nlohmann::json& spec,
                       const std::function<nlohmann::json(const fs::path& tmp)>& build) {
  if (dist::active()) return produce_together(key, spec, build);
  const auto lock = lock_unless_built(key);
  if (!lock) return false;
  return build_and_publish(key, spec, build, true);
}

std::unique_ptr<io::FileLock> RunStore::lock_unless_built(const std::string& key) const {
  if (has(key)) return nullptr;
  // One builder per stage, across processes and machines sharing the folder: the others wait,
  // then find it built.
  auto lock = std::make_unique<io::FileLock>(lock_path(key));
  if (!lock->try_lock()) {
    log::info("run store: another process is building {}; waiting for it", key);
    lock->lock();
  }
  if (has(key)) return nullptr;
  return lock;
}

bool RunStore::produce_together(const std::string& key, const nlohmann::json& spec,
                                const std::function<nlohmann::json(const fs::path& tmp)>& build) {
  // Rank 0 decides (holding the stage's lock while it builds) and tells the others; every rank
  // trains (the collectives need them all), each in a temporary folder of its own, and rank 0
  // alone publishes. The barrier after it lets every rank read the published stage.
  const auto lock = dist::is_writer() ? lock_unless_built(key) : nullptr;
  if (dist::broadcast_value(lock ? 1 : 0, "run store: whether to build " + key) == 0) return false;
  const bool built = build_and_publish(key, spec, build, dist::is_writer());
  dist::barrier("run store: " + key + " published");
  return built;
}

bool RunStore::build_and_publish(const std::string& key, const nlohmann::json& spec,
                                 const std::function<nlohmann::json(const fs::path& tmp)>& build, bool publish_it) {
  const fs::path tmp = make_temp(key);
  const auto t0 = std::chrono::steady_clock::now();
  nlohmann::json extra;
  try {
    extra = build(tmp);
  } catch (...) {
    std::error_code ec;
    fs::remove_all(tmp, ec);
    throw;
  }
  if (!publish_it) {
    fs::remove_all(tmp);
    return true;
  }
  nlohmann::json meta = {
      {"key", key},
      {"spec", spec},
      {"commit", git_commit()},
      {"version", version()},
      {"wall_seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()},
      {"peak_rss_mb", peak_rss_mb()},
      {"finished_at", utc_timestamp()},
  };
  if (dist::active()) meta["processes"] = dist::world_size();
  if (extra.is_object())
    for (auto& [k, v] : extra.items()) meta[k] = v;
  try {
    meta["files"] = file_records(tmp);
    write_file_atomic(tmp / "meta.json", meta.dump(2) + "\n");
  } catch (...) {
    std::error_code ec;
    fs::remove_all(tmp, ec);
    throw;
  }
  return publish(key, tmp, "the stage just built") != Published::already_there;
}

RunStore::Published RunStore::publish(const std::string& key, const fs::path& tmp, const std::string& who) {
  const fs::path dst = root_ / key;
  bool replaced = false;
  if (fs::exists(dst)) {
    if (const auto why = problem(key); !why.empty()) {  // an incomplete copy (an interrupted merge or cp)
      log::warn("run store: {} was incomplete ({}); replacing it with {}", dst.string(), why, who);
      fs::remove_all(dst);
      replaced = true;
    }
  }
  if (io::publish_dir(tmp, dst)) return replaced ? Published::replaced_incomplete : Published::added;
  check(has(key), "run store: could not move {} into place", dst.string());  // another process won
  return Published::already_there;
}

}  // namespace w2s::store
