// A model spec: the string a config uses to name a model. "DIR" is a Hugging Face checkpoint
// folder (config.json, safetensors, tokenizer.json); "scratch:DIR" is DIR's architecture and
// tokenizer with fresh random weights (seeded), the from-scratch twin of a pretrained model.
#pragma once

#include <cstdint>
#include <string>

#include <torch/torch.h>

#include "w2s/models/transformer.h"

namespace w2s::models {

inline constexpr const char* kScratchPrefix = "scratch:";

/// True for "scratch:DIR".
bool is_scratch(const std::string& spec);

/// The checkpoint folder of a model spec (without "scratch:").
std::string backbone_dir(const std::string& spec);

/// Load a model spec onto `device` in float32: a checkpoint (any `score.*` head tensors in it are
/// allowed and ignored), or for "scratch:" the architecture with weights drawn from `seed`.
Transformer load_backbone(const std::string& spec, uint64_t seed, torch::Device device);

}  // namespace w2s::models
