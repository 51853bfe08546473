// Sweeps as Slurm array jobs: the batch scripts, and a real one-node cluster (Debian's slurm-wlm,
// started by the test) running a tiny sweep as an array of 3 tasks whose results equal the same
// sweep run in one process.
#include "w2s/sweep/slurm.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <filesystem>

#include "slurm_cluster.h"
#include "test_support.h"
#include "tiny_family.h"
#include "tiny_sweep.h"
#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/sweep/folder.h"
#include "w2s/sweep/options.h"
#include "w2s/sweep/sweep.h"

namespace fs = std::filesystem;

namespace w2s::sweep {
namespace {

bool has(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

TEST(SlurmScripts, ResourcesShardsAndCollection) {
  SweepOptions o;
  o.runs_dir = "runs/my sweep";
  o.slurm.tasks = 8;
  o.slurm.max_running = 2;
  o.slurm.partition = "gpu";
  o.slurm.cpus = 4;
  o.slurm.mem = "16G";
  o.slurm.gpus = 1;
  o.slurm.time = "08:00:00";
  o.slurm.sbatch_args = {"--account=lab"};
  o.slurm.setup = {"module load cuda"};
  const auto s = slurm_scripts(o, 5, "/opt/w2s/bin/w2s", "/home/me/exp");
  EXPECT_EQ(s.tasks, 5);  // no more tasks than units of work
  EXPECT_EQ(s.dir, fs::path("/home/me/exp/runs/my sweep/slurm"));
  for (const char* line :
       {"#SBATCH --array=1-5%2\n", "#SBATCH --partition=gpu\n", "#SBATCH --cpus-per-task=4\n", "#SBATCH --mem=16G\n",
        "#SBATCH --gres=gpu:1\n", "#SBATCH --time=08:00:00\n", "#SBATCH --account=lab\n",
        "#SBATCH --chdir=/home/me/exp\n", "#SBATCH --requeue\n", "module load cuda\n"})
    EXPECT_TRUE(has(s.array, line)) << line << "\n" << s.array;
  // Task i runs shard i of 5 with the config copy; a path with a space is quoted for the shell.
  EXPECT_TRUE(
      has(s.array, "sweep '/home/me/exp/runs/my sweep/slurm/sweep.toml' --jsonl --shard \"${SLURM_ARRAY_TASK_ID}/5\""))
      << s.array;
  EXPECT_TRUE(has(s.array, "/opt/w2s/bin/w2s --threads \"${SLURM_CPUS_PER_TASK:-1}\""));
  // The collect job reads files only: no GPU, no array.
  EXPECT_TRUE(has(s.collect, "/opt/w2s/bin/w2s results '/home/me/exp/runs/my sweep'\n"));
  EXPECT_TRUE(has(s.collect, "/opt/w2s/bin/w2s report '/home/me/exp/runs/my sweep'\n"));
  EXPECT_FALSE(has(s.collect, "--gres") || has(s.collect, "--array"));
  // Data-parallel tasks: w2s --nproc, each process its share of the task's cores.
  o.slurm.nproc = 2;
  EXPECT_TRUE(has(slurm_scripts(o, 5, "w2s", "/x").array,
                  "w2s --threads \"$(( ${SLURM_CPUS_PER_TASK:-1} / 2 > 1 ? ${SLURM_CPUS_PER_TASK:-1} / 2 : 1 ))\" "
                  "--nproc 2 sweep"))
      << slurm_scripts(o, 5, "w2s", "/x").array;
  o.slurm.nproc = 1;
  // One task per unit by default.
  o.slurm.tasks = 0;
  o.slurm.max_running = 0;
  EXPECT_TRUE(has(slurm_scripts(o, 7, "w2s", "/x").array, "#SBATCH --array=1-7\n"));
  o.slurm.sbatch_args = {"account=lab"};
  EXPECT_TRUE(has(test::error_of([&] { slurm_scripts(o, 7, "w2s", "/x"); }), "slurm.sbatch_args"));
  o.slurm.sbatch_args = {};
  o.slurm.cpus = 0;
  EXPECT_TRUE(has(test::error_of([&] { slurm_scripts(o, 7, "w2s", "/x"); }), "slurm.cpus"));
}

class SlurmSweep : public TinySweep {};

TEST_F(SlurmSweep, AnArraySweepEqualsTheSameSweepInOneProcess) {
  if (auto why = test::SlurmCluster::unavailable()) GTEST_SKIP() << "no one-node Slurm cluster here: " << *why;
  test::SlurmCluster cluster;
  auto& tmp = tmp_;
  SweepOptions o = options(tmp / "slurm_runs");
  o.seeds = {0};
  o.slurm.cpus = 1;
  o.slurm.w2s = (fs::path(W2S_BINARY_DIR) / "w2s").string();
  ASSERT_TRUE(fs::exists(o.slurm.w2s)) << o.slurm.w2s << " not built";
  const auto sub = submit_sweep(o, /*write_only=*/false);
  EXPECT_EQ(sub.scripts.tasks, 3);  // one per weak model
  ASSERT_FALSE(sub.array_job.empty());
  ASSERT_TRUE(cluster.wait_for(sub.collect_job, 600)) << cluster.logs();
  const fs::path logs = sub.scripts.dir / "logs";
  std::string all_logs;
  for (const auto& e : fs::directory_iterator(logs)) all_logs += e.path().string() + ":\n" + read_file(e.path());
  ASSERT_TRUE(fs::exists(fs::path(o.runs_dir) / "report.html")) << all_logs << cluster.logs();
  EXPECT_EQ(std::distance(fs::directory_iterator(logs), fs::directory_iterator{}), 4) << all_logs;  // 3 tasks + collect

  // The same sweep in this process, with the jobs' one thread.
  const int threads = at::get_num_threads();
  at::set_num_threads(1);
  auto one = o;
  one.runs_dir = (tmp / "one_process").string();
  SweepRunOptions run;
  run.output = Output::quiet;
  const auto want = run_sweep(one, run);
  at::set_num_threads(threads);
  const auto got = collect_results(folder_configs(o.runs_dir));
  ASSERT_EQ(got.stages.size(), want.stages.size());
  ASSERT_EQ(got.stages.size(), 9u);  // 3 gt + 3 pairs × 2 losses
  for (size_t i = 0; i < want.stages.size(); ++i) {
    EXPECT_EQ(got.stages[i].key, want.stages[i].key);
    EXPECT_EQ(got.stages[i].test_accuracy, want.stages[i].test_accuracy) << want.stages[i].key;
  }
  ASSERT_EQ(got.pgr.size(), want.pgr.size());
  for (size_t i = 0; i < want.pgr.size(); ++i) {
    EXPECT_EQ(got.pgr[i].student_acc, want.pgr[i].student_acc);
    if (std::isnan(want.pgr[i].pgr)) {
      EXPECT_TRUE(std::isnan(got.pgr[i].pgr));
    } else {
      EXPECT_EQ(got.pgr[i].pgr, want.pgr[i].pgr);
    }
  }
}

}  // namespace
}  // namespace w2s::sweep
