// Sweeps as Slurm array jobs: `w2s sweep CONFIG --slurm` submits one array task per shard of the
// plan (each runs `w2s sweep --shard i/N` into the same runs_dir) and a job that waits for the
// whole array (afterany) and then writes results.json and report.html. Resources come from the
// config's [slurm] table.
//
// Shards share nothing but the store: a unit of the plan (task, seed, weak model) needs only its
// own stages, and a stage two tasks need at once (a generative finetune of a strong model) is built
// by the first under the run store's per-stage lock while the other waits, then reused. So no
// dependency levels are planned; a failed or requeued task reruns only what is not finished, and
// resubmitting the same config reruns what is missing.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "w2s/config/schema.h"

namespace w2s::sweep {

struct SweepOptions;

/// The [slurm] table of a sweep config.
struct SlurmOptions {
  int64_t tasks = 0;                     // array tasks, one shard each (0 = one per unit of the plan)
  int64_t max_running = 0;               // tasks running at once (0 = as many as Slurm allows)
  std::string partition;                 // --partition ("" = the cluster's default)
  int64_t cpus = 2;                      // --cpus-per-task; w2s uses them as its threads
  std::string mem;                       // --mem, e.g. "16G" ("" = the partition's default)
  int64_t gpus = 0;                      // GPUs per task (--gres=gpu:N)
  int64_t nproc = 1;                     // data-parallel processes per task (w2s --nproc): each trains on
                                         // its share of every batch, with cpus / nproc threads
  std::string time;                      // --time, e.g. "08:00:00" ("" = the partition's default)
  std::string job_name = "w2s-sweep";    // --job-name (the collect job adds "-collect")
  std::vector<std::string> sbatch_args;  // more sbatch flags, verbatim (e.g. "--account=lab", "--qos=low")
  std::vector<std::string> setup;        // shell lines run before w2s in each job (module load ...)
  std::string w2s;                       // the w2s program the jobs run ("" = this one, by absolute path)
  static const config::Schema<SlurmOptions>& schema();
};

/// The two batch scripts and where they go.
struct SlurmScripts {
  std::filesystem::path dir;  // <runs_dir>/slurm
  int64_t tasks = 0;          // array size
  std::string array;          // array.sbatch: task i runs shard i of `tasks`
  std::string collect;        // collect.sbatch: results.json and report.html once the array is done
};

/// The scripts for `options` (whose resolved config the caller writes to <dir>/sweep.toml):
/// `units` is the plan's number of units, `w2s` the program, `workdir` the folder relative paths in
/// the config are read from. Pure: writes and runs nothing.
SlurmScripts slurm_scripts(const SweepOptions& options, int64_t units, const std::string& w2s,
                           const std::filesystem::path& workdir);

/// What submit_sweep did.
struct SlurmSubmission {
  SlurmScripts scripts;
  std::string array_job;    // Slurm job id of the array ("" when only written)
  std::string collect_job;  // job id of the collect job
};

/// Writes <runs_dir>/slurm/{sweep.toml, array.sbatch, collect.sbatch, logs/} and, unless
/// `write_only`, submits them with `sbatch --parsable` (the collect job with
/// --dependency=afterany:<array>). w2s::Error with sbatch's message when a submission fails.
SlurmSubmission submit_sweep(const SweepOptions& options, bool write_only);

/// The absolute path of the running program (/proc/self/exe).
std::string current_executable();

}  // namespace w2s::sweep
