// `w2s tune CONFIG`: each model's finetuning lr and epochs chosen on ground-truth validation data
// (sweep/tune.h), printed as a table and config lines, and with --tune.write recorded in the
// family's index, which sweeps then use by default.
#include <fmt/format.h>

#include "commands.h"
#include "sweep_cli.h"
#include "w2s/sweep/tune.h"

namespace w2s::app {

void register_tune(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "tune",
      "choose each model's finetuning lr and epochs on ground-truth validation data (the [tune] grid; rerun "
      "to resume); --tune.write FILE records them for sweeps");
  auto cli = std::make_shared<SweepCli>(*cmd, true);
  cmd->callback([cli] {
    const auto o = cli->resolve();
    if (cli->dump_requested()) return fmt::print("{}", config::dump_toml(o, sweep::SweepOptions::schema()));
    const auto res = sweep::run_tune(o, cli->output());
    fmt::print("\nground-truth validation accuracy (mean ± SE over {} runs each: tasks × seeds); test data unused\n{}",
               res.cells.empty() ? 0 : res.cells.front().n_runs, sweep::format_tune(res));
    fmt::print("\ntable: {}/tune.json{}\n", o.runs_dir,
               o.tune.write.empty()
                   ? ""
                   : fmt::format("\nrecorded in {} (sweeps use it unless model_finetune = config)", o.tune.write));
  });
}

}  // namespace w2s::app
