// Loading and saving Hugging Face checkpoint folders.
#include "w2s/models/checkpoint.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <nlohmann/json.hpp>
#include <set>

#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/core/log.h"
#include "w2s/io/json_read.h"

namespace w2s::models {
namespace {

bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

std::vector<int64_t> expected_stored_shape(const HfTensor& t) {
  auto sizes = t.param.sizes().vec();
  if (t.transposed) std::reverse(sizes.begin(), sizes.end());
  return sizes;
}

}  // namespace

torch::Dtype parse_float_dtype(const std::string& name, const std::string& source) {
  if (name == "float32" || name == "f32" || name == "fp32") return torch::kFloat;
  if (name == "bfloat16" || name == "bf16") return torch::kBFloat16;
  if (name == "float16" || name == "f16" || name == "fp16") return torch::kHalf;
  fail("{}: unsupported dtype '{}' (expected float32, bfloat16 or float16)", source, name);
}

std::string float_dtype_name(torch::Dtype dtype) {
  switch (dtype) {
    case torch::kFloat:
      return "float32";
    case torch::kBFloat16:
      return "bfloat16";
    case torch::kHalf:
      return "float16";
    default:
      fail("unsupported model dtype {} (expected float32, bfloat16 or float16)", c10::toString(dtype));
  }
}

io::TensorMap load_weights(TransformerImpl& model, io::TensorMap tensors, const std::string& source) {
  torch::NoGradGuard no_grad;
  for (auto& t : model.hf_tensors()) {
    auto it = tensors.find(t.name);
    for (size_t a = 0; it == tensors.end() && a < t.aliases.size(); ++a) it = tensors.find(t.aliases[a]);
    if (it == tensors.end()) fail("{}: missing tensor '{}'", source, t.name);
    const auto& stored = it->second;
    const auto expected = expected_stored_shape(t);
    if (stored.sizes().vec() != expected)
      fail("{}: tensor '{}' has shape {}, expected {}", source, it->first, c10::str(stored.sizes()),
           c10::str(c10::IntArrayRef(expected)));
    if (!stored.is_floating_point())
      fail("{}: tensor '{}' has dtype {}, expected a floating-point type", source, it->first,
           c10::toString(stored.scalar_type()));
    t.param.copy_(t.transposed ? stored.t() : stored);  // casts dtype, moves to the device
    tensors.erase(it);
  }
  io::TensorMap leftover;
  for (auto& [name, tensor] : tensors)
    if (!model.ignorable_hf_tensor(name)) leftover.emplace(name, std::move(tensor));
  return leftover;
}

Transformer load_model(const std::filesystem::path& dir, const LoadOptions& options, io::TensorMap* extra) {
  const ModelConfig config = load_config(dir);
  float_dtype_name(options.dtype);  // rejects non-float compute dtypes
  // The weights first: a config.json that asks for far more parameters than its weights hold (a
  // wrong or hostile file) is an error before the model it describes is allocated.
  auto tensors = io::load_checkpoint_tensors(dir);
  int64_t stored = 0;
  for (const auto& [name, t] : tensors) stored += t.numel();
  // A lower bound of the config's parameter count: the token embedding, and per block the query
  // and output projections and two MLP matrices (every architecture has at least these).
  const double at_least = static_cast<double>(config.vocab_size) * static_cast<double>(config.d_model) +
                          static_cast<double>(config.n_layer) *
                              (2.0 * static_cast<double>(config.d_model) * static_cast<double>(config.n_head) *
                                   static_cast<double>(config.d_head) +
                               2.0 * static_cast<double>(config.d_model) * static_cast<double>(config.d_ff));
  check(at_least <= 1.01 * static_cast<double>(stored) + 1024.0,
        "{}: config.json describes a model of at least {:.3g} parameters, but the weights hold {}: the config does "
        "not belong to these weights",
        dir.string(), at_least, stored);
  auto model = make_model(config);
  model->to(options.device, options.dtype);
  auto leftover = load_weights(*model, std::move(tensors), dir.string());
  std::vector<std::string> unexpected;
  for (auto& [name, tensor] : leftover) {
    const bool wanted = extra && std::any_of(options.extra_prefixes.begin(), options.extra_prefixes.end(),
                                             [&](const auto& p) { return starts_with(name, p); });
    if (wanted) {
      (*extra)[name] = tensor;
    } else {
      unexpected.push_back(name);
    }
  }
  if (!unexpected.empty()) {
    const size_t shown = std::min<size_t>(unexpected.size(), 10);
    log::warn("{}: ignoring {} unexpected tensor(s): {}{}", dir.string(), unexpected.size(),
              fmt::join(unexpected.begin(), unexpected.begin() + shown, ", "),
              unexpected.size() > shown ? ", ..." : "");
  }
  model->eval();
  return model;
}

io::TensorMap hf_state(TransformerImpl& model, torch::Dtype dtype) {
  io::TensorMap out;
  for (auto& t : model.hf_tensors()) {
    auto v = t.param.detach();
    if (t.transposed) v = v.t();
    out[t.name] = v.to(torch::kCPU, dtype).contiguous();
  }
  return out;
}

void save_model(TransformerImpl& model, const std::filesystem::path& dir, const SaveOptions& options,
                const io::TensorMap& extra) {
  ModelConfig config = model.config();
  config.torch_dtype = float_dtype_name(options.dtype);
  auto tensors = hf_state(model, options.dtype);
  for (const auto& [name, tensor] : extra) {
    check(!tensors.count(name), "{}: extra tensor '{}' clashes with a model weight", dir.string(), name);
    tensors[name] = tensor.detach().to(torch::kCPU, options.dtype).contiguous();
  }
  std::filesystem::create_directories(dir);
  io::save_checkpoint_tensors(dir, tensors, options.max_shard_bytes, {{"format", "pt"}});
  save_config(config, dir);
}

ParameterCount count_parameters(TransformerImpl& model) { return model.count_parameters(); }

CheckpointSummary summarize_checkpoint(const std::filesystem::path& dir) {
  CheckpointSummary s;
  const auto index = dir / "model.safetensors.index.json";
  if (std::filesystem::exists(index)) {
    nlohmann::json j;
    try {
      j = io::parse_json(read_file(index));
    } catch (const nlohmann::json::exception& e) {
      fail("{}: invalid JSON: {}", index.string(), e.what());
    }
    if (!j.contains("weight_map") || !j["weight_map"].is_object())
      fail("{}: missing object 'weight_map'", index.string());
    std::set<std::string> shards;
    for (const auto& [name, file] : j["weight_map"].items()) {
      if (!file.is_string()) fail("{}: weight_map['{}'] must be a file name", index.string(), name);
      shards.insert(file.get<std::string>());
    }
    for (const auto& f : shards) s.files.push_back(dir / f);
  } else if (std::filesystem::exists(dir / "model.safetensors")) {
    s.files.push_back(dir / "model.safetensors");
  } else {
    fail("{}: no model.safetensors or model.safetensors.index.json", dir.string());
  }
  for (const auto& path : s.files) {
    auto file = io::SafetensorsFile::open(path);
    for (const auto& info : file->tensors()) {
      int64_t n = 1;
      for (auto d : info.shape) n *= d;
      s.elements_by_dtype[info.dtype] += n;
      s.n_bytes += info.end - info.begin;
      ++s.n_tensors;
    }
  }
  return s;
}

}  // namespace w2s::models
