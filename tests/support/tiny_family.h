// Test fixtures for the weak-to-strong engine: a family of tiny random-init GPT-2 checkpoints
// sharing a small BPE tokenizer, and a toy JSONL task whose label is decided by the last word.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace w2s::test {

/// Writes <dir>/<name>/ (config.json, model.safetensors, tokenizer.json) for each width in
/// `widths` (1 layer each, n_ctx 32) and returns the folders, smallest first. `model_types` gives
/// each member's architecture (one entry: all alike; default gpt2); mistral members get a sliding
/// window of 4 positions, shorter than the toy texts.
std::vector<std::filesystem::path> make_tiny_family(const std::filesystem::path& dir,
                                                    const std::vector<int64_t>& widths = {8, 16, 32},
                                                    const std::vector<std::string>& model_types = {"gpt2"});

/// A JSONL task of `n` rows ({"text", "label"}) in `path`: random words, label 1 when the last
/// word is one of a fixed set. Deterministic in `seed`. Returns the task spec "jsonl:PATH".
std::string make_toy_task(const std::filesystem::path& path, int n, uint64_t seed = 1);

/// A JSONL comparison task of `n` rows ({"prompt", "chosen", "rejected"}) in `path`: a prompt of
/// random words, and one word after it; the chosen word is one of the toy task's label-1 words,
/// the rejected one is not. Returns "jsonl:PATH?prompt=prompt&chosen=chosen&rejected=rejected".
std::string make_toy_comparisons(const std::filesystem::path& path, int n, uint64_t seed = 1);

/// A JSONL multiple-choice task of `n` rows ({"id", "prompt", "choices", "answer"}) in `path`: a
/// prompt of random words and 2 to `max_choices` one-word choices, exactly one of them (the
/// answer) one of the toy task's label-1 words. Returns
/// "jsonl:PATH?prompt=prompt&choices=choices&label=answer&id=id".
std::string make_toy_questions(const std::filesystem::path& path, int n, uint64_t seed = 1, int max_choices = 5);

}  // namespace w2s::test
