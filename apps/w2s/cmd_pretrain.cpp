// `w2s pretrain [CONFIG]`: causal-LM pretraining from scratch, or generative finetuning with
// --init DIR on a task's text. Rerunning the same command resumes from the last checkpoint.
#include <fmt/format.h>

#include "commands.h"
#include "w2s/config/cli.h"
#include "w2s/dist/process_group.h"
#include "w2s/train/pretrain.h"

namespace w2s::app {

void register_pretrain(CLI::App& app) {
  auto* cmd = app.add_subcommand("pretrain",
                                 "train a language model (from scratch, or --init DIR for generative finetuning); "
                                 "rerun to resume");
  auto bind = config::bind_cli_with_config<train::PretrainOptions>(*cmd, false);
  cmd->callback([bind] {
    const auto o = bind->resolve();
    if (bind->dump_requested()) return fmt::print("{}", config::dump_toml(o, bind->schema()));
    // Data-parallel (--nproc, or WORLD_SIZE under a launcher): rank 0 alone writes --out.
    const auto r = train::pretrain(o, 0, dist::is_writer());
    fmt::print(
        "pretrain: {} steps, {} tokens; held-out {:.4f} nats/token, {:.4f} bits/byte; "
        "{:.0f} tokens/s; {}\n",
        r.steps, r.tokens_seen, r.heldout_loss, r.heldout_bits_per_byte, r.tokens_per_second, o.out);
  });
}

}  // namespace w2s::app
