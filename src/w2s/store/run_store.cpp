#include "w2s/store/run_store.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>

#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/core/log.h"
#include "w2s/core/sha256.h"
#include "w2s/core/time.h"
#include "w2s/core/version.h"
#include "w2s/io/atomic_dir.h"

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
  // Temporary folders are named .tmp-<key>.<pid>.<n>; remove those whose process is gone.
  for (const auto& e : fs::directory_iterator(root_)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(kTmpPrefix, 0) != 0) continue;
    const auto dot = name.find('.', 5);
    const auto dot2 = dot == std::string::npos ? dot : name.find('.', dot + 1);
    if (dot == std::string::npos || dot2 == std::string::npos) continue;
    const pid_t pid = static_cast<pid_t>(std::stol(name.substr(dot + 1, dot2 - dot - 1)));
    if (pid != getpid() && kill(pid, 0) != 0) {
      std::error_code ec;
      fs::remove_all(e.path(), ec);
      log::debug("run store: removed {} left by a stopped process", e.path().string());
    }
  }
}

bool RunStore::has(const std::string& key) const { return fs::exists(root_ / key / "meta.json"); }

nlohmann::json RunStore::meta(const std::string& key) const {
  const fs::path p = root_ / key / "meta.json";
  try {
    return nlohmann::json::parse(read_file(p));
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

bool RunStore::produce(const std::string& key, const nlohmann::json& spec,
                       const std::function<nlohmann::json(const fs::path& tmp)>& build) {
  if (has(key)) return false;
  static int counter = 0;
  const fs::path tmp = root_ / fmt::format("{}{}.{}.{}", kTmpPrefix, key, getpid(), counter++);
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  const auto t0 = std::chrono::steady_clock::now();
  nlohmann::json extra;
  try {
    extra = build(tmp);
  } catch (...) {
    std::error_code ec;
    fs::remove_all(tmp, ec);
    throw;
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
  if (extra.is_object())
    for (auto& [k, v] : extra.items()) meta[k] = v;
  write_file_atomic(tmp / "meta.json", meta.dump(2) + "\n");
  const fs::path dst = root_ / key;
  std::error_code ec;
  if (fs::exists(dst) && !has(key)) fs::remove_all(dst, ec);  // an incomplete copy (e.g. a bad merge)
  if (io::publish_dir(tmp, dst)) return true;
  check(has(key), "run store: could not move {} into place", dst.string());  // another process won
  return false;
}

}  // namespace w2s::store
