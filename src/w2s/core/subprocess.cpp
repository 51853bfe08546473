// Child processes over pipes (see subprocess.h).
#include "w2s/core/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "w2s/core/error.h"

extern char** environ;

namespace w2s {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

Subprocess::Subprocess(std::vector<std::string> argv) : argv_(std::move(argv)) {
  check(!argv_.empty() && !argv_.front().empty(), "subprocess: no program given");
  int in[2], out[2];
  check(::pipe2(in, O_CLOEXEC) == 0 && ::pipe2(out, O_CLOEXEC) == 0, "{}: cannot create pipes: {}", program(),
        std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  std::vector<char*> args;
  for (auto& a : argv_) args.push_back(a.data());
  args.push_back(nullptr);
  const int rc = ::posix_spawnp(&pid_, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(in[0]);
  ::close(out[1]);
  to_child_ = in[1];
  from_child_ = out[0];
  if (rc != 0) {
    close_fd(to_child_);
    close_fd(from_child_);
    pid_ = -1;
    fail("{}: cannot start: {}", program(), std::strerror(rc));
  }
}

Subprocess::~Subprocess() {
  if (pid_ > 0 && !status_) {
    try {
      finish(2.0);
    } catch (...) {  // a destructor must not throw; finish kills what does not exit
    }
  }
  close_fd(to_child_);
  close_fd(from_child_);
}

void Subprocess::write_line(std::string_view line) {
  check(to_child_ >= 0, "{}: its input is closed", program());
  std::string data(line);
  data += '\n';
  // A child that exited makes write() raise SIGPIPE, which would kill w2s: block it in this
  // thread for the write, and take a pending one back before unblocking.
  sigset_t pipe_set, old_set;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old_set);
  size_t done = 0;
  int err = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(to_child_, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      err = errno;
      break;
    }
    done += static_cast<size_t>(n);
  }
  if (err == EPIPE) {
    const timespec zero{0, 0};
    sigtimedwait(&pipe_set, nullptr, &zero);
  }
  pthread_sigmask(SIG_SETMASK, &old_set, nullptr);
  if (err == EPIPE) fail("{}: the program exited (writing '{}')", program(), line.substr(0, 80));
  check(err == 0, "{}: cannot write to it: {}", program(), std::strerror(err));
}

std::optional<std::string> Subprocess::read_line(double timeout_s) {
  const auto t0 = Clock::now();
  for (;;) {
    const size_t nl = buffer_.find('\n');
    if (nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return line;
    }
    if (eof_ || from_child_ < 0) {
      if (buffer_.empty()) return std::nullopt;
      std::string rest;
      rest.swap(buffer_);
      return rest;
    }
    const double left = timeout_s - seconds_since(t0);
    if (left <= 0) fail("{}: no reply within {:.0f} s", program(), timeout_s);
    pollfd p{from_child_, POLLIN, 0};
    const int r = ::poll(&p, 1, static_cast<int>(std::min(left, 3600.0) * 1000) + 1);
    if (r < 0 && errno == EINTR) continue;
    check(r >= 0, "{}: poll failed: {}", program(), std::strerror(errno));
    if (r == 0) continue;  // the deadline is checked above
    char chunk[4096];
    const ssize_t n = ::read(from_child_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    check(n >= 0, "{}: cannot read its output: {}", program(), std::strerror(errno));
    if (n == 0)
      eof_ = true;
    else
      buffer_.append(chunk, static_cast<size_t>(n));
  }
}

int Subprocess::finish(double timeout_s) {
  if (status_) return *status_;
  close_fd(to_child_);
  const auto t0 = Clock::now();
  int status = 0;
  for (;;) {
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) break;
    if (r < 0 && errno != EINTR) fail("{}: waitpid failed: {}", program(), std::strerror(errno));
    if (seconds_since(t0) > timeout_s) {
      ::kill(pid_, SIGKILL);
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  status_ = decode_status(status);  // its output stays readable to the end
  return *status_;
}

}  // namespace w2s
