// SHA-256 as specified in FIPS 180-4 (sections 4.1.2, 4.2.2, 5.3.3, 6.2).
#include "w2s/core/sha256.h"

#include <cstring>
#include <fstream>
#include <memory>

#if W2S_HAVE_OPENSSL
#include <openssl/evp.h>
#endif

#include "w2s/core/error.h"

namespace w2s {
namespace {

constexpr std::array<uint32_t, 64> kRound = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

inline uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

/// `n` digest bytes as lowercase hex.
std::string to_hex(const uint8_t* bytes, size_t n) {
  static const char* kHex = "0123456789abcdef";
  std::string s;
  s.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) s += {kHex[bytes[i] >> 4], kHex[bytes[i] & 15]};
  return s;
}

}  // namespace

Sha256::Sha256() : h_{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19} {}

void Sha256::block(const uint8_t* p) {
  uint32_t w[64];
  for (int t = 0; t < 16; ++t) {
    w[t] = (uint32_t(p[4 * t]) << 24) | (uint32_t(p[4 * t + 1]) << 16) | (uint32_t(p[4 * t + 2]) << 8) |
           uint32_t(p[4 * t + 3]);
  }
  for (int t = 16; t < 64; ++t) {
    const uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
    const uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
    w[t] = w[t - 16] + s0 + w[t - 7] + s1;
  }
  uint32_t a = h_[0], b = h_[1], c = h_[2], d = h_[3], e = h_[4], f = h_[5], g = h_[6], h = h_[7];
  for (int t = 0; t < 64; ++t) {
    const uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + kRound[t] + w[t];
    const uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  h_[0] += a;
  h_[1] += b;
  h_[2] += c;
  h_[3] += d;
  h_[4] += e;
  h_[5] += f;
  h_[6] += g;
  h_[7] += h;
}

void Sha256::update(std::string_view bytes) {
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  size_t n = bytes.size();
  n_bytes_ += n;
  if (n_buf_ > 0) {
    const size_t take = std::min(n, 64 - n_buf_);
    std::memcpy(buf_.data() + n_buf_, p, take);
    n_buf_ += take;
    p += take;
    n -= take;
    if (n_buf_ < 64) return;
    block(buf_.data());
    n_buf_ = 0;
  }
  for (; n >= 64; p += 64, n -= 64) block(p);
  std::memcpy(buf_.data(), p, n);
  n_buf_ = n;
}

std::array<uint8_t, 32> Sha256::digest() {
  const uint64_t n_bits = n_bytes_ * 8;
  const uint8_t pad = 0x80;
  update(std::string_view(reinterpret_cast<const char*>(&pad), 1));
  const char zero[64] = {};
  update(std::string_view(zero, (n_buf_ <= 56 ? 56 - n_buf_ : 120 - n_buf_)));
  uint8_t len[8];
  for (int i = 0; i < 8; ++i) len[i] = uint8_t(n_bits >> (56 - 8 * i));
  update(std::string_view(reinterpret_cast<const char*>(len), 8));
  std::array<uint8_t, 32> out{};
  for (int i = 0; i < 8; ++i) {
    for (int j = 0; j < 4; ++j) out[4 * i + j] = uint8_t(h_[i] >> (24 - 8 * j));
  }
  return out;
}

std::string Sha256::hex() {
  const auto d = digest();
  return to_hex(d.data(), d.size());
}

std::string sha256_hex(std::string_view bytes) {
  Sha256 h;
  h.update(bytes);
  return h.hex();
}

std::string sha256_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  check(bool(in), "{}: cannot open for hashing", path.string());
  std::string buf(1 << 20, '\0');
#if W2S_HAVE_OPENSSL
  // Whole checkpoints are hashed for stage keys: OpenSSL's SHA-256 uses the CPU's SHA extensions
  // (bench/digest_bench: 750 MB/s against 90 MB/s for the portable code above, on a busy 2-core
  // Xeon). The only place w2s chooses between the two; both give the same digest.
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  check(ctx && EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) == 1, "{}: OpenSSL SHA-256 unavailable",
        path.string());
  while (in) {
    in.read(buf.data(), std::streamsize(buf.size()));
    check(EVP_DigestUpdate(ctx.get(), buf.data(), size_t(in.gcount())) == 1, "{}: OpenSSL SHA-256 failed",
          path.string());
  }
  check(!in.bad(), "{}: read error while hashing", path.string());
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  check(EVP_DigestFinal_ex(ctx.get(), out, &n) == 1 && n == 32, "{}: OpenSSL SHA-256 failed", path.string());
  return to_hex(out, n);
#else
  Sha256 h;
  while (in) {
    in.read(buf.data(), std::streamsize(buf.size()));
    h.update(std::string_view(buf.data(), size_t(in.gcount())));
  }
  check(!in.bad(), "{}: read error while hashing", path.string());
  return h.hex();
#endif
}

}  // namespace w2s
