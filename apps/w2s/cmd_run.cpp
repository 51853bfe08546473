// `w2s run`: one weak/strong pair — weak model on ground truth, its weak labels, the strong
// ceiling, and a student per loss — as a two-model sweep. `--weak-labels FILE` trains the strong
// student on a label file from elsewhere instead of a weak model's labels.
#include <fmt/format.h>

#include <cmath>

#include "commands.h"
#include "sweep_config.h"
#include "w2s/core/error.h"
#include "w2s/eval/metrics.h"
#include "w2s/methods/pipeline.h"

namespace w2s::app {

void register_run(CLI::App& app) {
  auto* cmd = app.add_subcommand("run", "one weak/strong pair: weak model, weak labels, ceiling, students");
  auto cli = std::make_shared<SweepCli>();
  cli->add_to(*cmd, false);
  auto weak = std::make_shared<std::string>(), strong = std::make_shared<std::string>();
  auto labels = std::make_shared<std::string>();
  cmd->add_option("--weak", *weak, "weak model folder (else the first of `models`)");
  cmd->add_option("--strong", *strong, "strong model folder (else the last of `models`)");
  cmd->add_option("--weak-labels", *labels, "train the student on this weak-label JSONL (txt, soft_label, ...)")
      ->check(CLI::ExistingFile);
  cmd->callback([cli, weak, strong, labels] {
    auto o = cli->resolve();
    if (cli->bind->dump_requested()) return fmt::print("{}", config::dump_toml(o, sweep::SweepOptions::schema()));
    const auto family = o.models;
    const std::string w = !weak->empty() ? *weak : family.empty() ? "" : family.front();
    const std::string s = !strong->empty() ? *strong : family.empty() ? "" : family.back();
    check(!s.empty(), "w2s run needs a strong model: --strong DIR (or `models` in the config)");
    if (!labels->empty()) {
      o.models = {s};
      o.model_names.clear();
      // The strong model is the config's last model (unless --strong names another): keep its lr.
      const bool from_config = strong->empty() && o.model_lrs.size() == family.size();
      const double lr = from_config && !o.model_lrs.empty() ? o.model_lrs.back() : 0.0;
      o.model_lrs.clear();
      if (lr > 0) o.model_lrs.push_back(lr);
      sweep::RunStore store(o.runs_dir);
      methods::Pipeline p(store, o.data, o.finetune);
      const auto ref = sweep::family_of(o).front();
      fmt::print("{:<10} {:<8} {:>9} {:>9}\n", "loss", "seed", "student", "ceiling");
      for (const auto& task : o.tasks)
        for (int64_t seed : o.seeds) {
          const auto ceil = methods::read_stage_metrics(store.path(p.gt(task, ref, seed)));
          for (const auto& loss : o.losses) {
            auto lo = o.finetune.loss;
            lo.name = loss;
            const auto m = methods::read_stage_metrics(store.path(p.student_from_file(task, ref, *labels, lo, seed)));
            fmt::print("{:<10} {:<8} {:>9.4f} {:>9.4f}\n", loss, seed, m.test_accuracy, ceil.test_accuracy);
          }
        }
      return;
    }
    check(!w.empty() && w != s, "w2s run needs two different models: --weak DIR --strong DIR");
    if (o.model_lrs.size() == o.models.size() && o.models.size() >= 2 && weak->empty() && strong->empty())
      o.model_lrs = {o.model_lrs.front(), o.model_lrs.back()};
    else
      o.model_lrs.clear();
    if (o.model_names.size() == o.models.size() && o.models.size() >= 2 && weak->empty() && strong->empty())
      o.model_names = {o.model_names.front(), o.model_names.back()};
    else
      o.model_names.clear();
    o.models = {w, s};
    o.bootstrap = false;
    sweep::SweepRunOptions run;
    run.output = cli->output();
    print_summary(o, sweep::run_sweep(o, run));
  });
}

}  // namespace w2s::app
