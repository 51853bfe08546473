// What stage keys cost: SHA-256 of a checkpoint-sized file, read in full (the first time a sweep
// sees a checkpoint on a machine) and from the digest cache (every later sweep).
//   build/bench/digest_bench
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "w2s/core/file_digest.h"
#include "w2s/core/sha256.h"

namespace fs = std::filesystem;

namespace {

/// A 256 MiB file of pseudo-random bytes in the temp folder, made once.
const fs::path& big_file() {
  static const fs::path p = [] {
    const fs::path f = fs::temp_directory_path() / "w2s-digest-bench.bin";
    std::ofstream out(f, std::ios::binary);
    std::string block(1 << 20, '\0');
    uint64_t x = 0x9E3779B97F4A7C15ULL;
    for (int i = 0; i < 256; ++i) {
      for (auto& c : block) c = static_cast<char>((x = x * 6364136223846793005ULL + 1442695040888963407ULL) >> 56);
      out.write(block.data(), static_cast<std::streamsize>(block.size()));
    }
    return f;
  }();
  return p;
}

void BM_Sha256File(benchmark::State& state) {
  const auto& f = big_file();
  for (auto _ : state) benchmark::DoNotOptimize(w2s::sha256_file(f));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(fs::file_size(f)));
}

void BM_Sha256FileCached(benchmark::State& state) {
  const auto& f = big_file();
  const fs::path cache = fs::temp_directory_path() / "w2s-digest-bench-cache";
  setenv("W2S_CACHE_DIR", cache.c_str(), 1);
  w2s::file_sha256_cached(f);  // fills the cache
  for (auto _ : state) benchmark::DoNotOptimize(w2s::file_sha256_cached(f));
  unsetenv("W2S_CACHE_DIR");
}

}  // namespace

BENCHMARK(BM_Sha256File)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_Sha256FileCached)->Unit(benchmark::kMicrosecond)->UseRealTime();

BENCHMARK_MAIN();
