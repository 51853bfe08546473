// Hugging Face checkpoint folders <-> w2s models: config.json plus model.safetensors (or a sharded
// model.safetensors.index.json), under HF tensor names, in float32 / bfloat16 / float16.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "w2s/io/safetensors.h"
#include "w2s/models/transformer.h"

namespace w2s::models {

struct LoadOptions {
  torch::Dtype dtype = torch::kFloat;       // compute dtype: float32 (default), bfloat16 or float16
  torch::Device device = torch::kCPU;       // where the model's parameters live
  std::vector<std::string> extra_prefixes;  // tensors named "<prefix>..." (e.g. "score.") are
                                            // handed back through `extra`, without a warning
};

struct SaveOptions {
  torch::Dtype dtype = torch::kFloat;  // stored dtype: float32 (default), bfloat16 or float16
  uint64_t max_shard_bytes = 0;        // bytes per shard; 0 = one model.safetensors
};

/// Load `dir` (config.json + weights). Stored f32/f16/bf16 tensors are cast to options.dtype.
/// Missing tensor / wrong shape → w2s::Error naming the folder and tensor; unexpected tensors
/// → a warning listing them (or into *extra when they match options.extra_prefixes).
/// The model is returned in eval mode (call ->train() to finetune).
///
///   auto model = load_model("models/gpt2-tiny", {.dtype = torch::kBFloat16});
Transformer load_model(const std::filesystem::path& dir, const LoadOptions& options = {},
                       io::TensorMap* extra = nullptr);

/// Copy HF-named `tensors` into `model` (consumed entries are erased from `tensors`). Returns the
/// tensors the model does not use (ignorable buffers dropped). `source` is named in errors.
io::TensorMap load_weights(TransformerImpl& model, io::TensorMap tensors, const std::string& source);

/// The model's weights under HF names, on the CPU in `dtype` (GPT-2 Conv1D weights as (in, out)).
io::TensorMap hf_state(TransformerImpl& model, torch::Dtype dtype = torch::kFloat);

/// Write config.json (torch_dtype set to options.dtype) and safetensors with {"format": "pt"}
/// metadata, loadable by Hugging Face transformers. `extra` tensors (e.g. a head's score.weight)
/// are cast to the same dtype and stored alongside.
void save_model(TransformerImpl& model, const std::filesystem::path& dir, const SaveOptions& options = {},
                const io::TensorMap& extra = {});

/// {total, non_embedding} as TransformerImpl::count_parameters.
ParameterCount count_parameters(TransformerImpl& model);

/// What a checkpoint folder holds, without loading the data (for `w2s inspect`).
struct CheckpointSummary {
  std::vector<std::filesystem::path> files;          // safetensors files read
  std::map<std::string, int64_t> elements_by_dtype;  // "BF16" → number of values
  int64_t n_tensors = 0;                             // tensors in all files
  uint64_t n_bytes = 0;                              // tensor data bytes
};
CheckpointSummary summarize_checkpoint(const std::filesystem::path& dir);

/// "float32" | "bfloat16" | "float16" (also f32, fp32, bf16, f16, fp16) → dtype; else w2s::Error
/// naming `source`.
torch::Dtype parse_float_dtype(const std::string& name, const std::string& source);
/// kFloat → "float32", kBFloat16 → "bfloat16", kHalf → "float16".
std::string float_dtype_name(torch::Dtype dtype);

}  // namespace w2s::models
