// safetensors read/write (https://github.com/huggingface/safetensors format): an 8-byte
// little-endian header length, a JSON header {name: {dtype, shape, data_offsets}, "__metadata__"},
// then the raw little-endian tensor bytes. Files are mmapped; the header is checked strictly.
// Also: Hugging Face checkpoint folders with one file or a sharded model.safetensors.index.json.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "w2s/io/safetensors_header.h"

namespace w2s::io {

/// Tensors by name (sorted, so files are written deterministically).
using TensorMap = std::map<std::string, torch::Tensor>;

/// Torch dtype for a safetensors dtype string; throws w2s::Error for unknown/unsupported ones.
torch::Dtype dtype_from_string(std::string_view dtype);
/// safetensors dtype string for a torch dtype.
std::string dtype_to_string(torch::Dtype dtype);
/// Bytes per element of a safetensors dtype string (BOOL/U8/I8 = 1, ..., F64/I64 = 8).
size_t dtype_size(std::string_view dtype);

/// A memory-mapped, validated safetensors file. Errors name the file and the tensor.
class SafetensorsFile {
 public:
  /// Map and validate: header length within the file, valid JSON, known dtypes,
  /// shape × dtype size == byte length, offsets in range, no overlap, data fully covered, no
  /// duplicate names. Dtypes torch lacks (U16, U32, U64, F8_*) pass here and fail in get().
  static std::shared_ptr<SafetensorsFile> open(const std::filesystem::path& path);
  ~SafetensorsFile();
  SafetensorsFile(const SafetensorsFile&) = delete;
  SafetensorsFile& operator=(const SafetensorsFile&) = delete;

  const std::filesystem::path& path() const { return path_; }
  const std::vector<TensorInfo>& tensors() const { return infos_; }  // in data (offset) order
  const TensorInfo* find(std::string_view name) const;               // nullptr if absent
  bool contains(std::string_view name) const { return find(name) != nullptr; }
  /// An owned copy of the tensor in its stored dtype; throws naming file + tensor if missing.
  torch::Tensor get(std::string_view name) const;
  const Metadata& metadata() const { return metadata_; }

 private:
  SafetensorsFile() = default;
  std::filesystem::path path_;
  const uint8_t* data_ = nullptr;  // start of the mapping
  size_t size_ = 0;                // mapping length (whole file)
  size_t data_start_ = 0;          // 8 + header length
  std::vector<TensorInfo> infos_;
  std::unordered_map<std::string, size_t> by_name_;  // name → index in infos_
  Metadata metadata_;
};

/// Read every tensor of one file.
TensorMap load_safetensors(const std::filesystem::path& path);

/// Write tensors (contiguous CPU copies are made as needed) atomically: a killed write never
/// leaves a half file under `path`.
void save_safetensors(const std::filesystem::path& path, const TensorMap& tensors, const Metadata& metadata = {});

/// Read a checkpoint folder: `model.safetensors`, or `model.safetensors.index.json` and its shards
/// (every shard named in weight_map must exist; each tensor must be in the shard it names, and a
/// shard may hold no tensor the map does not list). Failing both, a folder with exactly one other
/// `*.safetensors` file (not named like a shard) loads that file; several are an error. `dir` may
/// also be the path of a `.safetensors` file.
TensorMap load_checkpoint_tensors(const std::filesystem::path& dir);

/// Write a checkpoint folder's weights: one `model.safetensors` when max_shard_bytes == 0 or all
/// fits, else `model-0000i-of-0000n.safetensors` shards (filled greedily in name order; a tensor
/// larger than the limit gets a shard of its own) plus `model.safetensors.index.json` with
/// `metadata.total_size` and `weight_map`, as Hugging Face writes them. `metadata` goes into every
/// file's `__metadata__` (HF uses {"format": "pt"}). Each file is written atomically; files of an
/// earlier save in the folder that the new layout does not use (`model.safetensors`, the index,
/// shards named `model-NNNNN-of-NNNNN.safetensors`) are removed, nothing else is touched.
void save_checkpoint_tensors(const std::filesystem::path& dir, const TensorMap& tensors, uint64_t max_shard_bytes = 0,
                             const Metadata& metadata = {});

}  // namespace w2s::io
