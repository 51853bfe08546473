// ModelConfig <-> Hugging Face config.json (gpt2, gpt_neox, llama, mistral, qwen2, qwen3).
#include "w2s/models/config.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/core/log.h"
#include "w2s/io/json_read.h"

namespace w2s::models {
namespace {

using nlohmann::json;

const std::vector<std::string>& supported_activations() {
  static const std::vector<std::string> kActs = {"gelu_new", "gelu_pytorch_tanh", "gelu", "relu", "silu"};
  return kActs;
}

/// Typed access to config.json keys; every error names the file and the key.
class Reader {
 public:
  Reader(const json& j, const std::string& source) : j_(j), source_(source) {}

  bool has(const std::string& key) const { return j_.contains(key) && !j_.at(key).is_null(); }

  int64_t req_int(const std::string& key) const {
    if (!has(key)) fail("{}: missing required key '{}'", source_, key);
    return as_int(key, j_.at(key));
  }
  int64_t opt_int(const std::string& key, int64_t def) const { return has(key) ? as_int(key, j_.at(key)) : def; }
  std::optional<int64_t> maybe_int(const std::string& key) const {
    if (!has(key)) return std::nullopt;
    const json& v = j_.at(key);
    if (v.is_array()) {  // e.g. Llama 3 lists several eos ids: keep the first
      if (v.empty()) return std::nullopt;
      return as_int(key, v.at(0));
    }
    return as_int(key, v);
  }
  double opt_double(const std::string& key, double def) const {
    if (!has(key)) return def;
    const json& v = j_.at(key);
    if (!v.is_number()) fail("{}: key '{}' must be a number, got {}", source_, key, io::json_excerpt(v));
    return v.get<double>();
  }
  bool opt_bool(const std::string& key, bool def) const {
    if (!has(key)) return def;
    const json& v = j_.at(key);
    if (!v.is_boolean()) fail("{}: key '{}' must be true or false, got {}", source_, key, io::json_excerpt(v));
    return v.get<bool>();
  }
  std::string opt_string(const std::string& key, const std::string& def) const {
    if (!has(key)) return def;
    const json& v = j_.at(key);
    if (!v.is_string()) fail("{}: key '{}' must be a string, got {}", source_, key, io::json_excerpt(v));
    return v.get<std::string>();
  }

 private:
  int64_t as_int(const std::string& key, const json& v) const {
    if (v.is_number_unsigned()) {
      if (v.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return v.get<int64_t>();
    } else if (v.is_number_integer()) {
      return v.get<int64_t>();
    } else if (v.is_number_float()) {
      // A whole float within int64's range (2.0 is 2); casting 1e300 would be undefined.
      const double d = v.get<double>();
      if (std::isfinite(d) && std::floor(d) == d && d >= -9.2e18 && d <= 9.2e18) return static_cast<int64_t>(d);
    }
    fail("{}: key '{}' must be an integer (within 64 bits), got {}", source_, key, io::json_excerpt(v));
  }

  const json& j_;
  const std::string& source_;
};

void check_activation(const std::string& act, const std::string& key, const std::string& source) {
  const auto& acts = supported_activations();
  if (std::find(acts.begin(), acts.end(), act) == acts.end())
    fail("{}: unsupported {} '{}' (supported: {})", source, key, act, fmt::join(acts, ", "));
}

void read_common_ids(const Reader& r, ModelConfig& c) {
  c.bos_token_id = r.maybe_int("bos_token_id");
  c.eos_token_id = r.maybe_int("eos_token_id");
  c.pad_token_id = r.maybe_int("pad_token_id");
  // transformers >= 4.56 writes "dtype"; older versions "torch_dtype".
  c.torch_dtype = r.opt_string("torch_dtype", r.opt_string("dtype", "float32"));
}

ModelConfig read_gpt2(const json& j, const std::string& source) {
  Reader r(j, source);
  ModelConfig c;
  c.model_type = "gpt2";
  c.vocab_size = r.req_int("vocab_size");
  c.d_model = r.req_int("n_embd");
  c.n_layer = r.req_int("n_layer");
  c.n_head = r.req_int("n_head");
  c.n_head_kv = c.n_head;
  if (r.has("n_positions")) {
    c.n_ctx = r.req_int("n_positions");
  } else if (r.has("n_ctx")) {
    c.n_ctx = r.req_int("n_ctx");
  } else {
    fail("{}: missing required key 'n_positions'", source);
  }
  c.d_ff = r.opt_int("n_inner", 4 * c.d_model);  // null → 4·n_embd
  c.norm_eps = r.opt_double("layer_norm_epsilon", 1e-5);
  c.activation = r.opt_string("activation_function", "gelu_new");
  check_activation(c.activation, "activation_function", source);
  c.tie_embeddings = r.opt_bool("tie_word_embeddings", true);
  c.qkv_bias = c.attn_out_bias = c.mlp_bias = true;
  c.embd_pdrop = r.opt_double("embd_pdrop", 0.1);
  c.attn_pdrop = r.opt_double("attn_pdrop", 0.1);
  c.resid_pdrop = r.opt_double("resid_pdrop", 0.1);
  if (!r.opt_bool("scale_attn_weights", true)) fail("{}: scale_attn_weights=false is not supported", source);
  if (r.opt_bool("scale_attn_by_inverse_layer_idx", false))
    fail("{}: scale_attn_by_inverse_layer_idx=true is not supported", source);
  check(c.n_head > 0 && c.d_model % c.n_head == 0, "{}: n_embd {} is not divisible by n_head {}", source, c.d_model,
        c.n_head);
  c.d_head = c.d_model / c.n_head;
  read_common_ids(r, c);
  return c;
}

/// rope_scaling (transformers < 5) or rope_parameters (>= 5: also rope_theta and
/// partial_rotary_factor). Types w2s does not implement are refused by name.
void read_rope(const json& j, const std::string& source, ModelConfig& c) {
  for (const char* key : {"rope_scaling", "rope_parameters"}) {
    if (!j.contains(key) || j.at(key).is_null()) continue;
    const json& rs = j.at(key);
    if (!rs.is_object()) fail("{}: key '{}' must be an object or null, got {}", source, key, io::json_excerpt(rs));
    Reader r(rs, source);
    const std::string type = r.opt_string("rope_type", r.opt_string("type", "default"));
    if (std::string(key) == "rope_parameters") {
      c.rope_theta = r.opt_double("rope_theta", c.rope_theta);
      c.rotary_fraction = r.opt_double("partial_rotary_factor", c.rotary_fraction);
    }
    RopeScaling& s = c.rope_scaling;
    auto factor = [&] {
      if (!r.has("factor")) fail("{}: {}.factor is required for rope_type '{}'", source, key, type);
      const double f = r.opt_double("factor", 1.0);
      check(f > 0 && std::isfinite(f), "{}: {}.factor must be positive, got {}", source, key, f);
      return f;
    };
    if (type == "default") {
      s = RopeScaling{};
    } else if (type == "linear") {
      s.type = RopeType::linear;
      s.factor = factor();
    } else if (type == "dynamic") {
      s.type = RopeType::dynamic;
      s.factor = factor();
    } else if (type == "llama3") {
      s.type = RopeType::llama3;
      s.factor = factor();
      s.low_freq_factor = r.opt_double("low_freq_factor", 1.0);
      s.high_freq_factor = r.opt_double("high_freq_factor", 4.0);
      if (!r.has("original_max_position_embeddings"))
        fail("{}: {}.original_max_position_embeddings is required for rope_type 'llama3'", source, key);
      s.original_n_ctx = r.req_int("original_max_position_embeddings");
      check(s.original_n_ctx > 0, "{}: {}.original_max_position_embeddings must be positive", source, key);
      check(s.high_freq_factor > s.low_freq_factor && s.low_freq_factor > 0,
            "{}: {} needs 0 < low_freq_factor < high_freq_factor, got {} and {}", source, key, s.low_freq_factor,
            s.high_freq_factor);
    } else {
      fail("{}: {} rope_type '{}' is unsupported (supported: default, linear, dynamic, llama3)", source, key, type);
    }
  }
}

/// Qwen2/Qwen3: use_sliding_window with max_window_layers, or an explicit layer_types list whose
/// windowed layers must be the last ones.
void read_qwen_window(const Reader& r, const json& j, const std::string& source, ModelConfig& c) {
  if (r.has("sliding_window")) c.sliding_window = r.req_int("sliding_window");
  const bool enabled = r.opt_bool("use_sliding_window", false);  // without it no layer is windowed
  c.window_from_layer = r.opt_int("max_window_layers", 28);      // transformers' default
  if (r.has("layer_types")) {
    const json& lt = j.at("layer_types");
    if (!lt.is_array() || static_cast<int64_t>(lt.size()) != c.n_layer)
      fail("{}: key 'layer_types' must list {} layer types", source, c.n_layer);
    int64_t first = c.n_layer;
    for (int64_t i = 0; i < c.n_layer; ++i) {
      const json& t = lt.at(static_cast<size_t>(i));
      const std::string type = t.is_string() ? t.get<std::string>() : io::json_excerpt(t);
      if (type == "sliding_attention") {
        first = std::min(first, i);
      } else if (type != "full_attention") {
        fail("{}: layer_types[{}] '{}' is unsupported (full_attention or sliding_attention)", source, i, type);
      } else if (first < i) {
        fail(
            "{}: layer_types has full_attention at layer {} after sliding_attention at layer {} (w2s windows a "
            "suffix of the layers only)",
            source, i, first);
      }
    }
    c.window_from_layer = first;
    if (first == c.n_layer) return;  // no windowed layer listed
  }
  c.use_sliding_window = enabled && c.sliding_window.has_value();
}

ModelConfig read_llama_family(const json& j, const std::string& source, const std::string& type) {
  Reader r(j, source);
  ModelConfig c;
  c.model_type = type;
  c.vocab_size = r.req_int("vocab_size");
  c.d_model = r.req_int("hidden_size");
  c.d_ff = r.req_int("intermediate_size");
  c.n_layer = r.req_int("num_hidden_layers");
  c.n_head = r.req_int("num_attention_heads");
  c.n_head_kv = r.opt_int("num_key_value_heads", c.n_head);
  c.n_ctx = r.req_int("max_position_embeddings");
  check(c.n_head > 0, "{}: num_attention_heads must be positive", source);
  if (r.has("head_dim")) {
    c.d_head = r.req_int("head_dim");
  } else {
    check(c.d_model % c.n_head == 0, "{}: hidden_size {} is not divisible by num_attention_heads {}", source, c.d_model,
          c.n_head);
    c.d_head = c.d_model / c.n_head;
  }
  c.norm_eps = r.opt_double("rms_norm_eps", 1e-6);
  c.rope_theta = r.opt_double("rope_theta", 10000.0);
  read_rope(j, source, c);
  c.activation = r.opt_string("hidden_act", "silu");
  check_activation(c.activation, "hidden_act", source);
  c.tie_embeddings = r.opt_bool("tie_word_embeddings", false);
  if (type == "qwen2") {
    c.qkv_bias = true;  // Qwen2 always has q/k/v biases and none elsewhere
    c.attn_out_bias = false;
    c.mlp_bias = false;
    read_qwen_window(r, j, source, c);
  } else if (type == "qwen3") {
    c.qkv_bias = c.attn_out_bias = r.opt_bool("attention_bias", false);
    c.mlp_bias = false;
    c.qk_norm = true;
    read_qwen_window(r, j, source, c);
  } else if (type == "mistral") {
    c.qkv_bias = c.attn_out_bias = c.mlp_bias = false;
    if (r.has("sliding_window")) c.sliding_window = r.req_int("sliding_window");
    c.use_sliding_window = c.sliding_window.has_value();  // Mistral windows every layer when W is set
    c.window_from_layer = 0;
  } else {
    c.qkv_bias = c.attn_out_bias = r.opt_bool("attention_bias", false);
    c.mlp_bias = r.opt_bool("mlp_bias", false);
  }
  if (c.use_sliding_window && *c.sliding_window >= c.n_ctx)
    log::info("{}: sliding_window {} covers all {} positions (max_position_embeddings): full attention", source,
              *c.sliding_window, c.n_ctx);
  c.attn_pdrop = r.opt_double("attention_dropout", 0.0);
  c.embd_pdrop = c.resid_pdrop = 0.0;
  read_common_ids(r, c);
  return c;
}

/// GPT-NeoX (Pythia): fused per-head q/k/v, partial rotary, parallel residual, LayerNorm with bias.
ModelConfig read_gpt_neox(const json& j, const std::string& source) {
  Reader r(j, source);
  ModelConfig c;
  c.model_type = "gpt_neox";
  c.vocab_size = r.req_int("vocab_size");
  c.d_model = r.req_int("hidden_size");
  c.d_ff = r.req_int("intermediate_size");
  c.n_layer = r.req_int("num_hidden_layers");
  c.n_head = r.req_int("num_attention_heads");
  c.n_head_kv = c.n_head;
  c.n_ctx = r.req_int("max_position_embeddings");
  check(c.n_head > 0 && c.d_model % c.n_head == 0, "{}: hidden_size {} is not divisible by num_attention_heads {}",
        source, c.d_model, c.n_head);
  c.d_head = c.d_model / c.n_head;
  c.norm_eps = r.opt_double("layer_norm_eps", 1e-5);
  c.rotary_fraction = r.opt_double("rotary_pct", r.opt_double("partial_rotary_factor", 0.25));
  c.rope_theta = r.opt_double("rotary_emb_base", r.opt_double("rope_theta", 10000.0));
  read_rope(j, source, c);
  c.parallel_residual = r.opt_bool("use_parallel_residual", true);
  c.activation = r.opt_string("hidden_act", "gelu");
  check_activation(c.activation, "hidden_act", source);
  c.tie_embeddings = r.opt_bool("tie_word_embeddings", false);
  c.qkv_bias = c.attn_out_bias = r.opt_bool("attention_bias", true);
  c.mlp_bias = true;
  c.attn_pdrop = r.opt_double("attention_dropout", 0.0);
  c.resid_pdrop = r.opt_double("hidden_dropout", 0.0);
  c.embd_pdrop = 0.0;
  read_common_ids(r, c);
  return c;
}

json rope_scaling_json(const RopeScaling& s) {
  switch (s.type) {
    case RopeType::none:
      return nullptr;
    case RopeType::linear:
      return {{"rope_type", "linear"}, {"factor", s.factor}};
    case RopeType::dynamic:
      return {{"rope_type", "dynamic"}, {"factor", s.factor}};
    case RopeType::llama3:
      return {{"rope_type", "llama3"},
              {"factor", s.factor},
              {"low_freq_factor", s.low_freq_factor},
              {"high_freq_factor", s.high_freq_factor},
              {"original_max_position_embeddings", s.original_n_ctx}};
  }
  return nullptr;
}

const char* architecture_name(const std::string& model_type) {
  if (model_type == "gpt2") return "GPT2LMHeadModel";
  if (model_type == "gpt_neox") return "GPTNeoXForCausalLM";
  if (model_type == "llama") return "LlamaForCausalLM";
  if (model_type == "mistral") return "MistralForCausalLM";
  if (model_type == "qwen3") return "Qwen3ForCausalLM";
  return "Qwen2ForCausalLM";
}

json optional_id(const std::optional<int64_t>& id) { return id ? json(*id) : json(nullptr); }

}  // namespace

void ModelConfig::validate(const std::string& source) const {
  const auto& types = supported_model_types();
  if (std::find(types.begin(), types.end(), model_type) == types.end())
    fail("{}: unknown model_type '{}' (supported: {})", source, model_type, fmt::join(types, ", "));
  check(vocab_size > 0, "{}: vocab_size must be positive, got {}", source, vocab_size);
  check(n_ctx > 0, "{}: n_ctx must be positive, got {}", source, n_ctx);
  check(d_model > 0, "{}: d_model must be positive, got {}", source, d_model);
  check(n_layer > 0, "{}: n_layer must be positive, got {}", source, n_layer);
  check(n_head > 0 && n_head_kv > 0, "{}: head counts must be positive ({} / {} kv)", source, n_head, n_head_kv);
  check(n_head % n_head_kv == 0, "{}: n_head {} is not a multiple of n_head_kv {}", source, n_head, n_head_kv);
  check(d_head > 0, "{}: d_head must be positive, got {}", source, d_head);
  check(d_ff > 0, "{}: d_ff must be positive, got {}", source, d_ff);
  check(norm_eps > 0, "{}: norm_eps must be positive, got {}", source, norm_eps);
  check_activation(activation, "activation", source);
  if (is_gpt2()) {
    check(n_head * d_head == d_model, "{}: gpt2 needs n_head·d_head == d_model ({}·{} != {})", source, n_head, d_head,
          d_model);
    check(n_head_kv == n_head, "{}: gpt2 has no grouped-query attention (n_head_kv {} != n_head {})", source, n_head_kv,
          n_head);
  } else {
    check(rotary_fraction > 0 && rotary_fraction <= 1, "{}: the rotary share of a head must be in (0, 1], got {}",
          source, rotary_fraction);
    const int64_t rotary = rotary_dims();
    check(rotary >= 2 && rotary % 2 == 0,
          "{}: rotary embeddings need an even number of rotated dims, got {} ({} of {})", source, rotary,
          rotary_fraction, d_head);
    check(rope_theta > 0, "{}: rope_theta must be positive, got {}", source, rope_theta);
    if (rope_scaling.type == RopeType::dynamic)
      check(rotary > 2, "{}: dynamic rope scaling needs more than 2 rotated dims", source);
  }
  if (is_gpt_neox()) check(n_head_kv == n_head, "{}: gpt_neox has no grouped-query attention", source);
  if (!is_llama_family()) check(!qk_norm, "{}: q/k norms exist only in the llama family (qwen3)", source);
  if (sliding_window)
    check(*sliding_window > 0, "{}: sliding_window must be positive, got {}", source, *sliding_window);
  check(window_from_layer >= 0, "{}: the first windowed layer must be >= 0, got {}", source, window_from_layer);
  for (double p : {embd_pdrop, attn_pdrop, resid_pdrop})
    check(p >= 0 && p < 1, "{}: dropout probability {} outside [0, 1)", source, p);
  check(torch_dtype == "float32" || torch_dtype == "bfloat16" || torch_dtype == "float16",
        "{}: torch_dtype '{}' (expected float32, bfloat16 or float16)", source, torch_dtype);
}

ModelConfig ModelConfig::from_hf_json(const nlohmann::json& j, const std::string& source) {
  if (!j.is_object()) fail("{}: expected a JSON object", source);
  if (!j.contains("model_type")) fail("{}: missing required key 'model_type'", source);
  if (!j.at("model_type").is_string()) fail("{}: key 'model_type' must be a string", source);
  const std::string type = j.at("model_type").get<std::string>();
  ModelConfig c;
  if (type == "gpt2") {
    c = read_gpt2(j, source);
  } else if (type == "gpt_neox") {
    c = read_gpt_neox(j, source);
  } else if (type == "llama" || type == "mistral" || type == "qwen2" || type == "qwen3") {
    c = read_llama_family(j, source, type);
  } else {
    fail("{}: unknown model_type '{}' (supported: {})", source, type, fmt::join(supported_model_types(), ", "));
  }
  c.validate(source);
  return c;
}

nlohmann::json ModelConfig::to_hf_json() const {
  json j;
  j["architectures"] = json::array({architecture_name(model_type)});
  j["model_type"] = model_type;
  j["vocab_size"] = vocab_size;
  j["bos_token_id"] = optional_id(bos_token_id);
  j["eos_token_id"] = optional_id(eos_token_id);
  if (pad_token_id) j["pad_token_id"] = *pad_token_id;
  j["tie_word_embeddings"] = tie_embeddings;
  j["torch_dtype"] = torch_dtype;
  j["initializer_range"] = 0.02;
  j["use_cache"] = true;
  if (is_gpt2()) {
    j["n_positions"] = n_ctx;
    j["n_ctx"] = n_ctx;
    j["n_embd"] = d_model;
    j["n_layer"] = n_layer;
    j["n_head"] = n_head;
    j["n_inner"] = d_ff;
    j["activation_function"] = activation;
    j["layer_norm_epsilon"] = norm_eps;
    j["embd_pdrop"] = embd_pdrop;
    j["attn_pdrop"] = attn_pdrop;
    j["resid_pdrop"] = resid_pdrop;
    j["scale_attn_weights"] = true;
    j["scale_attn_by_inverse_layer_idx"] = false;
    j["reorder_and_upcast_attn"] = false;
  } else if (is_gpt_neox()) {
    j["hidden_size"] = d_model;
    j["intermediate_size"] = d_ff;
    j["num_hidden_layers"] = n_layer;
    j["num_attention_heads"] = n_head;
    j["max_position_embeddings"] = n_ctx;
    j["layer_norm_eps"] = norm_eps;
    j["rotary_pct"] = rotary_fraction;
    j["rotary_emb_base"] = rope_theta;
    j["rope_scaling"] = rope_scaling_json(rope_scaling);
    j["use_parallel_residual"] = parallel_residual;
    j["hidden_act"] = activation;
    j["attention_bias"] = qkv_bias;
    j["attention_dropout"] = attn_pdrop;
    j["hidden_dropout"] = resid_pdrop;
    j["classifier_dropout"] = 0.1;
  } else {
    j["hidden_size"] = d_model;
    j["intermediate_size"] = d_ff;
    j["num_hidden_layers"] = n_layer;
    j["num_attention_heads"] = n_head;
    j["num_key_value_heads"] = n_head_kv;
    j["head_dim"] = d_head;
    j["max_position_embeddings"] = n_ctx;
    j["rms_norm_eps"] = norm_eps;
    j["rope_theta"] = rope_theta;
    j["rope_scaling"] = rope_scaling_json(rope_scaling);
    j["hidden_act"] = activation;
    j["attention_dropout"] = attn_pdrop;
    if (model_type == "llama") {
      j["attention_bias"] = qkv_bias;
      j["mlp_bias"] = mlp_bias;
      j["pretraining_tp"] = 1;
    } else if (model_type == "mistral") {
      j["sliding_window"] = sliding_window ? json(*sliding_window) : json(nullptr);
    } else {
      if (model_type == "qwen3") j["attention_bias"] = qkv_bias;
      j["use_sliding_window"] = use_sliding_window;
      j["sliding_window"] = sliding_window ? json(*sliding_window) : json(nullptr);
      j["max_window_layers"] = use_sliding_window ? window_from_layer : n_layer;
    }
  }
  return j;
}

ModelConfig load_config(const std::filesystem::path& dir) {
  const auto path = std::filesystem::is_directory(dir) ? dir / "config.json" : dir;
  const std::string text = read_file(path);
  json j;
  try {
    j = io::parse_json(text);
  } catch (const json::exception& e) {
    fail("{}: invalid JSON: {}", path.string(), e.what());
  }
  return ModelConfig::from_hf_json(j, path.string());
}

void save_config(const ModelConfig& config, const std::filesystem::path& dir) {
  config.validate((dir / "config.json").string());
  write_file_atomic(dir / "config.json", config.to_hf_json().dump(2) + "\n");
}

ModelConfig tiny_config(const std::string& model_type, int64_t vocab_size, int64_t d_model, int64_t n_layer,
                        int64_t n_head, int64_t n_head_kv, int64_t n_ctx) {
  ModelConfig c;
  c.model_type = model_type;
  c.vocab_size = vocab_size;
  c.d_model = d_model;
  c.n_layer = n_layer;
  c.n_head = n_head;
  c.n_head_kv = model_type == "gpt2" ? n_head : n_head_kv;
  c.d_head = d_model / n_head;
  c.n_ctx = n_ctx;
  c.embd_pdrop = c.attn_pdrop = c.resid_pdrop = 0.0;
  if (model_type == "gpt2") {
    c.d_ff = 4 * d_model;
    c.norm_eps = 1e-5;
    c.activation = "gelu_new";
    c.tie_embeddings = true;
    c.qkv_bias = c.attn_out_bias = c.mlp_bias = true;
  } else if (model_type == "gpt_neox") {
    c.n_head_kv = n_head;
    c.d_ff = 4 * d_model;
    c.norm_eps = 1e-5;
    c.activation = "gelu";
    c.tie_embeddings = false;
    c.qkv_bias = c.attn_out_bias = c.mlp_bias = true;
    c.rotary_fraction = 0.25;
    c.parallel_residual = true;
    if (c.rotary_dims() < 2 || c.rotary_dims() % 2 != 0)
      c.rotary_fraction = 1.0;  // too narrow a head for Pythia's quarter: rotate it all
  } else {
    c.d_ff = 3 * d_model;
    c.norm_eps = 1e-6;
    c.activation = "silu";
    c.tie_embeddings = false;
    c.qkv_bias = model_type == "qwen2";
    c.attn_out_bias = false;
    c.mlp_bias = false;
    c.qk_norm = model_type == "qwen3";
  }
  c.validate("tiny_config(" + model_type + ")");
  return c;
}

}  // namespace w2s::models
