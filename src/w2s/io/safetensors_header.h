// The safetensors header (https://github.com/huggingface/safetensors): an 8-byte little-endian
// length, then a JSON object {name: {dtype, shape, data_offsets}, "__metadata__": {...}}. Parsing
// and validation only, over bytes in memory and without tensors, so it builds (and is fuzzed)
// apart from libtorch; io/safetensors.h maps files and makes tensors from it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace w2s::io {

using Metadata = std::map<std::string, std::string>;

/// One tensor's header entry.
struct TensorInfo {
  std::string name;            // tensor name as stored
  std::string dtype;           // safetensors dtype string: F32, F16, BF16, I64, ...
  std::vector<int64_t> shape;  // dims; empty = scalar
  uint64_t begin = 0;          // byte offset into the data section
  uint64_t end = 0;            // one past the last byte
};

/// A validated header.
struct SafetensorsHeader {
  size_t data_start = 0;          // 8 + header length: where the data section starts in the file
  std::vector<TensorInfo> infos;  // sorted by data offset
  Metadata metadata;              // "__metadata__" (string to string)
};

/// The reference reader's limit on the header's length, and ours.
inline constexpr uint64_t kMaxSafetensorsHeaderBytes = 100'000'000;

/// Bits per element of a safetensors dtype string (BOOL/U8/I8 = 8, ..., F4 = 4); 0 when unknown.
int dtype_bits(std::string_view dtype);

/// Parse and validate the header of a whole safetensors file held in `bytes` (`size` bytes): the
/// length within the file and the limit, valid JSON nested at most kMaxJsonDepth deep, no duplicate
/// keys, known dtypes, shape × dtype size == byte length (without overflow), offsets in range, no
/// overlap, and the data section tiled exactly. Errors (w2s::Error) name `file` and the tensor.
SafetensorsHeader parse_safetensors_header(const std::string& file, const uint8_t* bytes, size_t size);

}  // namespace w2s::io
