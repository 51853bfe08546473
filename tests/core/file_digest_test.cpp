// Cached file digests: exact, cached per file state, and never stale after a change.
#include "w2s/core/file_digest.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "test_support.h"
#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/core/sha256.h"

namespace fs = std::filesystem;

namespace {

/// W2S_CACHE_DIR set for the scope of a test, restored after.
class CacheDirScope {
 public:
  explicit CacheDirScope(const std::string& dir) {
    if (const char* old = std::getenv("W2S_CACHE_DIR")) old_ = old, had_ = true;
    setenv("W2S_CACHE_DIR", dir.c_str(), 1);
  }
  ~CacheDirScope() { had_ ? (void)setenv("W2S_CACHE_DIR", old_.c_str(), 1) : (void)unsetenv("W2S_CACHE_DIR"); }

 private:
  std::string old_;
  bool had_ = false;
};

int count_entries(const fs::path& dir) {
  int n = 0;
  if (fs::exists(dir))
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}

}  // namespace

TEST(FileDigest, ExactCachedAndRecomputedWhenTheFileChanges) {
  w2s::test::TempDir tmp;
  CacheDirScope scope((tmp / "cache").string());
  EXPECT_EQ(w2s::digest_cache_dir(), tmp / "cache");
  const fs::path f = tmp / "weights.bin";
  std::string content(10000, 'a');
  w2s::write_file_atomic(f, content);
  const auto d1 = w2s::file_sha256_cached(f);
  EXPECT_EQ(d1, w2s::sha256_hex(content));
  EXPECT_EQ(count_entries(tmp / "cache" / "digests"), 1);
  EXPECT_EQ(w2s::file_sha256_cached(f), d1);  // from the cache: no new entry
  EXPECT_EQ(count_entries(tmp / "cache" / "digests"), 1);
  // The same size, one byte changed far past any header, written in place: another digest.
  content[9000] = 'b';
  {
    std::fstream out(f, std::ios::in | std::ios::out | std::ios::binary);
    out.seekp(9000);
    out.put('b');
  }
  EXPECT_EQ(fs::file_size(f), 10000u);
  EXPECT_EQ(w2s::file_sha256_cached(f), w2s::sha256_hex(content));
  EXPECT_NE(w2s::file_sha256_cached(f), d1);
  // A cache entry that lies about the digest is only used for the exact file state it names: a
  // corrupted entry for another state is never read back.
  for (const auto& e : fs::directory_iterator(tmp / "cache" / "digests")) w2s::write_file_atomic(e.path(), "junk\n");
  EXPECT_EQ(w2s::file_sha256_cached(f), w2s::sha256_hex(content));
  EXPECT_THROW(w2s::file_sha256_cached(tmp / "missing.bin"), w2s::Error);
}

TEST(FileDigest, AnEmptyCacheDirMeansNoCache) {
  w2s::test::TempDir tmp;
  CacheDirScope scope("");
  EXPECT_TRUE(w2s::digest_cache_dir().empty());
  w2s::write_file_atomic(tmp / "x", "hello");
  EXPECT_EQ(w2s::file_sha256_cached(tmp / "x"), w2s::sha256_hex("hello"));
}
