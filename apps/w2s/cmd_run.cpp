// `w2s run`: one weak/strong pair — weak model on ground truth, its weak labels, the strong
// ceiling, and a student per loss — as a two-model sweep (sweep/pair.h). `--weak-labels FILE`
// trains the strong student on a label file from elsewhere instead of a weak model's labels.
#include <fmt/format.h>

#include "commands.h"
#include "sweep_cli.h"
#include "w2s/sweep/pair.h"

namespace w2s::app {
namespace {

struct PairFlags {
  std::string weak;         // weak model (else the first of `models`)
  std::string strong;       // strong model (else the last of `models`)
  std::string weak_labels;  // train the student on this weak-label JSONL instead
  static const config::Schema<PairFlags>& schema() {
    using O = PairFlags;
    static const auto s =
        config::Schema<O>()
            .field("weak", &O::weak, "weak model folder (else the first of `models`)")
            .field("strong", &O::strong, "strong model folder (else the last of `models`)")
            .field("weak_labels", &O::weak_labels, "train the student on this weak-label JSONL (txt, soft_label, ...)");
    return s;
  }
};

}  // namespace

void register_run(CLI::App& app) {
  auto* cmd = app.add_subcommand("run", "one weak/strong pair: weak model, weak labels, ceiling, students");
  auto cli = std::make_shared<SweepCli>(*cmd, false);
  auto flags = config::bind_flags<PairFlags>(*cmd);
  cmd->callback([cli, flags] {
    const auto o = cli->resolve();
    if (cli->dump_requested()) return fmt::print("{}", config::dump_toml(o, sweep::SweepOptions::schema()));
    const auto f = flags->resolve();
    if (!f.weak_labels.empty()) {
      fmt::print("{:<10} {:<8} {:>9} {:>9}\n", "loss", "seed", "student", "ceiling");
      for (const auto& r : sweep::run_label_file(o, f.strong, f.weak_labels))
        fmt::print("{:<10} {:<8} {:>9.4f} {:>9.4f}\n", r.loss, r.seed, r.student, r.ceiling);
      return;
    }
    const auto pair = sweep::pair_sweep(o, f.weak, f.strong);
    sweep::SweepRunOptions run;
    run.output = cli->output();
    print_summary(pair, sweep::run_sweep(pair, run));
  });
}

}  // namespace w2s::app
