// `w2s sweep CONFIG [--shard I/N]`: every weak < strong pair of a family × losses × seeds ×
// methods, resumable (finished stages are reused), shardable across machines.
#include <fmt/format.h>

#include "commands.h"
#include "sweep_config.h"

namespace w2s::app {

void register_sweep(CLI::App& app) {
  auto* cmd = app.add_subcommand("sweep", "run a weak-to-strong sweep over a model family (rerun to resume)");
  auto cli = std::make_shared<SweepCli>();
  cli->add_to(*cmd, true);
  auto shard = std::make_shared<std::string>("1/1");
  cmd->add_option("--shard", *shard, "run only part I of N of the plan (folders merge by copying)");
  cmd->callback([cli, shard] {
    const auto o = cli->resolve();
    if (cli->bind->dump_requested()) return fmt::print("{}", config::dump_toml(o, sweep::SweepOptions::schema()));
    sweep::SweepRunOptions run;
    std::tie(run.shard_i, run.shard_n) = sweep::parse_shard(*shard);
    run.output = cli->output();
    const auto results = sweep::run_sweep(o, run);
    print_summary(o, results);
  });
}

}  // namespace w2s::app
