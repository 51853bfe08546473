// Checkpoint and task identities for stage keys.
#include "w2s/store/identity.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <vector>

#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/core/rng.h"
#include "w2s/core/sha256.h"
#include "w2s/models/model_spec.h"

namespace fs = std::filesystem;

namespace w2s::store {

std::string checkpoint_identity(const std::string& spec) {
  const fs::path dir = models::backbone_dir(spec);
  check(fs::is_directory(dir), "model folder '{}' not found", dir.string());
  std::string id = read_file(dir / "config.json");
  if (models::is_scratch(spec)) id += "|from scratch";
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".safetensors") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::string head(4096, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<size_t>(in.gcount()));
    id += fmt::format("|{}:{}:{}", f.filename().string(), fs::file_size(f), sha256_hex(head));
  }
  return sha256_hex(id).substr(0, 16);
}

std::string task_digest(const data::Task& task) {
  uint64_t h = 0;
  for (const auto* part : {&task.train, &task.test})
    for (const auto& x : *part)
      h = mix_seed(h, hash_bytes(x.id + '\x1f' + data::content_key(x) + '\x1f' + char('0' + x.label)));
  return fmt::format("{:016x}", h);
}

}  // namespace w2s::store
