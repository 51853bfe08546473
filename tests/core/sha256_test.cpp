// SHA-256 against the FIPS 180-4 test vectors.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "test_support.h"
#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/core/sha256.h"

namespace fs = std::filesystem;

TEST(Sha256, MatchesFipsVectors) {
  EXPECT_EQ(w2s::sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(w2s::sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(w2s::sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  // Incremental updates across block boundaries give the same digest.
  const std::string million(1000000, 'a');
  w2s::Sha256 h;
  for (size_t i = 0; i < million.size(); i += 999) h.update(std::string_view(million).substr(i, 999));
  EXPECT_EQ(h.hex(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, FilesHashAsTheirBytesAcrossReadBuffers) {
  // sha256_file reads 1 MiB at a time (through OpenSSL where w2s was built with it): a file of
  // a million 'a' (one partial buffer), one a byte past two buffers, and an empty one.
  w2s::test::TempDir tmp;
  const std::string million(1000000, 'a');
  w2s::write_file_atomic(tmp / "a.bin", million);
  EXPECT_EQ(w2s::sha256_file(tmp / "a.bin"), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  std::string big((2 << 20) + 1, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 31 + (i >> 11));
  w2s::write_file_atomic(tmp / "big.bin", big);
  EXPECT_EQ(w2s::sha256_file(tmp / "big.bin"), w2s::sha256_hex(big));
  w2s::write_file_atomic(tmp / "empty.bin", "");
  EXPECT_EQ(w2s::sha256_file(tmp / "empty.bin"), w2s::sha256_hex(""));
  EXPECT_THROW(w2s::sha256_file(tmp / "missing.bin"), w2s::Error);
}
