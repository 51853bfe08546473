// `w2s score DIR --text ...`: per-token LM loss and bits per byte.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "w2s/config/cli.h"
#include "w2s/core/file.h"
#include "w2s/eval/lm_eval.h"
#include "w2s/models/checkpoint.h"
#include "w2s/train/compute.h"

namespace w2s::app {
namespace {

struct ScoreOptions {
  std::string model;              // checkpoint folder with tokenizer
  std::string text;               // text to score
  std::string file;               // or: a file to score
  std::string dtype = "float32";  // compute dtype
  std::string device = "cpu";     // cpu | cuda
  bool json = false;              // print JSON
  bool per_token = true;          // print the per-token table (text mode)
  static const config::Schema<ScoreOptions>& schema() {
    static const auto s = config::Schema<ScoreOptions>()
                              .field("model", &ScoreOptions::model, "checkpoint folder with tokenizer")
                              .field("text", &ScoreOptions::text, "text to score")
                              .field("file", &ScoreOptions::file, "score this file's contents instead")
                              .field("dtype", &ScoreOptions::dtype, "compute dtype", {"float32", "bfloat16", "float16"})
                              .field("device", &ScoreOptions::device, "device", {"cpu", "cuda"})
                              .field("json", &ScoreOptions::json, "print JSON")
                              .field("per_token", &ScoreOptions::per_token, "print every token's loss");
    return s;
  }
};

std::string quoted(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void run(const ScoreOptions& o) {
  check(!o.model.empty(), "score: give a checkpoint folder");
  check(o.text.empty() != o.file.empty(), "score: give exactly one of --text or --file");
  const auto tok = tokenizer::Tokenizer::from_dir(o.model);
  auto model = models::load_model(o.model, {.dtype = models::parse_float_dtype(o.dtype, "--dtype"),
                                            .device = train::resolve_compute(o.device, "float32").device,
                                            .extra_prefixes = {}});
  const std::string text = o.file.empty() ? o.text : read_file(o.file);
  const auto s = eval::score_text(*model, tok, text);
  if (o.json) {
    nlohmann::json j;
    j["n_tokens"] = s.tokens.size();
    j["n_bytes"] = s.n_bytes;
    j["total_nats"] = s.total_nats;
    j["nats_per_token"] = s.nats_per_token();
    j["bits_per_byte"] = s.bits_per_byte();
    for (const auto& t : s.tokens) j["tokens"].push_back({{"id", t.id}, {"piece", t.piece}, {"nats", t.nats}});
    fmt::print("{}\n", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    return;
  }
  if (o.per_token) {
    fmt::print("{:>6} {:>8} {:>9}  piece\n", "pos", "id", "nats");
    for (size_t i = 0; i < s.tokens.size(); ++i)
      fmt::print("{:>6} {:>8} {:>9.4f}  {}\n", i, s.tokens[i].id, s.tokens[i].nats, quoted(s.tokens[i].piece));
  }
  fmt::print("{} tokens scored, {} bytes: {:.4f} nats/token, {:.4f} bits/byte\n", s.tokens.size(), s.n_bytes,
             s.nats_per_token(), s.bits_per_byte());
}

}  // namespace

void register_score(CLI::App& app) {
  auto* cmd = app.add_subcommand("score", "per-token language-model loss and bits per byte");
  auto bind = config::bind_cli<ScoreOptions>(*cmd, {"model"});
  cmd->callback([bind] {
    const auto o = bind->resolve();
    if (bind->dump_requested()) return fmt::print("{}", config::dump_toml(o, bind->schema()));
    run(o);
  });
}

}  // namespace w2s::app
