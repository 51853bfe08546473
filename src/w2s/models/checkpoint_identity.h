// What a checkpoint is, as a short digest for stage keys and caches: it changes whenever anything
// a run reads from the folder changes, so a model retrained in place or swapped for another
// finetune of the same shape never reuses results made with the old one.
#pragma once

#include <string>

namespace w2s::models {

/// 16 hex digits identifying a model spec (model_spec.h): the SHA-256 over config.json, every
/// *.safetensors file and the tokenizer files (tokenizer.json, vocab.json, merges.txt,
/// tokenizer_config.json, special_tokens_map.json; those present), each by name, size and the
/// SHA-256 of its whole content (cached per machine: core/file_digest.h), plus "|from scratch"
/// for a scratch spec. A missing folder or config.json → w2s::Error naming it.
std::string checkpoint_identity(const std::string& spec);

}  // namespace w2s::models
