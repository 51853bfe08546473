// Rows of a long, parallel, interruptible job (self-play games, puzzle labels): worker w appends
// each finished row to its own shard NAME.shard-W.jsonl as one flushed line, so a killed run loses
// at most the rows being written. A rerun reads every shard back (a torn last line is cut off),
// skips the items already done and goes on; `merge` writes NAME sorted by item, atomically, and
// removes the shards. A lock beside NAME keeps two runs off one output, and NAME.spec.json records
// what the rows are made from (options, input digests): a rerun with another spec is refused, so
// rows made two ways never mix.
//
//   io::ShardedRows rows("data/chess/games.jsonl", threads);
//   for (item not in rows.done()) rows.append(worker, {{"item", item}, ...});  // any thread
//   rows.merge();
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "w2s/io/file_lock.h"

namespace w2s::io {

class ShardedRows {
 public:
  /// Take the lock on `out` (w2s::Error when another run holds it), check `spec` against the one an
  /// earlier run recorded (w2s::Error naming the keys that differ), and read what earlier runs left:
  /// the shards, and `out` itself when a finished run wrote it. Each row must have an integer
  /// "item"; a row that does not parse, or an item twice, → w2s::Error naming FILE:LINE.
  ShardedRows(std::filesystem::path out, int workers, const nlohmann::json& spec = nlohmann::json::object());
  ~ShardedRows();
  ShardedRows(const ShardedRows&) = delete;
  ShardedRows& operator=(const ShardedRows&) = delete;

  /// Rows finished so far, by item.
  const std::map<int64_t, nlohmann::json>& done() const { return done_; }
  bool has(int64_t item) const;
  /// Append a row (with its "item") to worker `worker`'s shard and flush it; thread-safe.
  void append(int worker, const nlohmann::json& row);
  /// Write `out` (every row, by item) atomically and remove the shards.
  void merge();

  const std::filesystem::path& out() const { return out_; }

 private:
  std::filesystem::path shard_path(int worker) const;
  void read_file(const std::filesystem::path& path, bool repair);
  std::vector<std::filesystem::path> shards_on_disk() const;  // NAME.shard-<n>.jsonl, sorted

  std::filesystem::path out_;
  FileLock lock_;
  std::vector<std::unique_ptr<std::ofstream>> shards_;
  std::map<int64_t, nlohmann::json> done_;
  mutable std::mutex mutex_;
};

}  // namespace w2s::io
