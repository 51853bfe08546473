// Fuzz target: a safetensors file (8-byte header length, JSON header, data), through the header
// validation every checkpoint load runs. What passes must describe tensors that tile the data
// section exactly, each spanning shape × dtype size bytes.
#include "support.h"
#include "w2s/io/safetensors_header.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  w2s::fuzz::expect_clean("safetensors", [&] {
    const auto header = w2s::io::parse_safetensors_header("fuzz/model.safetensors", data, size);
    w2s::fuzz::require(header.data_start >= 8 && header.data_start <= size, "safetensors header passed validation but",
                       "data_start is outside the file");
    uint64_t pos = 0;
    for (const auto& info : header.infos) {
      w2s::fuzz::require(info.begin == pos && info.end >= info.begin, "safetensors header passed validation but",
                         "tensors do not tile the data section");
      unsigned __int128 bits = static_cast<unsigned>(w2s::io::dtype_bits(info.dtype));
      for (int64_t d : info.shape) bits *= static_cast<uint64_t>(d);
      w2s::fuzz::require(bits == static_cast<unsigned __int128>(info.end - info.begin) * 8,
                         "safetensors header passed validation but", "a byte length differs from its shape");
      pos = info.end;
    }
    w2s::fuzz::require(pos == size - header.data_start, "safetensors header passed validation but",
                       "the data section is not covered");
  });
  return 0;
}
