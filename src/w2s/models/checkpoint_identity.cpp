// Checkpoint identities (see checkpoint_identity.h).
#include "w2s/models/checkpoint_identity.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <vector>

#include "w2s/core/error.h"
#include "w2s/core/file_digest.h"
#include "w2s/core/sha256.h"
#include "w2s/models/model_spec.h"

namespace fs = std::filesystem;

namespace w2s::models {

std::string checkpoint_identity(const std::string& spec) {
  const fs::path dir = backbone_dir(spec);
  check(fs::is_directory(dir), "model folder '{}' not found", dir.string());
  check(fs::is_regular_file(dir / "config.json"), "model folder '{}' has no config.json", dir.string());
  std::vector<fs::path> files{dir / "config.json"};
  std::vector<fs::path> weights;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".safetensors") weights.push_back(e.path());
  std::sort(weights.begin(), weights.end());
  files.insert(files.end(), weights.begin(), weights.end());
  for (const char* name :
       {"tokenizer.json", "vocab.json", "merges.txt", "tokenizer_config.json", "special_tokens_map.json"})
    if (fs::is_regular_file(dir / name)) files.push_back(dir / name);
  std::string id = "v2";
  if (is_scratch(spec)) id += "|from scratch";
  for (const auto& f : files)
    id += fmt::format("|{}:{}:{}", f.filename().string(), fs::file_size(f), file_sha256_cached(f));
  return sha256_hex(id).substr(0, 16);
}

}  // namespace w2s::models
