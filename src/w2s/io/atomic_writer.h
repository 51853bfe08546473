// Streaming crash-safe file writes: bytes go to a temporary file in the target's folder, which is
// fsynced and renamed over the target on commit(); without commit() the temporary is removed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace w2s::io {

/// Write a file in pieces without building it in memory first. Readers see the old file or the
/// complete new one, never half. Every failure (full disk, ...) throws w2s::Error naming the target.
///
///   AtomicWriter out("dir/model.safetensors");
///   out.write(header.data(), header.size());
///   out.write(tensor.data_ptr(), tensor.nbytes());
///   out.commit();
class AtomicWriter {
 public:
  explicit AtomicWriter(const std::filesystem::path& path);  // creates folders as needed
  ~AtomicWriter();                                           // removes the temporary unless committed
  AtomicWriter(const AtomicWriter&) = delete;
  AtomicWriter& operator=(const AtomicWriter&) = delete;

  void write(const void* data, size_t n);  // append n bytes
  void commit();                           // fsync, rename into place, fsync the folder

  const std::filesystem::path& path() const { return path_; }
  uint64_t bytes_written() const { return written_; }

 private:
  [[noreturn]] void abort_with(const std::string& what, int err);
  std::filesystem::path path_;  // the target
  std::string tmp_;             // the temporary in the same folder
  int fd_ = -1;                 // open temporary; -1 once closed
  uint64_t written_ = 0;        // bytes written so far
  bool committed_ = false;
};

}  // namespace w2s::io
