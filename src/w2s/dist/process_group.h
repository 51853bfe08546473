// Data-parallel training across processes: this process's rank in a c10d process group (Gloo on
// CPU tensors) and the few collectives training needs. Rank, world size and rendezvous come from
// the standard environment (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT), so w2s runs
// under srun, torchrun-style launchers or its own `--nproc N`. Without WORLD_SIZE (or with 1) the
// process is alone: rank 0 of 1, and every collective is a no-op. Every collective waits at most
// the group's timeout (W2S_DIST_TIMEOUT seconds, default 1800); a peer that died or hung ends the
// wait with a w2s::Error naming this rank and what it was doing, never a silent hang.
//
//   dist::init(dist::env_from_environment());   // once, at program start
//   if (dist::active()) dist::all_reduce_sum(grads, "step 12");
//   if (dist::is_writer()) write_file_atomic(...);  // rank 0 alone writes shared files
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

namespace w2s::dist {

/// Where this process stands, from the environment.
struct Env {
  int rank = 0;                           // RANK: 0 .. world_size − 1
  int world_size = 1;                     // WORLD_SIZE: processes in the job
  int local_rank = 0;                     // LOCAL_RANK: index on this machine (GPU choice)
  std::string master_addr = "127.0.0.1";  // MASTER_ADDR: host of rank 0's rendezvous store
  int master_port = 29500;                // MASTER_PORT: its TCP port
  double timeout_s = 1800.0;              // W2S_DIST_TIMEOUT: longest wait of one collective
};

/// The environment's Env. Unset variables keep their defaults; SLURM_PROCID / SLURM_NTASKS /
/// SLURM_LOCALID stand in for RANK / WORLD_SIZE / LOCAL_RANK under srun. A malformed value (not a
/// number, rank outside the world) throws w2s::Error naming the variable.
Env env_from_environment();

/// True when this w2s was built with c10d (Gloo); without it, a world of more than one process
/// is refused by init().
bool available();

/// Join the process group `env` describes (rank 0 serves the rendezvous store at
/// master_addr:master_port; the others connect to it within the timeout). A world of one process
/// needs nothing and joins nothing. Call once, before any collective.
void init(const Env& env);

int rank();          // this process's rank (0 when alone)
int world_size();    // processes in the group (1 when alone)
int local_rank();    // index on this machine (which GPU)
bool active();       // world_size() > 1
bool is_writer();    // rank() == 0: the one process that writes shared files
double timeout_s();  // the collectives' timeout

/// Sum `tensors` elementwise over all ranks, in place (any device: non-CPU tensors travel through
/// a CPU copy). One collective for all of them: they are flattened into one buffer per dtype.
void all_reduce_sum(std::vector<torch::Tensor>& tensors, const std::string& what);
/// Every rank's `rows` (this rank's (n_r, ...) tensor, n_r may differ by rank and be 0) stacked
/// in rank order: (Σ n_r, ...). `counts[r]` is rank r's n_r, known to every rank.
torch::Tensor all_gather_rows(const torch::Tensor& rows, const std::vector<int64_t>& counts, const std::string& what);
/// Rank 0's `tensors` copied into every rank's, in place.
void broadcast(std::vector<torch::Tensor>& tensors, const std::string& what);
/// Rank 0's `value` on every rank.
int64_t broadcast_value(int64_t value, const std::string& what);
/// The sum of every rank's `value` (`value` itself when alone), in double precision.
double all_reduce_value(double value, const std::string& what);
/// Wait until every rank arrives.
void barrier(const std::string& what);

/// The half-open share [begin, end) of `n` items that rank `r` of `world` takes: contiguous,
/// sizes differing by at most one, earlier ranks first.
std::pair<int64_t, int64_t> share(int64_t n, int r, int world);

}  // namespace w2s::dist
