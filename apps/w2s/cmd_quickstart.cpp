// `w2s quickstart`: the main job on the built-in default — a small weak-to-strong sweep over the
// built-in family on a built-in task (configs/quickstart.toml; --full: configs/quickstart_full.toml),
// then the PGR table and an HTML report. Resumable like any sweep.
#include <fmt/format.h>

#include <filesystem>
#include <sstream>

#include "commands.h"
#include "sweep_config.h"
#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/train/classifier.h"

namespace fs = std::filesystem;

namespace w2s::app {

namespace {
std::string find_config(const std::string& name) {
  for (const fs::path& base : {fs::path("."), fs::path(W2S_SOURCE_DIR)}) {
    const fs::path p = base / "configs" / name;
    if (fs::exists(p)) return p.string();
  }
  fail("configs/{} not found (run w2s from the repository root)", name);
}
}  // namespace

void register_quickstart(CLI::App& app) {
  auto* cmd = app.add_subcommand("quickstart", "weak-to-strong on the built-in family and data, with a report");
  auto cli = std::make_shared<SweepCli>();
  auto full = std::make_shared<bool>(false);
  cli->add_to(*cmd, false);
  cmd->add_flag("--full", *full, "the whole family on every built-in task (hours on 2 cores)");
  cmd->callback([cli, full] {
    if (cli->config_file->empty()) cli->default_config_ = find_config(*full ? "quickstart_full.toml" : "quickstart.toml");
    const auto o = cli->resolve();
    for (const auto& m : o.models)
      check(fs::exists(train::backbone_dir(m)),
            "model {} not found: the built-in family ships in models/ (models/MODEL_CARD.md); to build it "
            "yourself run `bash scripts/train_family.sh && bash scripts/ship_family.sh`", m);
    const std::string toml = config::dump_toml(o, sweep::SweepOptions::schema());
    if (cli->bind->dump_requested()) return fmt::print("{}", toml);
    if (cli->output() == sweep::Output::bar) {
      const std::string file = cli->config_file->empty() ? cli->default_config_ : *cli->config_file;
      fmt::print("w2s quickstart: {} ({} models × {} seeds × losses {} on {})\n", file, o.models.size(),
                 o.seeds.size(), fmt::join(o.losses, ", "), fmt::join(o.tasks, ", "));
      std::istringstream lines(read_file(file));  // the config as written (--dump-config: every key)
      for (std::string line; std::getline(lines, line);) fmt::print("  | {}\n", line);
      fmt::print("  models: {}\n  runs:   {} (rerun to resume; finished stages are reused)\n\n",
                 fmt::join(o.models, ", "), o.runs_dir);
    }
    sweep::SweepRunOptions run;
    run.output = cli->output();
    print_summary(o, sweep::run_sweep(o, run));
  });
}

}  // namespace w2s::app
