// `w2s sweep CONFIG [--shard I/N]`: every weak < strong pair of a family × losses × seeds ×
// methods, resumable (finished stages are reused), shardable across machines.
#include <fmt/format.h>

#include "commands.h"
#include "sweep_cli.h"

namespace w2s::app {
namespace {

struct ShardFlags {
  std::string shard = "1/1";  // run only part I of N of the plan
  static const config::Schema<ShardFlags>& schema() {
    static const auto s = config::Schema<ShardFlags>().field(
        "shard", &ShardFlags::shard, "run only part I of N of the plan (folders merge by copying)");
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
    sweep::SweepRunOptions run;
    std::tie(run.shard_i, run.shard_n) = sweep::parse_shard(flags->resolve().shard);
    run.output = cli->output();
    print_summary(o, sweep::run_sweep(o, run));
  });
}

}  // namespace w2s::app
