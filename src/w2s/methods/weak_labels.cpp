#include "w2s/methods/weak_labels.h"

#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "w2s/core/error.h"
#include "w2s/io/jsonl.h"

namespace w2s::methods {

void write_weak_labels(const std::filesystem::path& path, const std::vector<WeakLabel>& rows) {
  std::vector<nlohmann::json> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    nlohmann::json j = {{"txt", r.text}, {"soft_label", r.soft}, {"hard_label", r.hard_label()}};
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
    check(j.contains("soft_label") && j["soft_label"].is_array() && j["soft_label"].size() >= 2,
          "{}:{}: \"soft_label\" must be [p0, p1] (or one probability per choice)", file, line);
    double sum = 0.0;
    r.soft.clear();
    for (const auto& p : j["soft_label"]) {
      check(p.is_number(), "{}:{}: \"soft_label\" must hold numbers, got {}", file, line, p.dump());
      const double x = p.get<double>();
      check(std::isfinite(x) && x >= 0, "{}:{}: \"soft_label\" holds {}, not a probability", file, line, x);
      r.soft.push_back(x);
      sum += x;
    }
    check(std::abs(sum - 1.0) <= 1e-3, "{}:{}: \"soft_label\" {} sums to {}, not 1: not a probability distribution",
          file, line, j["soft_label"].dump(), sum);
    for (double& x : r.soft) x /= sum;
    const int k = static_cast<int>(r.soft.size());
    auto index_field = [&](const char* name) {
      const auto& v = j[name];
      check(v.is_number_integer() || v.is_boolean(), "{}:{}: \"{}\" must be {}", file, line, name,
            k == 2 ? "0 or 1" : fmt::format("a choice index (0 to {})", k - 1));
      const int x = v.is_boolean() ? int(v.get<bool>()) : v.get<int>();
      check(x >= 0 && x < k, "{}:{}: \"{}\" must be {}", file, line, name,
            k == 2 ? "0 or 1" : fmt::format("a choice index (0 to {})", k - 1));
      return x;
    };
    if (j.contains("gt_label") && !j["gt_label"].is_null()) r.gt_label = index_field("gt_label");
    if (j.contains("hard_label") && !j["hard_label"].is_null()) {
      const int h = index_field("hard_label");
      const double top = *std::max_element(r.soft.begin(), r.soft.end());
      check(r.soft[static_cast<size_t>(h)] == top, "{}:{}: \"hard_label\" {} contradicts soft_label {}", file, line, h,
            j["soft_label"].dump());
    }
    rows.push_back(std::move(r));
  });
  return rows;
}

}  // namespace w2s::methods
