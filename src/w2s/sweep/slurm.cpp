// Slurm array submission of a sweep (see slurm.h).
#include "w2s/sweep/slurm.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/core/log.h"
#include "w2s/core/subprocess.h"
#include "w2s/sweep/options.h"
#include "w2s/sweep/plan.h"

namespace fs = std::filesystem;

namespace w2s::sweep {

const config::Schema<SlurmOptions>& SlurmOptions::schema() {
  using O = SlurmOptions;
  static const auto s =
      config::Schema<O>()
          .field("tasks", &O::tasks, "array tasks, one shard of the plan each (0 = one per unit of the plan)")
          .field("max_running", &O::max_running, "array tasks running at once (0 = as many as Slurm allows)")
          .field("partition", &O::partition, "sbatch --partition (\"\" = the cluster's default)")
          .field("cpus", &O::cpus, "sbatch --cpus-per-task; w2s uses them as its threads")
          .field("mem", &O::mem, "sbatch --mem per task, e.g. 16G (\"\" = the partition's default)")
          .field("gpus", &O::gpus, "GPUs per task (--gres=gpu:N)")
          .field("nproc", &O::nproc,
                 "data-parallel processes per task (w2s --nproc N; each with cpus / N threads and, on a GPU "
                 "machine, GPU LOCAL_RANK)")
          .field("time", &O::time, "sbatch --time per task, e.g. 08:00:00 (\"\" = the partition's default)")
          .field("job_name", &O::job_name, "sbatch --job-name (the collect job adds -collect)")
          .field("sbatch_args", &O::sbatch_args, "more sbatch flags, verbatim (e.g. \"--account=lab\")")
          .field("setup", &O::setup, "shell lines run before w2s in each job (module load ..., source ...)")
          .field("w2s", &O::w2s, "the w2s program the jobs run (\"\" = this one, by absolute path)");
  return s;
}

namespace {

// A word for a POSIX shell: single-quoted unless it is plainly safe.
std::string quoted(const std::string& s) {
  const bool plain = !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) || std::string_view("@%+=:,./_-").find(static_cast<char>(c)) != std::string_view::npos;
  });
  if (plain) return s;
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  return out + "'";
}

// The #SBATCH lines every job of the sweep shares.
std::string resources(const SlurmOptions& s, const fs::path& workdir) {
  std::string out = fmt::format("#SBATCH --chdir={}\n#SBATCH --cpus-per-task={}\n", quoted(workdir.string()), s.cpus);
  if (!s.partition.empty()) out += fmt::format("#SBATCH --partition={}\n", quoted(s.partition));
  if (!s.mem.empty()) out += fmt::format("#SBATCH --mem={}\n", quoted(s.mem));
  if (s.gpus > 0) out += fmt::format("#SBATCH --gres=gpu:{}\n", s.gpus);
  if (!s.time.empty()) out += fmt::format("#SBATCH --time={}\n", quoted(s.time));
  for (const auto& a : s.sbatch_args) out += fmt::format("#SBATCH {}\n", a);
  return out;
}

std::string setup_lines(const SlurmOptions& s) {
  std::string out;
  for (const auto& line : s.setup) out += line + "\n";
  return out;
}

void check_options(const SlurmOptions& s) {
  check(s.tasks >= 0, "slurm.tasks must be >= 0, got {}", s.tasks);
  check(s.max_running >= 0, "slurm.max_running must be >= 0, got {}", s.max_running);
  check(s.cpus >= 1, "slurm.cpus must be >= 1, got {}", s.cpus);
  check(s.gpus >= 0, "slurm.gpus must be >= 0, got {}", s.gpus);
  check(s.nproc >= 1, "slurm.nproc must be >= 1, got {}", s.nproc);
  check(!s.job_name.empty(), "slurm.job_name must not be empty");
  for (const auto& a : s.sbatch_args)
    check(a.starts_with("-") && a.find('\n') == std::string::npos,
          "slurm.sbatch_args: \"{}\" is not an sbatch flag (one line starting with -)", a);
}

// The job id sbatch --parsable prints ("123" or "123;cluster").
std::string submit(const fs::path& script, const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {"sbatch", "--parsable"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back(script.string());
  std::optional<Subprocess> p;
  try {
    p.emplace(argv);
  } catch (const Error& e) {
    fail("w2s sweep --slurm: cannot run sbatch (is Slurm installed here?): {}", e.what());
  }
  std::string id, rest;
  while (auto line = p->read_line(120.0)) {
    if (id.empty() && !line->empty()) {
      id = *line;
    } else {
      rest += *line + "\n";
    }
  }
  const int status = p->finish(10.0);
  check(status == 0 && !id.empty(), "w2s sweep --slurm: sbatch {} failed (exit {}); its messages are above",
        script.string(), status);
  if (const auto semi = id.find(';'); semi != std::string::npos) id.resize(semi);
  return id;
}

}  // namespace

std::string current_executable() {
  std::error_code ec;
  const auto p = fs::read_symlink("/proc/self/exe", ec);
  check(!ec, "cannot find this program's path (/proc/self/exe): {}; set slurm.w2s", ec.message());
  return p.string();
}

SlurmScripts slurm_scripts(const SweepOptions& o, int64_t units, const std::string& w2s, const fs::path& workdir) {
  const SlurmOptions& s = o.slurm;
  check_options(s);
  check(units >= 1, "the sweep's plan is empty: nothing to submit");
  SlurmScripts out;
  out.dir = fs::absolute(workdir / o.runs_dir / "slurm").lexically_normal();
  out.tasks = s.tasks > 0 ? std::min(s.tasks, units) : units;
  const std::string program = quoted(w2s);
  const std::string config = quoted((out.dir / "sweep.toml").string());
  const std::string logs = (out.dir / "logs").string();
  const std::string array_range =
      s.max_running > 0 ? fmt::format("1-{}%{}", out.tasks, s.max_running) : fmt::format("1-{}", out.tasks);
  // The task's cores as threads; data-parallel, each of its nproc processes gets its share.
  const std::string threads =
      s.nproc > 1 ? fmt::format(
                        "--threads \"$(( ${{SLURM_CPUS_PER_TASK:-1}} / {n} > 1 ? ${{SLURM_CPUS_PER_TASK:-1}} / "
                        "{n} : 1 ))\" --nproc {n} ",
                        fmt::arg("n", s.nproc))
                  : std::string("--threads \"${SLURM_CPUS_PER_TASK:-1}\" ");
  out.array = fmt::format(
      "#!/bin/bash\n"
      "# A w2s sweep as a Slurm array: task i of {tasks} runs shard i of the plan into one runs_dir.\n"
      "# Written by `w2s sweep --slurm`; finished stages are reused, so rerunning any task is safe.\n"
      "#SBATCH --job-name={name}\n"
      "#SBATCH --array={range}\n"
      "#SBATCH --output={logs}/%A_%a.out\n"
      "#SBATCH --requeue\n"
      "{resources}"
      "set -euo pipefail\n"
      "{setup}"
      "exec {w2s} {threads}sweep {config} --jsonl "
      "--shard \"${{SLURM_ARRAY_TASK_ID}}/{tasks}\"\n",
      fmt::arg("tasks", out.tasks), fmt::arg("name", quoted(s.job_name)), fmt::arg("range", array_range),
      fmt::arg("logs", quoted(logs)), fmt::arg("resources", resources(s, workdir)), fmt::arg("setup", setup_lines(s)),
      fmt::arg("w2s", program), fmt::arg("config", config), fmt::arg("threads", threads));
  const std::string runs = quoted(fs::absolute(workdir / o.runs_dir).lexically_normal().string());
  SlurmOptions one = s;
  one.gpus = 0;  // collecting reads files only
  out.collect = fmt::format(
      "#!/bin/bash\n"
      "# After every task of the w2s sweep array has ended (afterany): results.json and report.html\n"
      "# from whatever finished. Resubmitting the sweep runs only what is missing.\n"
      "#SBATCH --job-name={name}-collect\n"
      "#SBATCH --output={logs}/collect_%j.out\n"
      "{resources}"
      "set -euo pipefail\n"
      "{setup}"
      "{w2s} results {runs}\n"
      "{w2s} report {runs}\n",
      fmt::arg("name", quoted(s.job_name)), fmt::arg("logs", quoted(logs)),
      fmt::arg("resources", resources(one, workdir)), fmt::arg("setup", setup_lines(s)), fmt::arg("w2s", program),
      fmt::arg("runs", runs));
  return out;
}

SlurmSubmission submit_sweep(const SweepOptions& o, bool write_only) {
  const auto plan = plan_sweep(o);
  int64_t units = 0;
  for (const auto& st : plan) units = std::max<int64_t>(units, st.unit + 1);
  const std::string w2s = o.slurm.w2s.empty() ? current_executable() : o.slurm.w2s;
  SlurmSubmission sub;
  sub.scripts = slurm_scripts(o, units, w2s, fs::current_path());
  const auto& dir = sub.scripts.dir;
  fs::create_directories(dir / "logs");
  // The jobs read this copy of the resolved config, so later edits of the user's file (or other
  // flags) do not change a sweep that is queued.
  write_file_atomic(dir / "sweep.toml", config::dump_toml(with_family_finetuning(o), SweepOptions::schema()));
  write_file_atomic(dir / "array.sbatch", sub.scripts.array);
  write_file_atomic(dir / "collect.sbatch", sub.scripts.collect);
  if (write_only) {
    log::info("slurm: wrote {} ({} array tasks) and {}; submit with sbatch", (dir / "array.sbatch").string(),
              sub.scripts.tasks, (dir / "collect.sbatch").string());
    return sub;
  }
  sub.array_job = submit(dir / "array.sbatch", {});
  sub.collect_job = submit(dir / "collect.sbatch", {"--dependency=afterany:" + sub.array_job});
  log::info("slurm: array job {} ({} tasks, {} units of work), collect job {}; logs in {}", sub.array_job,
            sub.scripts.tasks, units, sub.collect_job, (dir / "logs").string());
  return sub;
}

}  // namespace w2s::sweep
