// A one-node Slurm cluster on this machine for tests: munged (if none runs), slurmctld and slurmd
// from Debian's slurm-wlm, configured in a temporary folder (its own ports, state and logs),
// reached through SLURM_CONF, and stopped when the object dies. Needs root (slurmd starts jobs as
// their user); unavailable() says why it cannot start.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "test_support.h"

namespace w2s::test {

class SlurmCluster {
 public:
  /// Why no cluster can start here (no slurm-wlm or munge, not root), or nullopt.
  static std::optional<std::string> unavailable();
  /// Starts the daemons and waits until the node is idle; throws w2s::Error with the logs' tail.
  SlurmCluster();
  ~SlurmCluster();
  SlurmCluster(const SlurmCluster&) = delete;
  SlurmCluster& operator=(const SlurmCluster&) = delete;

  /// Waits until job `id` has left the queue; false after `timeout_s`.
  bool wait_for(const std::string& id, double timeout_s) const;
  /// The daemons' logs (for failure messages).
  std::string logs() const;
  const std::filesystem::path& dir() const { return tmp_.path(); }

 private:
  TempDir tmp_;
  std::string previous_conf_;
  bool had_conf_ = false;
};

}  // namespace w2s::test
