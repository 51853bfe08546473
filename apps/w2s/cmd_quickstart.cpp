// `w2s quickstart`: the main job on the built-in default — a small weak-to-strong sweep over the
// built-in family on a built-in task (configs/quickstart.toml; --full: configs/quickstart_full.toml),
// then the PGR table and an HTML report. Resumable like any sweep.
#include <fmt/format.h>
#include <fmt/ranges.h>  // fmt::join (fmt ≥ 11 keeps it here; libtorch 2.x ships fmt 11)

#include <filesystem>
#include <sstream>

#include "commands.h"
#include "sweep_cli.h"
#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/models/model_spec.h"

namespace fs = std::filesystem;

namespace w2s::app {

namespace {

struct QuickstartFlags {
  bool full = false;  // the whole family on every built-in classification task
  static const config::Schema<QuickstartFlags>& schema() {
    static const auto s = config::Schema<QuickstartFlags>().field(
        "full", &QuickstartFlags::full, "the whole family on every built-in classification task (hours on 2 cores)");
    return s;
  }
};

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
  auto cli = std::make_shared<SweepCli>(*cmd, false);
  auto flags = config::bind_flags<QuickstartFlags>(*cmd);
  cmd->callback([cli, flags] {
    cli->set_default_config(find_config(flags->resolve().full ? "quickstart_full.toml" : "quickstart.toml"));
    const auto o = cli->resolve();
    for (const auto& m : o.models)
      check(fs::exists(models::backbone_dir(m)),
            "model {} not found: the built-in family ships in models/ (models/MODEL_CARD.md); to build it "
            "yourself run `bash scripts/train_family.sh && bash scripts/ship_family.sh`",
            m);
    const std::string toml = config::dump_toml(o, sweep::SweepOptions::schema());
    if (cli->dump_requested()) return fmt::print("{}", toml);
    if (cli->output() == sweep::Output::bar) {
      const std::string file = cli->config_file();
      fmt::print("w2s quickstart: {} ({} models × {} seeds × losses {} on {})\n", file, o.models.size(), o.seeds.size(),
                 fmt::join(o.losses, ", "), fmt::join(o.tasks, ", "));
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
