// safetensors header parsing and validation (see safetensors_header.h).
#include "w2s/io/safetensors_header.h"

#include <fmt/ranges.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <tuple>

#include "w2s/core/error.h"
#include "w2s/io/json_read.h"

namespace w2s::io {

using json = nlohmann::json;

namespace {

struct DtypeBits {
  std::string_view name;  // safetensors spelling
  int bits;               // bits per element
};

// Every dtype of the format.
constexpr DtypeBits kDtypeBits[] = {
    {"BOOL", 8},    {"U8", 8},      {"I8", 8},   {"I16", 16}, {"F16", 16},    {"BF16", 16},   {"I32", 32},
    {"F32", 32},    {"I64", 64},    {"F64", 64}, {"U16", 16}, {"U32", 32},    {"U64", 64},    {"F8_E5M2", 8},
    {"F8_E4M3", 8}, {"F8_E8M0", 8}, {"C64", 64}, {"F4", 4},   {"F6_E2M3", 6}, {"F6_E3M2", 6},
};

void parse_metadata(const std::string& file, const json& value, Metadata& out) {
  check(value.is_object(), "{}: __metadata__ must be an object of string values, got {}", file, value.type_name());
  for (const auto& [key, v] : value.items()) {
    check(v.is_string(), "{}: __metadata__ must map strings to strings, but '{}' is {}", file, key, v.type_name());
    out[key] = v.get<std::string>();
  }
}

TensorInfo parse_entry(const std::string& file, const std::string& name, const json& entry, uint64_t data_size) {
  check(entry.is_object(), "{}: tensor '{}': entry must be an object with dtype, shape and data_offsets, got {}", file,
        name, entry.type_name());
  // Keys other than these three are ignored, as the reference reader does.
  TensorInfo info;
  info.name = name;

  const auto dtype = entry.find("dtype");
  check(dtype != entry.end(), "{}: tensor '{}': missing 'dtype'", file, name);
  check(dtype->is_string(), "{}: tensor '{}': 'dtype' must be a string, got {}", file, name, dtype->type_name());
  info.dtype = dtype->get<std::string>();

  const auto shape = entry.find("shape");
  check(shape != entry.end(), "{}: tensor '{}': missing 'shape'", file, name);
  check(shape->is_array(), "{}: tensor '{}': 'shape' must be an array of integers, got {}", file, name,
        shape->type_name());
  for (const auto& dim : *shape) {
    if (!dim.is_number_integer())
      fail("{}: tensor '{}': 'shape' entries must be integers, got {} {}", file, name, dim.type_name(),
           json_excerpt(dim));
    if (!dim.is_number_unsigned())  // nlohmann parses non-negative integers as unsigned
      fail("{}: tensor '{}': negative dimension {} in shape {}", file, name, dim.get<int64_t>(), json_excerpt(*shape));
    const uint64_t d = dim.get<uint64_t>();
    check(d <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()),
          "{}: tensor '{}': dimension {} overflows int64", file, name, d);
    info.shape.push_back(static_cast<int64_t>(d));
  }

  const auto offsets = entry.find("data_offsets");
  check(offsets != entry.end(), "{}: tensor '{}': missing 'data_offsets'", file, name);
  if (!(offsets->is_array() && offsets->size() == 2 && (*offsets)[0].is_number_unsigned() &&
        (*offsets)[1].is_number_unsigned()))
    fail("{}: tensor '{}': 'data_offsets' must be [begin, end] with non-negative integers, got {}", file, name,
         offsets->is_array() && offsets->size() <= 4 ? offsets->dump() : json_excerpt(*offsets));
  info.begin = (*offsets)[0].get<uint64_t>();
  info.end = (*offsets)[1].get<uint64_t>();

  const int dtype_bits_ = dtype_bits(info.dtype);
  check(dtype_bits_ > 0, "{}: tensor '{}': unknown dtype '{}'", file, name, info.dtype);

  uint64_t numel = 1;
  for (int64_t dim : info.shape)
    if (__builtin_mul_overflow(numel, static_cast<uint64_t>(dim), &numel))
      fail("{}: tensor '{}': shape [{}] overflows (element count too large)", file, name, fmt::join(info.shape, ", "));
  uint64_t bits = 0;
  if (__builtin_mul_overflow(numel, static_cast<uint64_t>(dtype_bits_), &bits))
    fail("{}: tensor '{}': shape [{}] of {} overflows (byte size too large)", file, name, fmt::join(info.shape, ", "),
         info.dtype);
  if (bits % 8 != 0)
    fail("{}: tensor '{}': shape [{}] of {} is not a whole number of bytes", file, name, fmt::join(info.shape, ", "),
         info.dtype);
  const uint64_t nbytes = bits / 8;

  check(info.begin <= info.end, "{}: tensor '{}': data_offsets begin {} > end {}", file, name, info.begin, info.end);
  check(info.end <= data_size, "{}: tensor '{}': data_offsets end {} is beyond the data section ({} bytes)", file, name,
        info.end, data_size);
  if (info.end - info.begin != nbytes)
    fail("{}: tensor '{}': size mismatch: shape [{}] of {} needs {} bytes but data_offsets [{}, {}] span {}", file,
         name, fmt::join(info.shape, ", "), info.dtype, nbytes, info.begin, info.end, info.end - info.begin);
  return info;
}

}  // namespace

SafetensorsHeader parse_safetensors_header(const std::string& file, const uint8_t* bytes, size_t size) {
  check(size >= 8, "{}: file too short ({} bytes) to be safetensors (needs an 8-byte header length)", file, size);
  uint64_t n = 0;
  std::memcpy(&n, bytes, 8);
  check(n <= size - 8, "{}: header length {} is larger than the file ({} bytes after the length)", file, n, size - 8);
  check(n <= kMaxSafetensorsHeaderBytes, "{}: header length {} is larger than the {} byte limit", file, n,
        kMaxSafetensorsHeaderBytes);
  const char* text = reinterpret_cast<const char*>(bytes + 8);

  // A header nests 3 levels; the nesting cap keeps a hostile one from overflowing the stack later.
  // nlohmann keeps the last of repeated keys silently; the format forbids them.
  RepeatedKey repeated;
  json header;
  try {
    header = parse_json(std::string_view(text, n), repeated);
  } catch (const json::exception& e) {
    if (e.id == kJsonTooDeepId) fail("{}: header JSON nested deeper than {} levels", file, kMaxJsonDepth);
    fail("{}: header is not valid JSON: {}", file, e.what());
  }
  check(header.is_object(), "{}: header must be a JSON object, got {}", file, header.type_name());
  if (!repeated.key.empty()) {
    if (repeated.depth == 1) fail("{}: duplicate tensor name '{}' in header", file, repeated.key);
    fail("{}: duplicate key '{}' in header", file, repeated.key);
  }

  SafetensorsHeader out;
  out.data_start = 8 + n;
  const uint64_t data_size = size - out.data_start;
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      parse_metadata(file, entry, out.metadata);
    } else {
      out.infos.push_back(parse_entry(file, name, entry, data_size));
    }
  }

  // The tensors must tile the data section exactly: no overlap, no gap, nothing after the last.
  std::sort(out.infos.begin(), out.infos.end(), [](const TensorInfo& a, const TensorInfo& b) {
    return std::tie(a.begin, a.end, a.name) < std::tie(b.begin, b.end, b.name);
  });
  uint64_t pos = 0;
  const TensorInfo* prev = nullptr;
  for (const auto& t : out.infos) {
    if (t.begin < pos)
      fail("{}: tensors '{}' and '{}' overlap (bytes [{}, {}) and [{}, {}))", file, prev->name, t.name, prev->begin,
           prev->end, t.begin, t.end);
    if (t.begin > pos)
      fail("{}: gap in the data section: bytes [{}, {}) before tensor '{}' belong to no tensor", file, pos, t.begin,
           t.name);
    pos = t.end;
    prev = &t;
  }
  check(pos == data_size,
        "{}: data section not fully covered: bytes [{}, {}) after the last tensor belong to no "
        "tensor (gap)",
        file, pos, data_size);
  return out;
}

int dtype_bits(std::string_view dtype) {
  for (const auto& d : kDtypeBits)
    if (d.name == dtype) return d.bits;
  return 0;
}

}  // namespace w2s::io
