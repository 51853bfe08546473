// Resumable sharded JSONL rows (see sharded_rows.h).
#include "w2s/io/sharded_rows.h"

#include <fmt/format.h>
#include <fmt/ranges.h>  // fmt::join (fmt ≥ 11 keeps it here; libtorch 2.x ships fmt 11)

#include <algorithm>
#include <fstream>
#include <regex>

#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/core/log.h"
#include "w2s/io/atomic_writer.h"
#include "w2s/io/json_read.h"
#include "w2s/io/jsonl.h"

namespace fs = std::filesystem;

namespace w2s::io {
namespace {

fs::path lock_path(const fs::path& out) { return out.parent_path() / ("." + out.filename().string() + ".lock"); }

/// Cut a torn last line (a run killed mid-write) off `path`; returns the bytes removed.
uintmax_t cut_torn_tail(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  check(in.good(), "{}: cannot read", path.string());
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.empty() || bytes.back() == '\n') return 0;
  const auto last = bytes.rfind('\n');
  const uintmax_t keep = last == std::string::npos ? 0 : last + 1;
  std::error_code ec;
  fs::resize_file(path, keep, ec);
  check(!ec, "{}: cannot cut its torn last line: {}", path.string(), ec.message());
  return bytes.size() - keep;
}

}  // namespace

ShardedRows::ShardedRows(fs::path out, int workers, const nlohmann::json& spec)
    : out_(std::move(out)), lock_(lock_path(out_)) {
  check(workers >= 1, "{}: at least one worker, not {}", out_.string(), workers);
  check(lock_.try_lock(), "{}: another run is writing it (lock {} is held); wait for it or stop it", out_.string(),
        lock_.path().string());
  const fs::path spec_path = out_.string() + ".spec.json";
  if (fs::exists(spec_path)) {
    const auto recorded = parse_json(w2s::read_file(spec_path));
    std::vector<std::string> differ;
    for (const auto& [k, v] : spec.items())
      if (!recorded.contains(k) || recorded[k] != v) differ.push_back(k);
    for (const auto& [k, v] : recorded.items())
      if (!spec.contains(k)) differ.push_back(k);
    check(differ.empty(),
          "{}: made with other settings (changed: {}; recorded in {}); use another output, or remove it and its "
          "shards",
          out_.string(), fmt::format("{}", fmt::join(differ, ", ")), spec_path.string());
  } else {
    const std::string text = spec.dump(2) + "\n";
    AtomicWriter w(spec_path);
    w.write(text.data(), text.size());
    w.commit();
  }
  if (fs::exists(out_)) read_file(out_, false);
  // Shards of any earlier run, whatever its number of workers.
  for (const auto& p : shards_on_disk()) read_file(p, true);
  for (int w = 0; w < workers; ++w) {
    auto f = std::make_unique<std::ofstream>(shard_path(w), std::ios::app | std::ios::binary);
    check(f->good(), "{}: cannot open for appending", shard_path(w).string());
    shards_.push_back(std::move(f));
  }
}

ShardedRows::~ShardedRows() = default;

fs::path ShardedRows::shard_path(int worker) const {
  return out_.parent_path() / fmt::format("{}.shard-{}.jsonl", out_.filename().string(), worker);
}

std::vector<fs::path> ShardedRows::shards_on_disk() const {
  const std::string prefix = out_.filename().string() + ".shard-";
  const std::regex number_jsonl(R"([0-9]+\.jsonl)");
  std::vector<fs::path> found;
  const fs::path dir = out_.parent_path().empty() ? fs::path(".") : out_.parent_path();
  if (!fs::is_directory(dir)) return found;
  for (const auto& e : fs::directory_iterator(dir)) {
    const auto name = e.path().filename().string();
    if (name.rfind(prefix, 0) == 0 && std::regex_match(name.substr(prefix.size()), number_jsonl))
      found.push_back(e.path());
  }
  std::sort(found.begin(), found.end());
  return found;
}

void ShardedRows::read_file(const fs::path& path, bool repair) {
  if (repair) {
    if (const auto cut = cut_torn_tail(path); cut > 0)
      log::warn("{}: cut a torn last line ({} bytes) left by an interrupted run", path.string(), cut);
  }
  JsonlReadOptions ro;
  ro.allow_empty = true;
  for_each_jsonl(
      path,
      [&](const nlohmann::json& row, size_t line) {
        check(row.is_object() && row.contains("item") && row["item"].is_number_integer(),
              "{}:{}: a row needs an integer \"item\"", path.string(), line);
        const auto item = row["item"].get<int64_t>();
        check(done_.emplace(item, row).second, "{}:{}: item {} is there twice", path.string(), line, item);
      },
      ro);
}

bool ShardedRows::has(int64_t item) const {
  std::lock_guard g(mutex_);
  return done_.count(item) > 0;
}

void ShardedRows::append(int worker, const nlohmann::json& row) {
  check(worker >= 0 && worker < static_cast<int>(shards_.size()), "no worker {}", worker);
  check(row.contains("item") && row["item"].is_number_integer(), "a row needs an integer \"item\"");
  const std::string line = to_jsonl_line(row);
  std::lock_guard g(mutex_);
  auto& f = *shards_[static_cast<size_t>(worker)];
  f.write(line.data(), static_cast<std::streamsize>(line.size()));
  f.flush();
  check(f.good(), "{}: write failed (disk full?)", shard_path(worker).string());
  done_.emplace(row["item"].get<int64_t>(), row);
}

void ShardedRows::merge() {
  std::lock_guard g(mutex_);
  AtomicWriter w(out_);
  for (const auto& [item, row] : done_) {
    const std::string line = to_jsonl_line(row);
    w.write(line.data(), line.size());
  }
  w.commit();
  for (size_t s = 0; s < shards_.size(); ++s) shards_[s]->close();
  for (const auto& p : shards_on_disk()) fs::remove(p);
  shards_.clear();
}

}  // namespace w2s::io
