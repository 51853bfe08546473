// `w2s generate DIR --prompt ... --max-new N`: greedy continuation (a sanity check).
#include <fmt/format.h>

#include "commands.h"
#include "w2s/config/cli.h"
#include "w2s/models/checkpoint.h"
#include "w2s/models/generate.h"
#include "w2s/tokenizer/tokenizer.h"

namespace w2s::app {
namespace {

struct GenerateOptions {
  std::string model;              // checkpoint folder with tokenizer
  std::string prompt;             // text to continue
  int64_t max_new = 32;           // new tokens at most
  std::string dtype = "float32";  // compute dtype
  bool stop_at_eos = true;        // stop when the model emits its end-of-text token
  static const config::Schema<GenerateOptions>& schema() {
    static const auto s =
        config::Schema<GenerateOptions>()
            .field("model", &GenerateOptions::model, "checkpoint folder with tokenizer")
            .field("prompt", &GenerateOptions::prompt, "text to continue")
            .field("max_new", &GenerateOptions::max_new, "new tokens at most")
            .field("dtype", &GenerateOptions::dtype, "compute dtype", {"float32", "bfloat16", "float16"})
            .field("stop_at_eos", &GenerateOptions::stop_at_eos, "stop at the end-of-text token");
    return s;
  }
};

void run(const GenerateOptions& o) {
  check(!o.model.empty(), "generate: give a checkpoint folder");
  check(o.max_new >= 0, "generate: --max-new must be >= 0");
  const auto tok = tokenizer::Tokenizer::from_dir(o.model);
  auto model = models::load_model(
      o.model, {.dtype = models::parse_float_dtype(o.dtype, "--dtype"), .device = torch::kCPU, .extra_prefixes = {}});
  auto ids = tok.encode(o.prompt);
  if (ids.empty()) {
    const auto start = tok.bos_id() ? tok.bos_id() : tok.eos_id();
    check(start.has_value(), "generate: empty prompt and the tokenizer has no BOS/EOS token");
    ids.push_back(*start);
  }
  const auto eos = o.stop_at_eos ? tok.eos_id() : std::nullopt;
  const auto out = models::generate_greedy(*model, ids, o.max_new, eos);
  fmt::print("{}{}\n", o.prompt, tok.decode(out, /*skip_special_tokens=*/true));
}

}  // namespace

void register_generate(CLI::App& app) {
  auto* cmd = app.add_subcommand("generate", "greedy continuation of a prompt (sanity check)");
  auto bind = config::bind_cli<GenerateOptions>(*cmd, {"model"});
  cmd->callback([bind] {
    const auto o = bind->resolve();
    if (bind->dump_requested()) return fmt::print("{}", config::dump_toml(o, bind->schema()));
    run(o);
  });
}

}  // namespace w2s::app
