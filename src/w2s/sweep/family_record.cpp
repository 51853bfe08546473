// family.json's finetuning records: read for sweeps, written by `w2s tune`.
#include "w2s/sweep/family_record.h"

#include "w2s/core/error.h"
#include "w2s/core/file.h"

namespace fs = std::filesystem;

namespace w2s::sweep {
namespace {

/// Keys in the file's order, so a rewrite changes only the records.
nlohmann::ordered_json read_index(const fs::path& index) {
  try {
    auto j = nlohmann::ordered_json::parse(read_file(index));
    check(j.is_object() && j.value("members", nlohmann::ordered_json()).is_array(), "{}: no \"members\" list",
          index.string());
    return j;
  } catch (const nlohmann::json::exception& e) {
    throw Error(fmt::format("{}: not a family index ({})", index.string(), e.what()));
  }
}

}  // namespace

fs::path model_folder(const std::string& model_dir) {
  fs::path p = fs::path(model_dir).lexically_normal();
  if (p.filename().empty()) p = p.parent_path();
  return p;
}

fs::path family_index_of(const std::string& model_dir) { return model_folder(model_dir).parent_path() / "family.json"; }

std::optional<FinetuneRecord> recorded_finetune(const std::string& model_dir) {
  const auto index = family_index_of(model_dir);
  if (!fs::is_regular_file(index)) return std::nullopt;
  const auto j = read_index(index);
  const auto name = model_folder(model_dir).filename().string();
  for (const auto& m : j["members"]) {
    if (!m.is_object() || m.value("name", "") != name || !m.contains("finetune")) continue;
    const auto& f = m["finetune"];
    const auto lr = f.value("lr", nlohmann::ordered_json());
    const auto epochs = f.value("epochs", nlohmann::ordered_json());
    check(lr.is_number() && lr.get<double>() > 0 && epochs.is_number_integer() && epochs.get<int64_t>() > 0,
          "{}: member \"{}\": \"finetune\" needs a positive \"lr\" and a positive integer \"epochs\"", index.string(),
          name);
    return FinetuneRecord{lr.get<double>(), epochs.get<int64_t>(), index.string(), nlohmann::json::parse(f.dump())};
  }
  return std::nullopt;
}

void write_finetune_records(const fs::path& index, const std::map<std::string, nlohmann::ordered_json>& records) {
  nlohmann::ordered_json j =
      fs::exists(index) ? read_index(index) : nlohmann::ordered_json{{"members", nlohmann::ordered_json::array()}};
  auto left = records;
  for (auto& m : j["members"]) {
    if (!m.is_object()) continue;
    const auto it = left.find(m.value("name", ""));
    if (it == left.end()) continue;
    m["finetune"] = it->second;
    left.erase(it);
  }
  for (const auto& [name, rec] : left) j["members"].push_back({{"name", name}, {"finetune", rec}});
  // One member per line, as scripts/ship_family.sh writes it.
  std::string out = "{\n";
  bool first = true;
  for (const auto& [k, v] : j.items()) {
    if (!first) out += ",\n";
    first = false;
    if (k != "members") {
      out += fmt::format("  {}: {}", nlohmann::json(k).dump(), v.dump());
      continue;
    }
    out += "  \"members\": [\n";
    for (size_t i = 0; i < v.size(); ++i) out += "    " + v[i].dump() + (i + 1 < v.size() ? ",\n" : "\n");
    out += "  ]";
  }
  write_file_atomic(index, out + "\n}\n");
}

}  // namespace w2s::sweep
