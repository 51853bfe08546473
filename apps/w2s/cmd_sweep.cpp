// `w2s sweep CONFIG [--shard I/N | --slurm]`: every weak < strong pair of a family × losses × seeds ×
// methods, resumable (finished stages are reused), shardable across machines, or submitted as a
// Slurm array (sweep/slurm.h).
#include <fmt/format.h>

#include "commands.h"
#include "sweep_cli.h"
#include "w2s/core/error.h"
#include "w2s/sweep/slurm.h"

namespace w2s::app {
namespace {

struct ShardFlags {
  std::string shard = "1/1";   // run only part I of N of the plan
  bool slurm = false;          // submit as a Slurm array job instead of running here
  bool slurm_scripts = false;  // only write the Slurm job scripts
  static const config::Schema<ShardFlags>& schema() {
    static const auto s =
        config::Schema<ShardFlags>()
            .field("shard", &ShardFlags::shard, "run only part I of N of the plan (folders merge by copying)")
            .field("slurm", &ShardFlags::slurm,
                   "submit the sweep to Slurm as an array job (one shard per task, resources from [slurm]) and a "
                   "job that collects the results after it; returns at once")
            .field("slurm_scripts", &ShardFlags::slurm_scripts,
                   "write the Slurm job scripts to <runs_dir>/slurm without submitting them");
    return s;
  }
};

}  // namespace

void register_sweep(CLI::App& app) {
  auto* cmd = app.add_subcommand("sweep", "run a weak-to-strong sweep over a model family (rerun to resume)");
  auto cli = std::make_shared<SweepCli>(*cmd, true);
  auto flags = config::bind_flags<ShardFlags>(*cmd);
  cmd->callback([cli, flags] {
    const auto o = cli->resolve();
    if (cli->dump_requested()) return fmt::print("{}", config::dump_toml(o, sweep::SweepOptions::schema()));
    const auto f = flags->resolve();
    if (f.slurm || f.slurm_scripts) {
      check(f.shard == "1/1", "--slurm makes the shards itself (slurm.tasks): drop --shard");
      const auto sub = sweep::submit_sweep(o, /*write_only=*/!f.slurm);
      if (f.slurm)
        fmt::print("submitted: array job {} ({} tasks), collect job {} after it\nlogs: {}\n", sub.array_job,
                   sub.scripts.tasks, sub.collect_job, (sub.scripts.dir / "logs").string());
      else
        fmt::print("wrote {}/array.sbatch ({} tasks) and collect.sbatch\n", sub.scripts.dir.string(),
                   sub.scripts.tasks);
      return;
    }
    sweep::SweepRunOptions run;
    std::tie(run.shard_i, run.shard_n) = sweep::parse_shard(f.shard);
    run.output = cli->output();
    print_summary(o, sweep::run_sweep(o, run));
  });
}

}  // namespace w2s::app
