// BPE model: vocabulary indexes, an open-addressing merge table, the heap-driven merge loop
// (lowest rank first, leftmost on ties — the order GPT-2's encoder.py produces) and a sharded
// cache.
#include "w2s/tokenizer/bpe_model.h"

#include <algorithm>
#include <bit>
#include <functional>
#include <mutex>
#include <unordered_map>

#include "w2s/core/error.h"
#include "w2s/core/log.h"
#include "w2s/core/text.h"
#include "w2s/tokenizer/byte_level.h"

namespace w2s::tokenizer {
namespace {

constexpr int64_t kMaxId = int64_t{1} << 24;  // bounds the by-id tables a hostile file can demand

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

}  // namespace

struct BpeModel::PieceIndex {
  StringMap<int32_t> by_piece;  // piece → id
  StringMap<int32_t> by_bytes;  // raw bytes → id (byte-level: pieces inside the alphabet only; else = by_piece)
};

// (left id, right id) → (rank, merged id), linear probing, load factor <= 1/2.
struct BpeModel::MergeTable {
  struct Slot {
    uint64_t key = kEmpty;
    int32_t rank = 0;
    int32_t id = 0;
  };
  static constexpr uint64_t kEmpty = ~uint64_t{0};

  std::vector<Slot> slots;
  int shift = 64;

  static uint64_t key(int32_t a, int32_t b) {
    return (uint64_t{static_cast<uint32_t>(a)} << 32) | static_cast<uint32_t>(b);
  }
  size_t home(uint64_t k) const { return (k * 0x9E3779B97F4A7C15ULL) >> shift; }

  explicit MergeTable(size_t n) {
    const size_t cap = std::bit_ceil(std::max<size_t>(16, 2 * n));
    slots.resize(cap);
    shift = 64 - std::countr_zero(cap);
  }
  // Returns false when the key is already present (the first, lower-rank merge wins).
  bool insert(uint64_t k, int32_t rank, int32_t id) {
    const size_t mask = slots.size() - 1;
    for (size_t i = home(k);; i = (i + 1) & mask) {
      if (slots[i].key == kEmpty) {
        slots[i] = {k, rank, id};
        return true;
      }
      if (slots[i].key == k) return false;
    }
  }
  const Slot* find(uint64_t k) const {
    const size_t mask = slots.size() - 1;
    for (size_t i = home(k);; i = (i + 1) & mask) {
      const Slot& s = slots[i];
      if (s.key == k) return &s;
      if (s.key == kEmpty) return nullptr;
    }
  }
};

// Word bytes → ids, split into independently locked shards. A full shard is simply cleared.
struct BpeModel::Cache {
  static constexpr size_t kShards = 64;
  static constexpr size_t kMaxWordBytes = 256;  // longer words are rare: not worth caching
  struct Shard {
    std::mutex mu;
    StringMap<std::vector<int32_t>> map;
  };
  std::array<Shard, kShards> shards;
  size_t per_shard;

  explicit Cache(size_t capacity) : per_shard(std::max<size_t>(1, capacity / kShards)) {}

  Shard& shard(std::string_view word) { return shards[StringHash{}(word) % kShards]; }
  bool get(std::string_view word, std::vector<int64_t>& out) {
    Shard& s = shard(word);
    std::lock_guard<std::mutex> lock(s.mu);
    auto it = s.map.find(word);
    if (it == s.map.end()) return false;
    out.insert(out.end(), it->second.begin(), it->second.end());
    return true;
  }
  void put(std::string_view word, const std::vector<int32_t>& ids) {
    Shard& s = shard(word);
    std::lock_guard<std::mutex> lock(s.mu);
    if (s.map.size() >= per_shard) s.map.clear();
    s.map.emplace(std::string(word), ids);
  }
};

BpeModel::BpeModel(const std::vector<std::pair<std::string, int64_t>>& vocab,
                   const std::vector<std::pair<std::string, std::string>>& merges, Options options)
    : options_(std::move(options)), index_(std::make_unique<PieceIndex>()) {
  const std::string& src = options_.source;
  int64_t max_id = -1;
  for (const auto& [piece, id] : vocab) {
    if (id < 0 || id >= kMaxId) {
      fail("{}: model.vocab[\"{}\"] = {}: id out of range [0, {})", src, piece, id, kMaxId);
    }
    max_id = std::max(max_id, id);
  }
  // Tables are indexed by id: bound the holes before allocating (one id of 16,777,215 in a
  // ten-piece vocabulary would otherwise cost a gigabyte).
  const int64_t max_slots = 2 * static_cast<int64_t>(vocab.size()) + 1024;
  if (max_id >= max_slots)
    fail(
        "{}: model.vocab has ids up to {} for only {} pieces: the vocabulary would be mostly holes (at most {} ids "
        "are accepted)",
        src, max_id, vocab.size(), max_slots);
  pieces_.resize(static_cast<size_t>(max_id + 1));
  bytes_.resize(pieces_.size());
  present_.assign(pieces_.size(), false);
  index_->by_piece.reserve(vocab.size());
  index_->by_bytes.reserve(vocab.size());
  for (const auto& [piece, id] : vocab) {
    if (present_[id]) {
      fail("{}: model.vocab: pieces \"{}\" and \"{}\" share id {}", src, pieces_[id], piece, id);
    }
    if (!index_->by_piece.emplace(piece, static_cast<int32_t>(id)).second) {
      fail("{}: model.vocab: piece \"{}\" appears twice", src, piece);
    }
    present_[id] = true;
    pieces_[id] = piece;
    std::optional<std::string> raw = options_.byte_level ? piece_to_bytes(piece) : piece;
    if (raw) {
      bytes_[id] = *raw;
      index_->by_bytes.emplace(*raw, static_cast<int32_t>(id));
    } else {
      bytes_[id] = piece;  // not a byte-level piece: decodes to its own text
    }
  }
  byte_ids_.fill(-1);
  fallback_ids_.fill(-1);
  for (int b = 0; b < 256; ++b) {
    const char ch = static_cast<char>(b);
    auto it = index_->by_bytes.find(std::string_view(&ch, 1));
    if (it != index_->by_bytes.end()) byte_ids_[b] = it->second;
    if (options_.byte_fallback) {
      auto fb = index_->by_piece.find(fmt::format("<0x{:02X}>", b));  // the library's spelling
      if (fb != index_->by_piece.end()) fallback_ids_[b] = fb->second;
    }
  }
  if (options_.unk_token) {
    auto it = index_->by_piece.find(*options_.unk_token);
    if (it == index_->by_piece.end()) {
      fail("{}: model.unk_token \"{}\" is not in model.vocab", src, *options_.unk_token);
    }
    unk_id_ = it->second;
  }

  const std::string where = options_.merges_where.empty() ? src + ": model.merges" : options_.merges_where;
  merges_ = std::make_unique<MergeTable>(merges.size());
  std::string joined;
  for (size_t rank = 0; rank < merges.size(); ++rank) {
    const auto& [a, b] = merges[rank];
    auto ia = index_->by_piece.find(a);
    auto ib = index_->by_piece.find(b);
    const char* missing = ia == index_->by_piece.end() ? a.c_str() : ib == index_->by_piece.end() ? b.c_str() : nullptr;
    if (missing) {
      fail("{}[{}] (\"{}\" \"{}\"): token \"{}\" is not in the vocabulary", where, rank, a, b, missing);
    }
    joined.assign(a).append(b);
    auto iab = index_->by_piece.find(joined);
    if (iab == index_->by_piece.end()) {
      fail("{}[{}] (\"{}\" \"{}\"): merged token \"{}\" is not in the vocabulary", where, rank, a, b, joined);
    }
    if (merges_->insert(MergeTable::key(ia->second, ib->second), static_cast<int32_t>(rank), iab->second)) {
      ++n_merges_;
    }
  }
  if (options_.cache_capacity > 0) cache_ = std::make_unique<Cache>(options_.cache_capacity);
}

BpeModel::~BpeModel() = default;

std::optional<int64_t> BpeModel::piece_to_id(std::string_view piece) const {
  auto it = index_->by_piece.find(piece);
  if (it == index_->by_piece.end()) return std::nullopt;
  return it->second;
}

const std::string* BpeModel::id_to_piece(int64_t id) const {
  if (id < 0 || id >= static_cast<int64_t>(pieces_.size()) || !present_[id]) return nullptr;
  return &pieces_[id];
}

const std::string* BpeModel::id_to_bytes(int64_t id) const {
  if (id < 0 || id >= static_cast<int64_t>(bytes_.size()) || !present_[id]) return nullptr;
  return &bytes_[id];
}

void BpeModel::encode_word(std::string_view bytes, std::vector<int64_t>& out) const {
  if (bytes.empty()) return;
  const bool cacheable = cache_ && bytes.size() > 1 && bytes.size() <= Cache::kMaxWordBytes;
  if (cacheable && cache_->get(bytes, out)) return;
  thread_local std::vector<int32_t> ids;
  ids.clear();
  bpe(bytes, ids);
  out.insert(out.end(), ids.begin(), ids.end());
  if (cacheable) cache_->put(bytes, ids);
}

void BpeModel::encode_word_uncached(std::string_view bytes, std::vector<int64_t>& out) const {
  std::vector<int32_t> ids;
  bpe(bytes, ids);
  out.insert(out.end(), ids.begin(), ids.end());
}

void BpeModel::bpe(std::string_view bytes, std::vector<int32_t>& ids) const {
  if (options_.ignore_merges && bytes.size() > 1) {
    auto it = index_->by_bytes.find(bytes);
    if (it != index_->by_bytes.end()) {
      ids.push_back(it->second);
      return;
    }
  }
  struct Symbol {
    int32_t id;    // current token; -1 once merged into its left neighbour
    int32_t prev;  // index of the previous live symbol, -1 at the start
    int32_t next;  // index of the next live symbol, -1 at the end
  };
  struct Candidate {
    int32_t rank, pos, left, right, merged;
  };
  // std heap functions build a max-heap; "later" puts the lowest (rank, pos) on top.
  auto later = [](const Candidate& x, const Candidate& y) {
    return x.rank != y.rank ? x.rank > y.rank : x.pos > y.pos;
  };
  thread_local std::vector<Symbol> syms;
  thread_local std::vector<Candidate> heap;
  syms.clear();
  heap.clear();
  bool unk_open = false;  // the last symbol is an unk_token that fuse_unk may extend
  auto push = [&](int32_t id) {
    const auto k = static_cast<int32_t>(syms.size());
    syms.push_back({id, k - 1, k + 1});
  };
  auto missing = [&](std::string_view what) {
    if (unk_id_ < 0) {
      warn_missing(what);
      return;
    }
    if (!(options_.fuse_unk && unk_open)) push(unk_id_);
    unk_open = true;
  };
  if (options_.byte_level) {
    for (size_t i = 0; i < bytes.size(); ++i) {
      const int32_t id = byte_ids_[static_cast<unsigned char>(bytes[i])];
      if (id < 0) {
        missing(bytes.substr(i, 1));
        continue;
      }
      push(id);
      unk_open = false;
    }
  } else {
    for (size_t i = 0; i < bytes.size();) {
      const size_t n = std::max<size_t>(1, utf8_sequence_length(bytes, i));
      const std::string_view ch = bytes.substr(i, n);
      i += n;
      int32_t id = n == 1 ? byte_ids_[static_cast<unsigned char>(ch[0])] : -1;
      if (n > 1) {
        auto it = index_->by_piece.find(ch);
        if (it != index_->by_piece.end()) id = it->second;
      }
      if (id >= 0) {
        push(id);
        unk_open = false;
        continue;
      }
      const bool fallback = options_.byte_fallback && std::all_of(ch.begin(), ch.end(), [&](char c) {
                              return fallback_ids_[static_cast<unsigned char>(c)] >= 0;
                            });
      if (!fallback) {
        missing(ch);
        continue;
      }
      for (char c : ch) push(fallback_ids_[static_cast<unsigned char>(c)]);
      unk_open = false;
    }
  }
  if (syms.empty()) return;
  syms.back().next = -1;

  auto consider = [&](int32_t pos) {
    const int32_t nx = syms[pos].next;
    if (nx < 0) return;
    const auto* slot = merges_->find(MergeTable::key(syms[pos].id, syms[nx].id));
    if (slot) heap.push_back({slot->rank, pos, syms[pos].id, syms[nx].id, slot->id});
  };
  for (int32_t i = 0; i + 1 < static_cast<int32_t>(syms.size()); ++i) consider(i);
  std::make_heap(heap.begin(), heap.end(), later);
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), later);
    const Candidate c = heap.back();
    heap.pop_back();
    Symbol& left = syms[c.pos];
    if (left.id != c.left) continue;  // stale: this symbol was merged since
    const int32_t r = left.next;
    if (r < 0 || syms[r].id != c.right) continue;
    left.id = c.merged;
    left.next = syms[r].next;
    if (left.next >= 0) syms[left.next].prev = c.pos;
    syms[r].id = -1;
    for (const int32_t pos : {left.prev, c.pos}) {
      if (pos < 0) continue;
      const size_t before = heap.size();
      consider(pos);
      if (heap.size() > before) std::push_heap(heap.begin(), heap.end(), later);
    }
  }
  for (int32_t k = 0; k >= 0; k = syms[k].next) ids.push_back(syms[k].id);
}

void BpeModel::warn_missing(std::string_view what) const {
  if (warned_missing_byte_.exchange(true)) return;
  if (options_.byte_level) {
    log::warn("{}: byte 0x{:02x} has no piece in model.vocab and there is no unk_token; such bytes are dropped",
              options_.source, static_cast<unsigned char>(what[0]));
  } else {
    log::warn("{}: \"{}\" has no piece in model.vocab{} and there is no unk_token; such characters are dropped",
              options_.source, what, options_.byte_fallback ? " nor \"<0xNN>\" pieces for all its bytes" : "");
  }
}

}  // namespace w2s::tokenizer
