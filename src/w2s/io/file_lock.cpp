// flock(2)-based locks (see file_lock.h).
#include "w2s/io/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "w2s/core/error.h"

namespace fs = std::filesystem;

namespace w2s::io {

FileLock::FileLock(fs::path path) : path_(std::move(path)) {
  std::error_code ec;
  fs::create_directories(path_.parent_path(), ec);
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  check(fd_ >= 0, "{}: cannot open lock file: {}", path_.string(), std::strerror(errno));
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the lock
}

bool FileLock::try_lock() {
  if (locked_) return true;
  if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) return locked_ = true;
  check(errno == EWOULDBLOCK || errno == EINTR, "{}: cannot lock: {} (does this filesystem support locks?)",
        path_.string(), std::strerror(errno));
  return false;
}

void FileLock::lock() {
  if (locked_) return;
  int rc;
  while ((rc = ::flock(fd_, LOCK_EX)) != 0 && errno == EINTR) {
  }
  check(rc == 0, "{}: cannot lock: {} (does this filesystem support locks?)", path_.string(), std::strerror(errno));
  locked_ = true;
}

void FileLock::unlock() {
  if (!locked_) return;
  ::flock(fd_, LOCK_UN);
  locked_ = false;
}

}  // namespace w2s::io
