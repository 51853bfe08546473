// BPE trainer: parallel word counting over file chunks, then merges with incremental pair counts.
#include "w2s/tokenizer/bpe_trainer.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <fstream>
#include <functional>
#include <queue>
#include <thread>
#include <unordered_map>

#include "w2s/core/error.h"
#include "w2s/core/log.h"
#include "w2s/core/text.h"
#include "w2s/tokenizer/added_tokens.h"
#include "w2s/tokenizer/byte_level.h"

namespace w2s::tokenizer {
namespace {

constexpr size_t kChunkBytes = size_t{4} << 20;

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
using WordCounts = std::unordered_map<std::string, int64_t, StringHash, std::equal_to<>>;

uint64_t pair_key(int32_t a, int32_t b) {
  return (uint64_t{static_cast<uint32_t>(a)} << 32) | static_cast<uint32_t>(b);
}
int32_t left_of(uint64_t key) { return static_cast<int32_t>(key >> 32); }
int32_t right_of(uint64_t key) { return static_cast<int32_t>(key & 0xFFFFFFFFu); }

// Where to cut a chunk so the rest starts a new line (or, failing that, a new UTF-8 character).
size_t cut_point(std::string_view chunk) {
  const size_t nl = chunk.rfind('\n');
  if (nl != std::string_view::npos) return nl + 1;
  size_t cut = chunk.size();
  for (int k = 0; k < 3 && cut > 0 && (static_cast<unsigned char>(chunk[cut - 1]) & 0xC0) == 0x80; ++k) {
    --cut;
  }
  if (cut > 0 && static_cast<unsigned char>(chunk[cut - 1]) >= 0xC0) --cut;  // a lead byte
  return cut == 0 ? chunk.size() : cut;
}

struct PairStat {
  int64_t count = 0;
  std::vector<int32_t> words;  // indexes of words that contained the pair (may be stale)
};

struct HeapEntry {
  int64_t count;
  uint64_t pair;
};
// std::priority_queue keeps the "largest" on top: higher count, then the smaller pair key.
struct HeapLess {
  bool operator()(const HeapEntry& x, const HeapEntry& y) const {
    return x.count != y.count ? x.count < y.count : x.pair > y.pair;
  }
};

}  // namespace

struct BpeTrainer::State {
  TrainerOptions options;
  PreTokenizer pre;
  AddedTokenMatcher specials;
  WordCounts counts;
  int64_t n_bytes = 0;
  int64_t n_words = 0;

  explicit State(TrainerOptions o) : options(std::move(o)), pre(options.splits), specials(make_specials(options)) {}

  static AddedTokenMatcher make_specials(const TrainerOptions& o) {
    std::vector<AddedToken> tokens;
    for (size_t i = 0; i < o.special_tokens.size(); ++i) {
      check(!o.special_tokens[i].empty(), "BPE trainer: special_tokens[{}] is empty", i);
      check(is_valid_utf8(o.special_tokens[i]), "BPE trainer: special_tokens[{}] is not UTF-8", i);
      tokens.push_back(AddedToken{static_cast<int64_t>(i), o.special_tokens[i]});
    }
    return AddedTokenMatcher(tokens);
  }

  // Counts the words of `text` into `out`; returns the number of words.
  int64_t count_into(std::string_view text, WordCounts& out) const {
    std::string fixed;
    if (!is_valid_utf8(text)) text = fixed = to_valid_utf8(text);
    std::vector<TextSegment> segments;
    specials.split(text, true, segments);
    std::vector<std::string_view> words;
    int64_t n = 0;
    for (const TextSegment& seg : segments) {
      if (seg.id >= 0) continue;
      words.clear();
      pre.split_valid(seg.text, words);
      for (std::string_view w : words) {
        auto it = out.find(w);
        if (it == out.end()) {
          out.emplace(std::string(w), 1);
        } else {
          ++it->second;
        }
      }
      n += static_cast<int64_t>(words.size());
    }
    return n;
  }

  void count_batch(std::vector<std::string>& chunks) {
    for (const auto& c : chunks) n_bytes += static_cast<int64_t>(c.size());
    if (chunks.size() == 1) {
      n_words += count_into(chunks[0], counts);
      return;
    }
    std::vector<WordCounts> local(chunks.size());
    std::vector<int64_t> n(chunks.size(), 0);
    std::vector<std::exception_ptr> errors(chunks.size());
    std::vector<std::thread> threads;
    for (size_t i = 0; i < chunks.size(); ++i) {
      threads.emplace_back([&, i] {
        try {
          n[i] = count_into(chunks[i], local[i]);
        } catch (...) {
          errors[i] = std::current_exception();
        }
      });
    }
    for (auto& t : threads) t.join();
    for (auto& e : errors) {
      if (e) std::rethrow_exception(e);
    }
    for (size_t i = 0; i < chunks.size(); ++i) {
      n_words += n[i];
      for (auto& [word, c] : local[i]) counts[word] += c;
    }
  }
};

BpeTrainer::BpeTrainer(TrainerOptions options) : state_(std::make_unique<State>(std::move(options))) {}

BpeTrainer::~BpeTrainer() = default;

int64_t BpeTrainer::n_bytes() const { return state_->n_bytes; }
int64_t BpeTrainer::n_words() const { return state_->n_words; }
int64_t BpeTrainer::n_unique_words() const { return static_cast<int64_t>(state_->counts.size()); }

void BpeTrainer::add_text(std::string_view text) {
  state_->n_bytes += static_cast<int64_t>(text.size());
  state_->n_words += state_->count_into(text, state_->counts);
}

void BpeTrainer::add_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  check(static_cast<bool>(in), "{}: cannot open for reading", file.string());
  const int n_threads = state_->options.n_threads > 0
                            ? state_->options.n_threads
                            : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  const auto start = std::chrono::steady_clock::now();
  const int64_t bytes_before = state_->n_bytes;
  std::string carry;
  bool eof = false;
  while (!eof) {
    std::vector<std::string> batch;
    while (static_cast<int>(batch.size()) < n_threads && !eof) {
      std::string chunk = std::move(carry);
      carry.clear();
      const size_t old = chunk.size();
      chunk.resize(old + kChunkBytes);
      in.read(chunk.data() + old, static_cast<std::streamsize>(kChunkBytes));
      const auto got = static_cast<size_t>(in.gcount());
      chunk.resize(old + got);
      check(!in.bad(), "{}: read error", file.string());
      if (got < kChunkBytes) {
        eof = true;
      } else {
        const size_t cut = cut_point(chunk);
        carry.assign(chunk, cut, std::string::npos);
        chunk.resize(cut);
      }
      if (!chunk.empty()) batch.push_back(std::move(chunk));
    }
    if (!batch.empty()) state_->count_batch(batch);
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double mb = static_cast<double>(state_->n_bytes - bytes_before) / 1e6;
  log::info("bpe: counted {} ({:.1f} MB, {:.1f} MB/s); {} distinct words so far", file.string(), mb,
            mb / std::max(secs, 1e-9), state_->counts.size());
}

Tokenizer BpeTrainer::train() {
  const TrainerOptions& opt = state_->options;
  const auto n_special = static_cast<int64_t>(opt.special_tokens.size());
  check(opt.vocab_size >= 256 + n_special, "BPE trainer: vocab_size {} is smaller than 256 bytes + {} special tokens",
        opt.vocab_size, n_special);
  const int64_t target_merges = opt.vocab_size - 256 - n_special;
  const auto start = std::chrono::steady_clock::now();

  // Byte alphabet, ids in GPT-2's order (sorted by the alphabet character's code point).
  std::vector<int> order(256);
  for (int b = 0; b < 256; ++b) order[b] = b;
  auto cp_of = [](int b) {
    std::string_view c = byte_char(static_cast<uint8_t>(b));
    return c.size() == 1 ? static_cast<unsigned char>(c[0])
                         : ((static_cast<unsigned char>(c[0]) & 0x1F) << 6) | (static_cast<unsigned char>(c[1]) & 0x3F);
  };
  std::sort(order.begin(), order.end(), [&](int x, int y) { return cp_of(x) < cp_of(y); });
  std::array<int32_t, 256> byte_id{};
  std::vector<std::string> pieces;
  pieces.reserve(static_cast<size_t>(opt.vocab_size));
  for (int i = 0; i < 256; ++i) {
    byte_id[order[i]] = i;
    pieces.emplace_back(byte_char(static_cast<uint8_t>(order[i])));
  }

  // Words in a fixed order (sorted by bytes), as symbol sequences.
  std::vector<std::pair<std::string_view, int64_t>> sorted;
  sorted.reserve(state_->counts.size());
  for (const auto& [w, c] : state_->counts) sorted.emplace_back(w, c);
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::vector<int32_t>> words(sorted.size());
  std::vector<int64_t> freq(sorted.size());
  for (size_t i = 0; i < sorted.size(); ++i) {
    freq[i] = sorted[i].second;
    words[i].reserve(sorted[i].first.size());
    for (unsigned char c : sorted[i].first) words[i].push_back(byte_id[c]);
  }

  std::unordered_map<uint64_t, PairStat> stats;
  auto note_word = [](PairStat& s, int32_t w) {
    if (s.words.empty() || s.words.back() != w) s.words.push_back(w);
  };
  for (size_t w = 0; w < words.size(); ++w) {
    const auto& syms = words[w];
    for (size_t i = 0; i + 1 < syms.size(); ++i) {
      PairStat& s = stats[pair_key(syms[i], syms[i + 1])];
      s.count += freq[w];
      note_word(s, static_cast<int32_t>(w));
    }
  }
  std::priority_queue<HeapEntry, std::vector<HeapEntry>, HeapLess> heap;
  for (const auto& [key, s] : stats) heap.push({s.count, key});
  log::info("bpe: {} distinct words, {} distinct pairs; learning {} merges", words.size(), stats.size(), target_merges);

  std::vector<std::pair<std::string, std::string>> merges;
  std::vector<int64_t> seen(words.size(), -1);  // last merge that visited each word
  std::vector<int32_t> out;
  std::vector<uint64_t> grown;  // pairs with the new token whose count rose in this merge
  while (static_cast<int64_t>(merges.size()) < target_merges) {
    if (heap.empty()) {
      log::info("bpe: stopping after {} merges: no pairs left", merges.size());
      break;
    }
    const HeapEntry top = heap.top();
    heap.pop();
    auto it = stats.find(top.pair);
    const int64_t actual = it == stats.end() ? 0 : it->second.count;
    if (actual != top.count) {  // stale entry: requeue with the current count
      if (actual > 0) heap.push({actual, top.pair});
      continue;
    }
    if (actual < opt.min_frequency) {
      log::info(
          "bpe: stopping after {} merges: the best pair occurs {} times (< min_frequency "
          "{})",
          merges.size(), actual, opt.min_frequency);
      break;
    }
    const int32_t a = left_of(top.pair), b = right_of(top.pair);
    const auto x = static_cast<int32_t>(pieces.size());
    merges.emplace_back(pieces[a], pieces[b]);
    pieces.push_back(pieces[a] + pieces[b]);
    const std::vector<int32_t> where = std::move(it->second.words);
    stats.erase(it);
    grown.clear();
    auto add = [&](int32_t l, int32_t r, int64_t delta, int32_t w) {
      const uint64_t key = pair_key(l, r);
      PairStat& s = stats[key];
      s.count += delta;
      if (delta > 0) {
        note_word(s, w);
        grown.push_back(key);
      }
    };
    const auto merge_no = static_cast<int64_t>(merges.size());
    for (const int32_t w : where) {
      if (seen[w] == merge_no) continue;
      seen[w] = merge_no;
      std::vector<int32_t>& syms = words[w];
      const int64_t c = freq[w];
      out.clear();
      bool changed = false;
      for (size_t i = 0; i < syms.size();) {
        if (i + 1 < syms.size() && syms[i] == a && syms[i + 1] == b) {
          if (!out.empty()) {
            add(out.back(), a, -c, w);
            add(out.back(), x, c, w);
          }
          if (i + 2 < syms.size()) {
            add(b, syms[i + 2], -c, w);
            add(x, syms[i + 2], c, w);
          }
          out.push_back(x);
          i += 2;
          changed = true;
        } else {
          out.push_back(syms[i]);
          ++i;
        }
      }
      if (changed) syms.assign(out.begin(), out.end());
    }
    stats.erase(top.pair);  // the decrements above may have re-created it with count 0
    std::sort(grown.begin(), grown.end());
    grown.erase(std::unique(grown.begin(), grown.end()), grown.end());
    for (uint64_t key : grown) {
      auto g = stats.find(key);
      if (g != stats.end() && g->second.count > 0) heap.push({g->second.count, key});
    }
    if (opt.log_every > 0 && static_cast<int64_t>(merges.size()) % opt.log_every == 0) {
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      log::info("bpe: {}/{} merges, last \"{}\" (count {}), {:.1f} s", merges.size(), target_merges, pieces.back(),
                actual, secs);
    }
  }

  TokenizerSpec spec;
  spec.source = "<trained>";
  spec.add_prefix_space = false;
  spec.splits = opt.splits;
  spec.merges = std::move(merges);
  spec.vocab.reserve(pieces.size() + opt.special_tokens.size());
  for (size_t i = 0; i < pieces.size(); ++i) {
    spec.vocab.emplace_back(pieces[i], static_cast<int64_t>(i));
  }
  std::unordered_map<std::string, int64_t> taken(spec.vocab.begin(), spec.vocab.end());
  for (const std::string& s : opt.special_tokens) {
    const auto id = static_cast<int64_t>(pieces.size() + spec.added_tokens.size());
    // A special token is also a vocabulary entry (as GPT-2's "<|endoftext|>"), unless a learned
    // piece already has that text.
    if (!taken.count(s)) spec.vocab.emplace_back(s, id);
    spec.added_tokens.push_back(AddedToken{id, s, true, false, false, false});
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  log::info("bpe: learned {} merges in {:.1f} s; vocabulary {} tokens", spec.merges.size(), secs,
            pieces.size() + opt.special_tokens.size());
  return Tokenizer::from_spec(std::move(spec));
}

Tokenizer train_bpe(const TrainerInput& input, const TrainerOptions& options) {
  BpeTrainer trainer(options);
  for (const auto& f : input.files) trainer.add_file(f);
  for (const auto& t : input.texts) trainer.add_text(t);
  return trainer.train();
}

}  // namespace w2s::tokenizer
