// What hostile-sized inputs cost once bounded: a safetensors file of N zero-size tensors opened
// and read whole (must grow linearly: the name lookup is a hash, not a scan), and a long text
// encoded for a 512-token row, whole and through encode_head (which cuts it first).
//   build/bench/input_bench
#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>

#include "w2s/core/file.h"
#include "w2s/io/safetensors.h"
#include "w2s/tokenizer/tokenizer.h"

namespace fs = std::filesystem;

namespace {

/// A safetensors file of `n` zero-size F32 tensors, made once per n.
fs::path zero_tensor_file(int64_t n) {
  const fs::path f = fs::temp_directory_path() / ("w2s-input-bench-" + std::to_string(n) + ".safetensors");
  if (!fs::exists(f)) {
    w2s::io::TensorMap m;
    for (int64_t i = 0; i < n; ++i) m.emplace("t" + std::to_string(i), torch::empty({0}));
    w2s::io::save_safetensors(f, m);
  }
  return f;
}

void BM_LoadZeroSizeTensors(benchmark::State& state) {
  const auto f = zero_tensor_file(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(w2s::io::load_safetensors(f).size());
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

const w2s::tokenizer::Tokenizer& shipped() {
  static const auto tok =
      w2s::tokenizer::Tokenizer::from_file(fs::path(W2S_SOURCE_DIR) / "models/w2s-s/tokenizer.json");
  return tok;
}

/// About `mb` MB of English prose (the README, repeated).
std::string long_text(int64_t mb) {
  const std::string readme = w2s::read_file(fs::path(W2S_SOURCE_DIR) / "README.md");
  std::string t;
  while (t.size() < static_cast<size_t>(mb) << 20) t += readme;
  return t;
}

void BM_EncodeWholeThenTruncate(benchmark::State& state) {
  const std::string text = long_text(state.range(0));
  for (auto _ : state) {
    auto ids = shipped().encode(text);
    ids.resize(512);
    benchmark::DoNotOptimize(ids.data());
  }
}

void BM_EncodeHead(benchmark::State& state) {
  const std::string text = long_text(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(shipped().encode_head(text, 512).data());
}

}  // namespace

BENCHMARK(BM_LoadZeroSizeTensors)->Arg(10'000)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_EncodeWholeThenTruncate)->Arg(4)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_EncodeHead)->Arg(4)->Arg(64)->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK_MAIN();
