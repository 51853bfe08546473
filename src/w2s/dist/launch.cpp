// Local workers: spawn, wait, and stop the rest when one fails.
#include "w2s/dist/launch.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <string>
#include <thread>

#include "w2s/core/error.h"
#include "w2s/core/log.h"

extern char** environ;

namespace w2s::dist {
namespace {

int exit_code(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

std::string describe(int status) {
  if (WIFSIGNALED(status))
    return fmt::format("was killed by signal {} ({})", WTERMSIG(status), strsignal(WTERMSIG(status)));
  return fmt::format("exited with status {}", exit_code(status));
}

/// This environment without the variables a worker gets from the launcher, plus those.
std::vector<std::string> worker_env(int rank, const LaunchOptions& o, int port) {
  static const char* kOwn[] = {
      "RANK=", "WORLD_SIZE=", "LOCAL_RANK=", "LOCAL_WORLD_SIZE=", "MASTER_ADDR=", "MASTER_PORT="};
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string kv(*e);
    bool own = false;
    for (const char* k : kOwn) own |= kv.rfind(k, 0) == 0;
    if (!own) env.push_back(kv);
  }
  env.push_back(fmt::format("RANK={}", rank));
  env.push_back(fmt::format("LOCAL_RANK={}", rank));
  env.push_back(fmt::format("WORLD_SIZE={}", o.nproc));
  env.push_back(fmt::format("LOCAL_WORLD_SIZE={}", o.nproc));
  env.push_back("MASTER_ADDR=" + o.master_addr);
  env.push_back(fmt::format("MASTER_PORT={}", port));
  return env;
}

std::vector<char*> pointers(std::vector<std::string>& v) {
  std::vector<char*> p;
  for (auto& s : v) p.push_back(s.data());
  p.push_back(nullptr);
  return p;
}

}  // namespace

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  check(fd >= 0, "--nproc: cannot open a socket to find a free port: {}", std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  const int err = errno;
  ::close(fd);
  check(ok, "--nproc: cannot find a free port on 127.0.0.1: {}", std::strerror(err));
  return ntohs(addr.sin_port);
}

int launch_local(const std::vector<std::string>& argv, const LaunchOptions& o) {
  check(o.nproc >= 1, "--nproc must be at least 1, not {}", o.nproc);
  check(!argv.empty(), "--nproc: no command to run");
  const int port = o.master_port > 0 ? o.master_port : free_port();
  std::map<pid_t, int> running;  // pid → rank
  auto stop_all = [&](int sig) {
    for (const auto& [pid, r] : running) ::kill(pid, sig);
  };
  for (int r = 0; r < o.nproc; ++r) {
    auto args = argv;
    auto env = worker_env(r, o, port);
    auto a = pointers(args), e = pointers(env);
    pid_t pid = -1;
    const int rc = ::posix_spawn(&pid, args[0].c_str(), nullptr, nullptr, a.data(), e.data());
    if (rc != 0) {
      stop_all(SIGTERM);
      fail("--nproc: cannot start worker {} ({}): {}", r, args[0], std::strerror(rc));
    }
    running[pid] = r;
  }
  log::debug("--nproc: {} workers, rendezvous at {}:{}", o.nproc, o.master_addr, port);
  int result = 0;
  while (!running.empty()) {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      break;  // no children left
    }
    const auto it = running.find(pid);
    if (it == running.end()) continue;
    const int r = it->second;
    running.erase(it);
    if (exit_code(status) == 0 || result != 0) continue;
    result = exit_code(status);
    if (running.empty()) break;
    log::error("--nproc: worker {} {}; stopping the other {}", r, describe(status), running.size());
    stop_all(SIGTERM);
    // The others get grace_s to stop on SIGTERM, then SIGKILL.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(o.grace_s);
    while (!running.empty() && std::chrono::steady_clock::now() < deadline) {
      const pid_t p = ::waitpid(-1, &status, WNOHANG);
      if (p > 0) {
        running.erase(p);
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
    stop_all(SIGKILL);
  }
  return result;
}

}  // namespace w2s::dist
