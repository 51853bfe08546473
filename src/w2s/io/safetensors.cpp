// safetensors read/write: strict header validation over a read-only mmap, deterministic writer,
// and Hugging Face checkpoint folders (one file, or shards + model.safetensors.index.json).
#include "w2s/io/safetensors.h"

#include <fcntl.h>
#include <fmt/ranges.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <system_error>

#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/core/log.h"
#include "w2s/io/atomic_writer.h"
#include "w2s/io/json_read.h"
#include "w2s/io/safetensors_header.h"

static_assert(std::endian::native == std::endian::little,
              "safetensors stores little-endian bytes; w2s copies them as-is (little-endian host)");

namespace w2s::io {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

constexpr const char* kSingleFileName = "model.safetensors";
constexpr const char* kIndexFileName = "model.safetensors.index.json";

struct DtypeEntry {
  std::string_view name;  // safetensors spelling
  torch::Dtype torch;
};

// The dtypes with a torch equivalent here. The format's others (U16, U32, U64, F8_*, C64, F4,
// F6_*) are validated when a file is opened (safetensors_header.cpp) and fail when read.
constexpr DtypeEntry kTorchDtypes[] = {
    {"BOOL", torch::kBool},   {"U8", torch::kUInt8},      {"I8", torch::kInt8},   {"I16", torch::kInt16},
    {"F16", torch::kFloat16}, {"BF16", torch::kBFloat16}, {"I32", torch::kInt32}, {"F32", torch::kFloat32},
    {"I64", torch::kInt64},   {"F64", torch::kFloat64},
};

const DtypeEntry* find_dtype(std::string_view name) {
  for (const auto& d : kTorchDtypes)
    if (d.name == name) return &d;
  return nullptr;
}

const DtypeEntry* find_dtype(torch::Dtype dtype) {
  for (const auto& d : kTorchDtypes)
    if (d.torch == dtype) return &d;
  return nullptr;
}

struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd >= 0) ::close(fd);
  }
};

// "model-00001-of-00003.safetensors": the shard names this module writes (and Hugging Face too).
bool is_shard_name(std::string_view name) {
  constexpr std::string_view kPrefix = "model-", kMiddle = "-of-", kSuffix = ".safetensors";
  if (!name.starts_with(kPrefix) || !name.ends_with(kSuffix)) return false;
  name.remove_prefix(kPrefix.size());
  name.remove_suffix(kSuffix.size());
  const size_t mid = name.find(kMiddle);
  if (mid == std::string_view::npos) return false;
  auto digits = [](std::string_view s) {
    return s.size() >= 5 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  return digits(name.substr(0, mid)) && digits(name.substr(mid + kMiddle.size()));
}

std::string shard_name(size_t i, size_t n) { return fmt::format("model-{:05d}-of-{:05d}.safetensors", i, n); }

uint64_t tensor_nbytes(const torch::Tensor& t) {
  return static_cast<uint64_t>(t.numel()) * static_cast<uint64_t>(t.element_size());
}

// A shard reference must stay inside the checkpoint folder.
bool is_plain_file_name(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos &&
         name.find('\0') == std::string::npos;
}

TensorMap load_sharded(const fs::path& dir, const fs::path& index_path) {
  const std::string index = index_path.string();
  json j;
  try {
    j = parse_json(read_file(index_path));
  } catch (const json::exception& e) {
    fail("{}: not valid JSON: {}", index, e.what());
  }
  check(j.is_object(), "{}: must be a JSON object, got {}", index, j.type_name());
  const auto wm = j.find("weight_map");
  check(wm != j.end() && wm->is_object(), "{}: missing 'weight_map' object (tensor -> shard file)", index);
  check(!wm->empty(), "{}: 'weight_map' is empty", index);

  std::map<std::string, std::vector<std::string>> names_by_shard;
  for (const auto& [name, shard] : wm->items()) {
    check(shard.is_string(), "{}: weight_map['{}'] must be a shard file name, got {}", index, name, shard.type_name());
    const auto file = shard.get<std::string>();
    check(is_plain_file_name(file), "{}: weight_map['{}'] = '{}' must be a file name in the checkpoint folder", index,
          name, file);
    names_by_shard[file].push_back(name);
  }

  TensorMap out;
  for (const auto& [shard, names] : names_by_shard) {
    const fs::path path = dir / shard;
    check(fs::is_regular_file(path), "{}: shard '{}' listed in weight_map does not exist ({})", index, shard,
          path.string());
    const auto file = SafetensorsFile::open(path);
    const std::set<std::string> listed(names.begin(), names.end());
    for (const auto& name : names)
      check(file->contains(name), "{}: tensor '{}' is listed in weight_map for shard '{}' but is missing from {}",
            index, name, shard, path.string());
    for (const auto& info : file->tensors()) {
      if (listed.count(info.name)) continue;
      const auto other = wm->find(info.name);
      if (other != wm->end())
        fail("{}: tensor '{}' is also stored here, but {} maps it to shard '{}'", path.string(), info.name, index,
             other->get<std::string>());
      fail("{}: tensor '{}' is not listed in the weight_map of {}", path.string(), info.name, index);
    }
    for (const auto& name : names) out.emplace(name, file->get(name));
  }
  return out;
}

void remove_file(const fs::path& path) {
  std::error_code ec;
  fs::remove(path, ec);
  check(!ec, "{}: cannot remove stale file: {}", path.string(), ec.message());
}

// Shards of an earlier save that are not part of the current one (only our naming pattern).
void remove_stale_shards(const fs::path& dir, const std::set<std::string>& keep) {
  std::error_code ec;
  std::vector<fs::path> stale;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (is_shard_name(name) && !keep.count(name) && entry.is_regular_file()) stale.push_back(entry.path());
  }
  check(!ec, "{}: cannot list folder: {}", dir.string(), ec.message());
  for (const auto& path : stale) {
    log::debug("{}: removing stale shard", path.string());
    remove_file(path);
  }
}

}  // namespace

torch::Dtype dtype_from_string(std::string_view dtype) {
  check(dtype_bits(dtype) > 0, "unknown safetensors dtype '{}'", dtype);
  const DtypeEntry* d = find_dtype(dtype);
  check(d != nullptr, "unsupported safetensors dtype '{}' (no torch equivalent in w2s)", dtype);
  return d->torch;
}

std::string dtype_to_string(torch::Dtype dtype) {
  const DtypeEntry* d = find_dtype(dtype);
  check(d != nullptr, "torch dtype {} has no safetensors equivalent in w2s", c10::toString(dtype));
  return std::string(d->name);
}

size_t dtype_size(std::string_view dtype) {
  const int bits = dtype_bits(dtype);
  check(bits > 0, "unknown safetensors dtype '{}'", dtype);
  check(bits % 8 == 0, "safetensors dtype '{}' has {} bits per element, not whole bytes", dtype, bits);
  return static_cast<size_t>(bits / 8);
}

std::shared_ptr<SafetensorsFile> SafetensorsFile::open(const fs::path& path) {
  const std::string file = path.string();
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail("{}: cannot open: {}", file, std::strerror(errno));
  FdCloser closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) fail("{}: cannot stat: {}", file, std::strerror(errno));
  check(S_ISREG(st.st_mode), "{}: not a regular file", file);
  const auto size = static_cast<size_t>(st.st_size);
  check(size >= 8, "{}: file too short ({} bytes) to be safetensors (needs an 8-byte header length)", file, size);

  std::shared_ptr<SafetensorsFile> out(new SafetensorsFile());
  out->path_ = path;
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (map == MAP_FAILED) fail("{}: cannot mmap {} bytes: {}", file, size, std::strerror(errno));
  out->data_ = static_cast<const uint8_t*>(map);  // unmapped by the destructor from here on
  out->size_ = size;

  SafetensorsHeader header = parse_safetensors_header(file, out->data_, size);
  out->data_start_ = header.data_start;
  out->infos_ = std::move(header.infos);
  out->metadata_ = std::move(header.metadata);
  out->by_name_.reserve(out->infos_.size());
  for (size_t i = 0; i < out->infos_.size(); ++i) out->by_name_.emplace(out->infos_[i].name, i);
  return out;
}

SafetensorsFile::~SafetensorsFile() {
  if (data_ != nullptr) ::munmap(const_cast<uint8_t*>(data_), size_);
}

const TensorInfo* SafetensorsFile::find(std::string_view name) const {
  const auto it = by_name_.find(std::string(name));
  return it == by_name_.end() ? nullptr : &infos_[it->second];
}

torch::Tensor SafetensorsFile::get(std::string_view name) const {
  const TensorInfo* info = find(name);
  check(info != nullptr, "{}: no tensor named '{}' (the file has {})", path_.string(), name, infos_.size());
  const DtypeEntry* d = find_dtype(info->dtype);  // known to the format: checked when opened
  check(d != nullptr, "{}: tensor '{}': unsupported dtype '{}' (no torch equivalent in w2s)", path_.string(), name,
        info->dtype);
  auto out = torch::empty(info->shape, torch::TensorOptions().dtype(d->torch));
  const size_t n = info->end - info->begin;
  if (n > 0) std::memcpy(out.data_ptr(), data_ + data_start_ + info->begin, n);
  return out;
}

TensorMap load_safetensors(const fs::path& path) {
  const auto file = SafetensorsFile::open(path);
  TensorMap out;
  for (const auto& info : file->tensors()) out.emplace(info.name, file->get(info.name));
  return out;
}

void save_safetensors(const fs::path& path, const TensorMap& tensors, const Metadata& metadata) {
  const std::string file = path.string();
  json header = json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  uint64_t offset = 0;
  for (const auto& [name, t] : tensors) {  // sorted by name: the data follows the same order
    check(name != "__metadata__", "{}: '__metadata__' is reserved and cannot name a tensor", file);
    check(t.defined(), "{}: tensor '{}' is undefined", file, name);
    check(t.layout() == torch::kStrided, "{}: tensor '{}' is not dense", file, name);
    const DtypeEntry* d = find_dtype(t.scalar_type());
    check(d != nullptr, "{}: tensor '{}': torch dtype {} has no safetensors equivalent in w2s", file, name,
          c10::toString(t.scalar_type()));
    const uint64_t nbytes = tensor_nbytes(t);
    header[name] = {{"dtype", d->name}, {"shape", t.sizes().vec()}, {"data_offsets", {offset, offset + nbytes}}};
    offset += nbytes;
  }
  std::string text;
  try {
    text = header.dump();
  } catch (const json::exception& e) {
    fail("{}: cannot encode header (tensor names and metadata must be UTF-8): {}", file, e.what());
  }
  text.append((8 - text.size() % 8) % 8, ' ');  // data section starts 8-byte aligned
  const uint64_t n = text.size();

  AtomicWriter out(path);
  uint8_t length[8];
  std::memcpy(length, &n, 8);
  out.write(length, 8);
  out.write(text.data(), text.size());
  for (const auto& [name, t] : tensors) {
    // No copy for contiguous CPU tensors; others are copied one at a time.
    torch::Tensor c = t.detach();
    if (!c.device().is_cpu()) c = c.to(torch::kCPU);
    c = c.contiguous();
    if (c.numel() > 0) out.write(c.data_ptr(), tensor_nbytes(c));
  }
  check(out.bytes_written() == 8 + n + offset, "{}: wrote {} bytes, expected {}", file, out.bytes_written(),
        8 + n + offset);
  out.commit();
}

TensorMap load_checkpoint_tensors(const fs::path& dir) {
  if (fs::is_regular_file(dir) && dir.extension() == ".safetensors") return load_safetensors(dir);
  check(fs::is_directory(dir), "{}: checkpoint folder does not exist", dir.string());
  if (fs::exists(dir / kSingleFileName)) return load_safetensors(dir / kSingleFileName);
  if (fs::exists(dir / kIndexFileName)) return load_sharded(dir, dir / kIndexFileName);

  // Fallback: exactly one other *.safetensors file (not a shard of a lost index).
  std::vector<std::string> found, shards;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && entry.path().extension() == ".safetensors")
      (is_shard_name(name) ? shards : found).push_back(name);
  }
  check(!ec, "{}: cannot list folder: {}", dir.string(), ec.message());
  std::sort(found.begin(), found.end());
  if (!shards.empty())
    fail("{}: shard files ({} of them, e.g. {}) but no {}", dir.string(), shards.size(), shards.front(),
         kIndexFileName);
  check(!found.empty(), "{}: no model weights: looked for {}, {} or a single *.safetensors file", dir.string(),
        kSingleFileName, kIndexFileName);
  check(found.size() == 1, "{}: no {} or {}, and several *.safetensors files ({}) make the choice ambiguous",
        dir.string(), kSingleFileName, kIndexFileName, fmt::join(found, ", "));
  log::info("{}: no {}; loading the only weights file {}", dir.string(), kSingleFileName, found[0]);
  return load_safetensors(dir / found[0]);
}

void save_checkpoint_tensors(const fs::path& dir, const TensorMap& tensors, uint64_t max_shard_bytes,
                             const Metadata& metadata) {
  uint64_t total = 0;
  std::vector<TensorMap> shards(1);
  uint64_t shard_bytes = 0;
  for (const auto& [name, t] : tensors) {
    check(t.defined(), "{}: tensor '{}' is undefined", dir.string(), name);
    const uint64_t nbytes = tensor_nbytes(t);
    total += nbytes;
    // Greedy in name order, like Hugging Face: a tensor larger than the limit gets its own shard.
    if (max_shard_bytes > 0 && !shards.back().empty() && shard_bytes + nbytes > max_shard_bytes) {
      shards.emplace_back();
      shard_bytes = 0;
    }
    shards.back().emplace(name, t);
    shard_bytes += nbytes;
  }

  if (shards.size() == 1) {
    save_safetensors(dir / kSingleFileName, tensors, metadata);
    if (fs::exists(dir / kIndexFileName)) remove_file(dir / kIndexFileName);
    remove_stale_shards(dir, {});
    return;
  }

  json weight_map = json::object();
  std::set<std::string> written;
  for (size_t i = 0; i < shards.size(); ++i) {
    const std::string name = shard_name(i + 1, shards.size());
    save_safetensors(dir / name, shards[i], metadata);
    for (const auto& entry : shards[i]) weight_map[entry.first] = name;
    written.insert(name);
  }
  const json index = {{"metadata", {{"total_size", total}}}, {"weight_map", weight_map}};
  write_file_atomic(dir / kIndexFileName, index.dump(2) + "\n");
  // A stale single file would shadow the index when loading.
  if (fs::exists(dir / kSingleFileName)) remove_file(dir / kSingleFileName);
  remove_stale_shards(dir, written);
}

}  // namespace w2s::io
