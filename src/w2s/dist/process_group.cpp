// The process group: environment, rendezvous, and collectives with timeouts. The one file that
// knows c10d; a build without it (W2S_HAVE_C10D unset) runs one process and refuses more.
#include "w2s/dist/process_group.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>

#include "w2s/core/error.h"
#include "w2s/core/log.h"

#if W2S_HAVE_C10D
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO
#endif
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif

namespace w2s::dist {
namespace {

struct Group {
  Env env;
#if W2S_HAVE_C10D
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> pg;
#endif
};

Group& group() {
  static Group g;
  return g;
}

std::optional<std::string> variable(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

int int_variable(const char* name, const std::string& value) {
  int out = 0;
  const auto* end = value.data() + value.size();
  const auto r = std::from_chars(value.data(), end, out);
  check(r.ec == std::errc() && r.ptr == end, "environment variable {}={} is not a whole number", name, value);
  return out;
}

/// The first set of `names`, read as an int.
std::optional<int> first_int(std::initializer_list<const char*> names) {
  for (const char* n : names)
    if (auto v = variable(n)) return int_variable(n, *v);
  return std::nullopt;
}

#if W2S_HAVE_C10D
/// Wait for a collective; a failure (a peer's connection closed, the timeout passed) becomes a
/// w2s::Error naming this rank and what it was doing.
void wait(const c10::intrusive_ptr<c10d::Work>& work, const std::string& what) {
  const auto& e = group().env;
  try {
    work->wait();
  } catch (const std::exception& ex) {
    std::string msg = ex.what();
    if (const auto nl = msg.find('\n'); nl != std::string::npos) msg.resize(nl);
    fail(
        "{}: rank {} of {} lost the other processes ({}); one of them died, was killed or did not answer "
        "within W2S_DIST_TIMEOUT = {:.0f} s",
        what, e.rank, e.world_size, msg, e.timeout_s);
  }
}

c10d::ProcessGroupGloo& pg() {
  check(group().pg, "dist: collective called before dist::init joined a process group");
  return *group().pg;
}

/// Runs `collective` on `tensors` flattened into one CPU buffer per dtype (one collective per
/// dtype, whatever the number of tensors), and copies each buffer's result back into them.
void through_flat_buffers(std::vector<torch::Tensor>& tensors,
                          const std::function<void(std::vector<torch::Tensor>&)>& collective) {
  std::vector<torch::ScalarType> dtypes;
  for (const auto& t : tensors)
    if (std::find(dtypes.begin(), dtypes.end(), t.scalar_type()) == dtypes.end()) dtypes.push_back(t.scalar_type());
  torch::NoGradGuard ng;
  for (const auto dt : dtypes) {
    std::vector<torch::Tensor> parts;
    for (const auto& t : tensors)
      if (t.scalar_type() == dt) parts.push_back(t.detach().reshape({-1}).to(torch::kCPU));
    std::vector<torch::Tensor> buf{torch::cat(parts).contiguous()};  // (Σ numel)
    collective(buf);
    int64_t at = 0;
    for (auto& t : tensors) {
      if (t.scalar_type() != dt) continue;
      const int64_t n = t.numel();
      t.copy_(buf[0].slice(0, at, at + n).view(t.sizes()));
      at += n;
    }
  }
}
#endif

}  // namespace

Env env_from_environment() {
  Env e;
  if (auto v = first_int({"WORLD_SIZE", "SLURM_NTASKS"})) e.world_size = *v;
  if (auto v = first_int({"RANK", "SLURM_PROCID"})) e.rank = *v;
  if (auto v = first_int({"LOCAL_RANK", "SLURM_LOCALID"})) e.local_rank = *v;
  if (auto v = variable("MASTER_ADDR")) e.master_addr = *v;
  if (auto v = first_int({"MASTER_PORT"})) e.master_port = *v;
  if (auto v = variable("W2S_DIST_TIMEOUT")) {
    char* end = nullptr;
    e.timeout_s = std::strtod(v->c_str(), &end);
    check(end != v->c_str() && *end == '\0' && e.timeout_s > 0,
          "environment variable W2S_DIST_TIMEOUT={} is not a positive number of seconds", *v);
  }
  check(e.world_size >= 1, "environment variable WORLD_SIZE={} must be at least 1", e.world_size);
  check(e.rank >= 0 && e.rank < e.world_size, "environment variable RANK={} is outside the world of WORLD_SIZE={}",
        e.rank, e.world_size);
  check(e.master_port > 0 && e.master_port < 65536, "environment variable MASTER_PORT={} is not a TCP port",
        e.master_port);
  return e;
}

bool available() {
#if W2S_HAVE_C10D
  return true;
#else
  return false;
#endif
}

void init(const Env& env) {
  auto& g = group();
  g.env = env;
  if (env.world_size == 1) return;
#if W2S_HAVE_C10D
  const auto timeout = std::chrono::milliseconds(static_cast<int64_t>(env.timeout_s * 1000.0));
  c10d::TCPStoreOptions so;
  so.port = static_cast<uint16_t>(env.master_port);
  so.isServer = env.rank == 0;
  so.numWorkers = static_cast<size_t>(env.world_size);
  so.waitWorkers = true;
  so.timeout = timeout;
  try {
    g.store = c10::make_intrusive<c10d::TCPStore>(env.master_addr, so);
    auto opts = c10d::ProcessGroupGloo::Options::create(timeout);
    if (auto ifname = variable("GLOO_SOCKET_IFNAME"))
      opts->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(*ifname));
    else if (env.master_addr == "127.0.0.1" || env.master_addr == "localhost")
      opts->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
    else
      opts->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
    g.pg = c10::make_intrusive<c10d::ProcessGroupGloo>(g.store, env.rank, env.world_size, opts);
  } catch (const std::exception& ex) {
    std::string msg = ex.what();
    if (const auto nl = msg.find('\n'); nl != std::string::npos) msg.resize(nl);
    fail("dist: rank {} of {} could not join the process group at MASTER_ADDR={} MASTER_PORT={} within {:.0f} s: {}",
         env.rank, env.world_size, env.master_addr, env.master_port, env.timeout_s, msg);
  }
  log::debug("dist: rank {} of {} joined at {}:{}", env.rank, env.world_size, env.master_addr, env.master_port);
#else
  fail(
      "WORLD_SIZE={}: this w2s was built without c10d (Debian: install libgloo-dev and rebuild); it runs one "
      "process",
      env.world_size);
#endif
}

int rank() { return group().env.rank; }
int world_size() { return group().env.world_size; }
int local_rank() { return group().env.local_rank; }
bool active() { return group().env.world_size > 1; }
bool is_writer() { return group().env.rank == 0; }
double timeout_s() { return group().env.timeout_s; }

std::pair<int64_t, int64_t> share(int64_t n, int r, int world) { return {n * r / world, n * (r + 1) / world}; }

void all_reduce_sum(std::vector<torch::Tensor>& tensors, const std::string& what) {
  if (!active() || tensors.empty()) return;
#if W2S_HAVE_C10D
  through_flat_buffers(tensors, [&](std::vector<torch::Tensor>& buf) { wait(pg().allreduce(buf), what); });
#endif
}

torch::Tensor all_gather_rows(const torch::Tensor& rows, const std::vector<int64_t>& counts, const std::string& what) {
  if (!active()) return rows;
  check(static_cast<int>(counts.size()) == world_size(), "{}: {} row counts for {} ranks", what, counts.size(),
        world_size());
  check(rows.size(0) == counts[static_cast<size_t>(rank())], "{}: rank {} has {} rows, expected {}", what, rank(),
        rows.size(0), counts[static_cast<size_t>(rank())]);
#if W2S_HAVE_C10D
  const int64_t most = *std::max_element(counts.begin(), counts.end());
  auto shape = rows.sizes().vec();
  shape[0] = most;
  auto padded = torch::zeros(shape, rows.options().device(torch::kCPU));  // (max n_r, ...)
  if (rows.size(0) > 0) padded.slice(0, 0, rows.size(0)).copy_(rows.detach());
  std::vector<torch::Tensor> in{padded};
  std::vector<std::vector<torch::Tensor>> out(1);
  for (int r = 0; r < world_size(); ++r) out[0].push_back(torch::empty_like(padded));
  wait(pg().allgather(out, in), what);
  std::vector<torch::Tensor> kept;
  for (int r = 0; r < world_size(); ++r) kept.push_back(out[0][static_cast<size_t>(r)].slice(0, 0, counts[r]));
  return torch::cat(kept).to(rows.device());
#else
  return rows;
#endif
}

void broadcast(std::vector<torch::Tensor>& tensors, const std::string& what) {
  if (!active() || tensors.empty()) return;
#if W2S_HAVE_C10D
  through_flat_buffers(tensors, [&](std::vector<torch::Tensor>& buf) { wait(pg().broadcast(buf), what); });
#endif
}

int64_t broadcast_value(int64_t value, const std::string& what) {
  if (!active()) return value;
#if W2S_HAVE_C10D
  std::vector<torch::Tensor> buf{torch::tensor({value}, torch::kLong)};
  wait(pg().broadcast(buf), what);
  return buf[0].item<int64_t>();
#else
  return value;
#endif
}

double all_reduce_value(double value, const std::string& what) {
  if (!active()) return value;
  std::vector<torch::Tensor> total{torch::tensor({value}, torch::kDouble)};
  all_reduce_sum(total, what);
  return total[0].item<double>();
}

void barrier(const std::string& what) {
  if (!active()) return;
#if W2S_HAVE_C10D
  wait(pg().barrier(), what);
#endif
}

}  // namespace w2s::dist
