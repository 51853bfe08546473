// Helpers for the io tests: raw safetensors bytes built by hand, bitwise tensor comparison,
// and checks that an operation throws w2s::Error with the expected words.
#pragma once

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "w2s/core/error.h"

namespace w2s::io::test_util {

/// 8-byte little-endian length + header + data, exactly as the format describes.
inline std::string raw_safetensors(const std::string& header, const std::string& data) {
  std::string out;
  uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  return out + header + data;
}

/// Same, with a header length field that lies.
inline std::string raw_with_length(uint64_t n, const std::string& rest) {
  std::string out;
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  return out + rest;
}

inline void write_bytes(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << path;
}

inline std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

/// The message of the w2s::Error that `fn` throws ("" and a test failure if it does not throw).
inline std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const w2s::Error& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected w2s::Error, got another exception: " << e.what();
    return "";
  }
  ADD_FAILURE() << "expected w2s::Error, nothing was thrown";
  return "";
}

/// Expect w2s::Error whose message contains every one of `words`.
inline void expect_error(const std::function<void()>& fn, const std::vector<std::string>& words,
                         const std::string& label = "") {
  const std::string message = error_of(fn);
  for (const auto& w : words)
    EXPECT_NE(message.find(w), std::string::npos) << label << ": message lacks '" << w << "': " << message;
}

/// Same dtype, shape and bytes (bit-identical, so NaN payloads and -0.0 count).
inline void expect_bit_identical(const torch::Tensor& expected, const torch::Tensor& actual,
                                 const std::string& label = "") {
  ASSERT_TRUE(actual.defined()) << label;
  EXPECT_EQ(actual.scalar_type(), expected.scalar_type()) << label;
  ASSERT_EQ(actual.sizes().vec(), expected.sizes().vec()) << label;
  const auto a = expected.contiguous().cpu();
  const auto b = actual.contiguous().cpu();
  const size_t n = static_cast<size_t>(a.numel()) * a.element_size();
  if (n > 0) {
    EXPECT_EQ(std::memcmp(a.data_ptr(), b.data_ptr(), n), 0) << label << ": bytes differ";
  }
}

}  // namespace w2s::io::test_util
