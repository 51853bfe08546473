// `w2s inspect DIR`: architecture, parameter counts, dtypes, vocabulary, context length.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "commands.h"
#include "w2s/config/cli.h"
#include "w2s/models/checkpoint.h"
#include "w2s/tokenizer/tokenizer.h"

namespace w2s::app {
namespace {

struct InspectOptions {
  std::string model;  // checkpoint folder (config.json + *.safetensors [+ tokenizer.json])
  bool json = false;  // print JSON instead of text
  static const config::Schema<InspectOptions>& schema() {
    static const auto s = config::Schema<InspectOptions>()
                              .field("model", &InspectOptions::model, "checkpoint folder (config.json, *.safetensors)")
                              .field("json", &InspectOptions::json, "print JSON instead of text");
    return s;
  }
};

std::string human(double n) {
  if (n >= 1e9) return fmt::format("{:.2f}B", n / 1e9);
  if (n >= 1e6) return fmt::format("{:.2f}M", n / 1e6);
  if (n >= 1e3) return fmt::format("{:.1f}K", n / 1e3);
  return fmt::format("{}", n);
}

/// "rotary θ 500000, 64 of 64 dims, llama3 ×32 (from 8192 positions)" or "learned".
std::string positions(const models::ModelConfig& c) {
  if (c.is_gpt2()) return "learned";
  std::string s = fmt::format("rotary θ {:g}, {} of {} dims", c.rope_theta, c.rotary_dims(), c.d_head);
  const auto& r = c.rope_scaling;
  switch (r.type) {
    case models::RopeType::none:
      break;
    case models::RopeType::linear:
      s += fmt::format(", linear ×{:g}", r.factor);
      break;
    case models::RopeType::dynamic:
      s += fmt::format(", dynamic NTK ×{:g}", r.factor);
      break;
    case models::RopeType::llama3:
      s += fmt::format(", llama3 ×{:g} (from {} positions)", r.factor, r.original_n_ctx);
      break;
  }
  return s;
}

/// "sliding window 4096 from layer 0", "parallel residual", "q/k norms": what else shapes the block.
std::string block_features(const models::ModelConfig& c) {
  std::vector<std::string> parts;
  if (c.use_sliding_window && c.sliding_window && c.window_from_layer < c.n_layer)
    parts.push_back(fmt::format("sliding window {} from layer {}", *c.sliding_window, c.window_from_layer));
  if (c.parallel_residual) parts.push_back("parallel residual");
  if (c.qk_norm) parts.push_back("q/k norms");
  return parts.empty() ? "" : fmt::format("{}", fmt::join(parts, ", "));
}

void run(const InspectOptions& o) {
  check(!o.model.empty(), "inspect: give a checkpoint folder");
  const auto cfg = models::load_config(o.model);
  const auto summary = models::summarize_checkpoint(o.model);
  auto model = models::load_model(o.model);
  const auto count = models::count_parameters(*model);
  nlohmann::json j;
  j["path"] = std::filesystem::absolute(o.model).string();
  j["model_type"] = cfg.model_type;
  j["parameters"] = count.total;
  j["non_embedding_parameters"] = count.non_embedding;
  j["n_layer"] = cfg.n_layer;
  j["d_model"] = cfg.d_model;
  j["n_head"] = cfg.n_head;
  j["n_head_kv"] = cfg.n_head_kv;
  j["d_head"] = cfg.d_head;
  j["d_ff"] = cfg.d_ff;
  j["vocab_size"] = cfg.vocab_size;
  j["n_ctx"] = cfg.n_ctx;
  j["tie_embeddings"] = cfg.tie_embeddings;
  j["activation"] = cfg.activation;
  if (!cfg.is_gpt2()) j["rope_theta"] = cfg.rope_theta;
  j["positions"] = positions(cfg);
  j["block"] = block_features(cfg);
  j["stored_dtypes"] = summary.elements_by_dtype;
  j["n_tensors"] = summary.n_tensors;
  j["n_bytes"] = summary.n_bytes;
  for (const auto& f : summary.files) j["files"].push_back(f.filename().string());
  try {
    const auto tok = tokenizer::Tokenizer::from_dir(o.model);
    j["tokenizer"]["vocab_size"] = tok.vocab_size();
    if (tok.bos_id()) j["tokenizer"]["bos"] = tok.id_to_token(*tok.bos_id());
    if (tok.eos_id()) j["tokenizer"]["eos"] = tok.id_to_token(*tok.eos_id());
  } catch (const Error& e) {
    j["tokenizer"] = nullptr;
    j["tokenizer_error"] = e.what();
  }
  if (o.json) {
    fmt::print("{}\n", j.dump(2));
    return;
  }
  fmt::print("{}\n", j["path"].get<std::string>());
  fmt::print("  architecture    {} ({} layers, d_model {}, {} heads{}, d_ff {}, {})\n", cfg.model_type, cfg.n_layer,
             cfg.d_model, cfg.n_head, cfg.n_head_kv != cfg.n_head ? fmt::format(" / {} kv", cfg.n_head_kv) : "",
             cfg.d_ff, cfg.activation);
  fmt::print("  parameters      {} total, {} non-embedding\n", human(count.total), human(count.non_embedding));
  fmt::print("  vocabulary      {} (embeddings {})\n", cfg.vocab_size, cfg.tie_embeddings ? "tied" : "untied");
  fmt::print("  context length  {}\n", cfg.n_ctx);
  fmt::print("  positions       {}\n", j["positions"].get<std::string>());
  if (!j["block"].get<std::string>().empty()) fmt::print("  block           {}\n", j["block"].get<std::string>());
  std::string dt;
  for (const auto& [k, v] : summary.elements_by_dtype)
    dt += fmt::format("{}{} ({})", dt.empty() ? "" : ", ", k, human(v));
  fmt::print("  stored dtypes   {}\n", dt);
  fmt::print("  files           {} file(s), {} tensors, {:.1f} MB\n", summary.files.size(), summary.n_tensors,
             summary.n_bytes / 1e6);
  if (j["tokenizer"].is_null()) {
    fmt::print("  tokenizer       none ({})\n", j["tokenizer_error"].get<std::string>());
  } else {
    fmt::print("  tokenizer       {} tokens{}\n", j["tokenizer"]["vocab_size"].get<int64_t>(),
               j["tokenizer"].contains("eos") ? ", eos " + j["tokenizer"]["eos"].get<std::string>() : "");
  }
}

}  // namespace

void register_inspect(CLI::App& app) {
  auto* cmd = app.add_subcommand("inspect", "show a checkpoint's architecture, sizes and dtypes");
  auto bind = config::bind_cli<InspectOptions>(*cmd, {"model"});
  cmd->callback([bind] {
    const auto o = bind->resolve();
    if (bind->dump_requested()) return fmt::print("{}", config::dump_toml(o, bind->schema()));
    run(o);
  });
}

}  // namespace w2s::app
