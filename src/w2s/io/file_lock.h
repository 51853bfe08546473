// Advisory locks between processes that share a folder (two shards of a sweep building one stage,
// a requeued job and its predecessor writing one pretraining output): flock(2) on a lock file.
// The kernel releases a lock when its holder exits, however it exits (kill -9 included), so a
// crashed process never leaves a folder locked. Works on local filesystems and on NFS v4 (where
// Linux maps flock to byte-range locks); not on filesystems without locking (say so in errors).
#pragma once

#include <filesystem>
#include <string>

namespace w2s::io {

class FileLock {
 public:
  /// Open (creating it and its folder when missing) the lock file `path`; no lock is held yet.
  explicit FileLock(std::filesystem::path path);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

  /// Take the exclusive lock without waiting; false when another process (or another FileLock on
  /// the same file in this process) holds it.
  bool try_lock();
  /// Take the exclusive lock, waiting as long as it takes.
  void lock();
  void unlock();
  bool locked() const { return locked_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  bool locked_ = false;
};

}  // namespace w2s::io
