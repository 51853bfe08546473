#include "w2s/methods/weak_labels.h"

#include <nlohmann/json.hpp>

#include <cmath>

#include "w2s/core/error.h"
#include "w2s/io/jsonl.h"

namespace w2s::methods {

void write_weak_labels(const std::filesystem::path& path, const std::vector<WeakLabel>& rows) {
  std::vector<nlohmann::json> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    nlohmann::json j = {{"txt", r.text}, {"soft_label", {1.0 - r.p1, r.p1}}, {"hard_label", r.hard_label()}};
    if (r.gt_label >= 0) j["gt_label"] = r.gt_label;
    if (!r.id.empty()) j["id"] = r.id;
    out.push_back(std::move(j));
  }
  io::write_jsonl(path, out);
}

std::vector<WeakLabel> read_weak_labels(const std::filesystem::path& path) {
  std::vector<WeakLabel> rows;
  const std::string file = path.string();
  io::for_each_jsonl(path, [&](const nlohmann::json& j, size_t line) {
    check(j.is_object(), "{}:{}: expected a JSON object", file, line);
    WeakLabel r;
    check(j.contains("txt") && j["txt"].is_string(), "{}:{}: missing string field \"txt\"", file, line);
    r.text = j["txt"].get<std::string>();
    if (j.contains("id")) {
      check(j["id"].is_string() || j["id"].is_number_integer(), "{}:{}: \"id\" must be a string or integer", file,
            line);
      r.id = j["id"].is_string() ? j["id"].get<std::string>() : std::to_string(j["id"].get<int64_t>());
    }
    check(j.contains("soft_label") && j["soft_label"].is_array() && j["soft_label"].size() == 2 &&
              j["soft_label"][0].is_number() && j["soft_label"][1].is_number(),
          "{}:{}: \"soft_label\" must be [p0, p1]", file, line);
    const double p0 = j["soft_label"][0].get<double>(), p1 = j["soft_label"][1].get<double>();
    check(std::isfinite(p0) && std::isfinite(p1) && p0 >= 0 && p1 >= 0 && std::abs(p0 + p1 - 1.0) <= 1e-3,
          "{}:{}: \"soft_label\" [{}, {}] is not a probability pair", file, line, p0, p1);
    r.p1 = p1 / (p0 + p1);
    if (j.contains("gt_label") && !j["gt_label"].is_null()) {
      check(j["gt_label"].is_number_integer() || j["gt_label"].is_boolean(), "{}:{}: \"gt_label\" must be 0 or 1", file,
            line);
      r.gt_label = j["gt_label"].is_boolean() ? int(j["gt_label"].get<bool>()) : j["gt_label"].get<int>();
      check(r.gt_label == 0 || r.gt_label == 1, "{}:{}: \"gt_label\" must be 0 or 1", file, line);
    }
    if (j.contains("hard_label") && !j["hard_label"].is_null()) {
      check(j["hard_label"].is_number_integer() || j["hard_label"].is_boolean(), "{}:{}: \"hard_label\" must be 0 or 1",
            file, line);
      const int h = j["hard_label"].is_boolean() ? int(j["hard_label"].get<bool>()) : j["hard_label"].get<int>();
      check(h == 0 || h == 1, "{}:{}: \"hard_label\" must be 0 or 1", file, line);
      check(p1 == p0 || h == r.hard_label(), "{}:{}: \"hard_label\" {} contradicts soft_label [{}, {}]", file, line, h,
            p0, p1);
    }
    rows.push_back(std::move(r));
  });
  return rows;
}

}  // namespace w2s::methods
