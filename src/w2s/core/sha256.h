// SHA-256 (FIPS 180-4) of bytes and files, as lowercase hex: the digests in data manifests.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace w2s {

/// Incremental SHA-256: update() any number of times, then hex() (or digest()) once.
class Sha256 {
 public:
  Sha256();
  void update(std::string_view bytes);
  std::array<uint8_t, 32> digest();  // finishes the hash; the object must not be updated after
  std::string hex();                 // digest() as 64 lowercase hex characters

 private:
  void block(const uint8_t* p);
  std::array<uint32_t, 8> h_;
  std::array<uint8_t, 64> buf_;
  size_t n_buf_ = 0;
  uint64_t n_bytes_ = 0;
};

/// SHA-256 of `bytes` as lowercase hex.
std::string sha256_hex(std::string_view bytes);

/// SHA-256 of a file's content as lowercase hex (streamed); throws w2s::Error naming the path.
std::string sha256_file(const std::filesystem::path& path);

}  // namespace w2s
