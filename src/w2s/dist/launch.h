// `--nproc N`: start N local workers of the same command, as torchrun does on one machine. Each
// worker is this program with the launcher's arguments and RANK = LOCAL_RANK = i, WORLD_SIZE =
// LOCAL_WORLD_SIZE = N, MASTER_ADDR = 127.0.0.1 and a free MASTER_PORT in its environment. When
// one worker fails, the others are stopped (SIGTERM, then SIGKILL after a grace period) and the
// launcher exits with the failed worker's status.
#pragma once

#include <string>
#include <vector>

namespace w2s::dist {

struct LaunchOptions {
  int nproc = 2;                          // workers to start
  std::string master_addr = "127.0.0.1";  // rendezvous host (rank 0 serves it)
  int master_port = 0;                    // 0 = a free port of this machine
  double grace_s = 10.0;                  // after a failure, how long the others get to stop
};

/// A TCP port nobody listens on now (bound on 127.0.0.1 and released).
int free_port();

/// Run `argv` (argv[0]: the program's path) as opts.nproc workers and wait for all of them.
/// Returns 0 when every worker succeeded, else the exit status of the first that failed (128 +
/// signal when one was killed). w2s::Error when a worker cannot be started.
int launch_local(const std::vector<std::string>& argv, const LaunchOptions& opts);

}  // namespace w2s::dist
