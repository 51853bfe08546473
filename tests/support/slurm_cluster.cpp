// One-node Slurm cluster for tests (see slurm_cluster.h).
#include "slurm_cluster.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/core/subprocess.h"

namespace fs = std::filesystem;

namespace w2s::test {
namespace {

// Runs argv, returns (exit status, stdout).
std::pair<int, std::string> run(const std::vector<std::string>& argv, double timeout_s = 30.0) {
  Subprocess p(argv);
  std::string out;
  while (auto line = p.read_line(timeout_s)) out += *line + "\n";
  return {p.finish(timeout_s), out};
}

std::string tail(const fs::path& file, size_t bytes = 1500) {
  if (!fs::exists(file)) return "(no " + file.string() + ")\n";
  const std::string s = read_file(file);
  return file.string() + ":\n" + (s.size() > bytes ? s.substr(s.size() - bytes) : s);
}

void kill_pid_file(const fs::path& file) {
  if (!fs::exists(file)) return;
  const int pid = std::atoi(read_file(file).c_str());
  if (pid > 1) ::kill(pid, SIGTERM);
}

}  // namespace

std::optional<std::string> SlurmCluster::unavailable() {
  for (const char* exe : {"/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/sbin/munged", "/usr/bin/sbatch"})
    if (!fs::exists(exe)) return fmt::format("{} is missing (apt-get install slurm-wlm munge)", exe);
  if (::geteuid() != 0) return std::string("slurmd needs root");
  return std::nullopt;
}

SlurmCluster::SlurmCluster() {
  if (const char* c = std::getenv("SLURM_CONF")) previous_conf_ = c, had_conf_ = true;
  const fs::path d = tmp_.path();
  for (const char* sub : {"state", "spool", "log"}) fs::create_directories(d / sub);
  // munged: one per machine, on /run/munge; start it (with a key) unless one answers.
  if (run({"/bin/sh", "-c", "munge -n | unmunge >/dev/null 2>&1"}).first != 0) {
    run({"/bin/sh", "-c",
         "mkdir -p /etc/munge /run/munge /var/lib/munge /var/log/munge; "
         "[ -s /etc/munge/munge.key ] || dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 2>/dev/null; "
         "chown -R munge:munge /etc/munge /run/munge /var/lib/munge /var/log/munge 2>/dev/null; "
         "chmod 400 /etc/munge/munge.key; "
         "su -s /bin/sh munge -c /usr/sbin/munged 2>/dev/null || /usr/sbin/munged --force"});
    check(run({"/bin/sh", "-c", "munge -n | unmunge >/dev/null 2>&1"}).first == 0, "munged does not answer");
  }
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  std::string node(host);
  if (const auto dot = node.find('.'); dot != std::string::npos) node.resize(dot);
  const int port = 17000 + static_cast<int>(::getpid() % 400) * 2;  // apart from a real cluster's 6817/6818
  const long cpus = std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN));
  const std::string conf = fmt::format(
      "ClusterName=w2stest\nSlurmctldHost={node}(127.0.0.1)\nSlurmctldPort={p}\nSlurmdPort={q}\n"
      "SlurmUser=root\nSlurmdUser=root\nAuthType=auth/munge\n"
      "StateSaveLocation={d}/state\nSlurmdSpoolDir={d}/spool\n"
      "SlurmctldPidFile={d}/slurmctld.pid\nSlurmdPidFile={d}/slurmd.pid\n"
      "SlurmctldLogFile={d}/log/slurmctld.log\nSlurmdLogFile={d}/log/slurmd.log\n"
      "ProctrackType=proctrack/linuxproc\nTaskPlugin=task/none\nSelectType=select/cons_tres\n"
      "SelectTypeParameters=CR_Core\nSchedulerType=sched/backfill\nReturnToService=2\nMpiDefault=none\n"
      "JobAcctGatherType=jobacct_gather/none\nAccountingStorageType=accounting_storage/none\n"
      "SchedulerParameters=sched_interval=1\nMinJobAge=300\n"
      "NodeName={node} NodeAddr=127.0.0.1 CPUs={cpus} RealMemory=1000 State=UNKNOWN\n"
      "PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP\n",
      fmt::arg("node", node), fmt::arg("p", port), fmt::arg("q", port + 1), fmt::arg("d", d.string()),
      fmt::arg("cpus", cpus));
  write_file_atomic(d / "slurm.conf", conf);
  ::setenv("SLURM_CONF", (d / "slurm.conf").c_str(), 1);
  const auto ctld = run({"/usr/sbin/slurmctld"});
  const auto slurmd = run({"/usr/sbin/slurmd", "-N", node});
  check(ctld.first == 0 && slurmd.first == 0, "slurm daemons did not start (slurmctld {}, slurmd {})\n{}", ctld.first,
        slurmd.first, logs());
  for (int i = 0; i < 60; ++i) {
    const auto [status, out] = run({"sinfo", "-h", "-o", "%t"});
    if (status == 0 && out.starts_with("idle")) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  fail("the one-node Slurm cluster did not become idle in 30 s\n{}", logs());
}

SlurmCluster::~SlurmCluster() {
  kill_pid_file(tmp_.path() / "slurmd.pid");
  kill_pid_file(tmp_.path() / "slurmctld.pid");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  if (had_conf_) {
    ::setenv("SLURM_CONF", previous_conf_.c_str(), 1);
  } else {
    ::unsetenv("SLURM_CONF");
  }
}

bool SlurmCluster::wait_for(const std::string& id, double timeout_s) const {
  const auto t0 = std::chrono::steady_clock::now();
  while (std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < timeout_s) {
    const auto [status, out] = run({"squeue", "-h", "-j", id, "-o", "%i"});
    // Empty: no longer pending or running; an error: the job is unknown (purged) or the controller
    // is gone, and the caller's checks on the job's output say which.
    if (status != 0 || out.find_first_not_of(" \n") == std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  return false;
}

std::string SlurmCluster::logs() const {
  return tail(tmp_.path() / "log" / "slurmctld.log") + tail(tmp_.path() / "log" / "slurmd.log");
}

}  // namespace w2s::test
