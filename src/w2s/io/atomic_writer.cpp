// Streaming crash-safe file writes (temporary in the same folder + fsync + rename).
#include "w2s/io/atomic_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

#include "w2s/core/error.h"

namespace w2s::io {

namespace fs = std::filesystem;

namespace {
constexpr size_t kMaxWriteChunk = size_t{1} << 30;  // bytes per write(2) call (Linux caps ~2 GiB)
}  // namespace

AtomicWriter::AtomicWriter(const fs::path& path) : path_(path) {
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) fail("{}: cannot create folder {}: {}", path.string(), dir.string(), ec.message());
  tmp_ = (dir / fmt::format(".{}.tmp.XXXXXX", path.filename().string())).string();
  fd_ = ::mkostemp(tmp_.data(), O_CLOEXEC);  // not inherited by a child process (core/subprocess.h)
  if (fd_ < 0) {
    const int err = errno;
    tmp_.clear();
    fail("{}: cannot create temporary file: {}", path.string(), std::strerror(err));
  }
}

AtomicWriter::~AtomicWriter() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && !tmp_.empty()) ::unlink(tmp_.c_str());
}

void AtomicWriter::abort_with(const std::string& what, int err) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!tmp_.empty()) ::unlink(tmp_.c_str());
  tmp_.clear();
  fail("{}: {}: {}", path_.string(), what, std::strerror(err));
}

void AtomicWriter::write(const void* data, size_t n) {
  check(fd_ >= 0 && !committed_, "{}: write after commit or failure", path_.string());
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t k = ::write(fd_, p, std::min(n, kMaxWriteChunk));
    if (k < 0) {
      if (errno == EINTR) continue;
      abort_with("write failed", errno);
    }
    if (k == 0) abort_with("write failed", EIO);
    p += k;
    n -= static_cast<size_t>(k);
    written_ += static_cast<uint64_t>(k);
  }
}

void AtomicWriter::commit() {
  check(fd_ >= 0 && !committed_, "{}: commit after commit or failure", path_.string());
  if (::fsync(fd_) != 0) abort_with("write failed (fsync)", errno);
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) abort_with("write failed (close)", errno);
  ::chmod(tmp_.c_str(), 0644);
  if (::rename(tmp_.c_str(), path_.c_str()) != 0) abort_with("cannot rename into place", errno);
  committed_ = true;
  // Make the rename itself durable; failure here cannot undo it, so it is not an error.
  const fs::path dir = path_.has_parent_path() ? path_.parent_path() : fs::path(".");
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

}  // namespace w2s::io
