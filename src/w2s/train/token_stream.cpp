// Packed token streams with an on-disk cache.
#include "w2s/train/token_stream.h"

#include <ATen/Parallel.h>
#include <fmt/format.h>

#include <cstring>
#include <fstream>

#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/core/log.h"
#include "w2s/core/rng.h"

namespace w2s::train {

std::vector<int32_t> tokenize_parallel(const std::string& text, const tokenizer::Tokenizer& tok) {
  constexpr size_t kChunk = 1 << 20;  // ~1 MB per chunk
  std::vector<std::pair<size_t, size_t>> spans;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = std::min(text.size(), start + kChunk);
    if (end < text.size()) {
      const size_t cut = text.find("\n\n", end);
      end = cut == std::string::npos ? text.size() : cut + 2;
    }
    spans.emplace_back(start, end);
    start = end;
  }
  std::vector<std::vector<int64_t>> parts(spans.size());
  at::parallel_for(0, static_cast<int64_t>(spans.size()), 1, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i)
      parts[i] = tok.encode(std::string_view(text).substr(spans[i].first, spans[i].second - spans[i].first));
  });
  std::vector<int32_t> out;
  for (const auto& p : parts)
    for (auto id : p) out.push_back(static_cast<int32_t>(id));
  return out;
}

TokenStream load_token_stream(const std::filesystem::path& path, const tokenizer::Tokenizer& tok,
                              const std::filesystem::path& cache_dir, std::string_view tokenizer_key,
                              int64_t max_bytes) {
  std::string text = read_file(path);
  if (max_bytes > 0 && static_cast<int64_t>(text.size()) > max_bytes) {
    size_t cut = text.rfind("\n\n", static_cast<size_t>(max_bytes));
    text.resize(cut == std::string::npos || cut == 0 ? static_cast<size_t>(max_bytes) : cut + 2);
  }
  check(!text.empty(), "{}: empty text file", path.string());
  TokenStream out;
  out.source = path.string();
  out.n_bytes = static_cast<int64_t>(text.size());
  std::filesystem::path cache;
  if (!cache_dir.empty()) {
    const uint64_t key = mix_seed(hash_bytes(text), hash_bytes(tokenizer_key));
    cache = cache_dir / fmt::format("{}.{:016x}.tokens", path.filename().string(), key);
    std::ifstream in(cache, std::ios::binary);
    if (in) {
      in.seekg(0, std::ios::end);
      const auto size = static_cast<size_t>(in.tellg());
      if (size % sizeof(int32_t) == 0 && size > 0) {
        out.ids.resize(size / sizeof(int32_t));
        in.seekg(0);
        in.read(reinterpret_cast<char*>(out.ids.data()), static_cast<std::streamsize>(size));
        if (in) {
          log::debug("{}: {} tokens from cache {}", path.string(), out.ids.size(), cache.string());
          return out;
        }
      }
      out.ids.clear();
    }
  }
  log::info("tokenizing {} ({:.1f} MB)", path.string(), text.size() / 1e6);
  out.ids = tokenize_parallel(text, tok);
  log::info("{}: {} tokens ({:.2f} bytes/token)", path.string(), out.ids.size(),
            static_cast<double>(text.size()) / std::max<size_t>(1, out.ids.size()));
  if (!cache.empty()) {
    write_file_atomic(
        cache, std::string_view(reinterpret_cast<const char*>(out.ids.data()), out.ids.size() * sizeof(int32_t)));
  }
  return out;
}

}  // namespace w2s::train
