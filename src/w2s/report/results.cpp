// Results <-> JSON. NaN doubles are written as null and read back as NaN; every field is required
// so a truncated or hand-edited file fails with the field named instead of plotting zeros.
#include "w2s/report/results.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <limits>

#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/io/json_read.h"

namespace w2s::report {
namespace {

using nlohmann::json;

constexpr int kFormatVersion = 1;  // "w2s_results" in the written JSON

json num(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

/// Reads fields of one JSON object. Errors name the source and the object's path in it
/// ("runs/results.json: stages[3]: missing field 'seed'").
class Reader {
 public:
  Reader(const json& j, std::string source, std::string path = "")
      : j_(j),
        source_(std::move(source)),
        path_(std::move(path)),
        where_(path_.empty() ? source_ : source_ + ": " + path_) {
    check(j_.is_object(), "{}: expected an object, got {}", where_, j_.type_name());
  }

  const json& at(const char* field) const {
    auto it = j_.find(field);
    check(it != j_.end(), "{}: missing field '{}'", where_, field);
    return *it;
  }
  std::string str(const char* field) const {
    const json& v = at(field);
    check(v.is_string(), "{}: field '{}' must be a string, got {}", where_, field, v.type_name());
    return v.get<std::string>();
  }
  int64_t integer(const char* field) const {
    const json& v = at(field);
    check(v.is_number_integer(), "{}: field '{}' must be an integer, got {}", where_, field, v.type_name());
    return v.get<int64_t>();
  }
  const std::string& where() const { return where_; }
  bool has(const char* field) const { return j_.contains(field); }
  double real(const char* field) const {  // null → NaN
    const json& v = at(field);
    if (v.is_null()) return std::numeric_limits<double>::quiet_NaN();
    check(v.is_number(), "{}: field '{}' must be a number or null, got {}", where_, field, v.type_name());
    return v.get<double>();
  }
  const json& array(const char* field) const {
    const json& v = at(field);
    check(v.is_array(), "{}: field '{}' must be an array, got {}", where_, field, v.type_name());
    return v;
  }
  /// Reader for element i of array `field`.
  Reader element(const char* field, size_t i) const {
    const std::string p = (path_.empty() ? "" : path_ + ".") + field + "[" + std::to_string(i) + "]";
    return Reader(array(field)[i], source_, p);
  }

 private:
  const json& j_;
  std::string source_, path_, where_;
};

json stage_to_json(const StageRecord& s) {
  json dyn = json::array();
  for (const DynamicsPoint& p : s.dynamics) {
    json d = {{"step", p.step}, {"test_accuracy", num(p.test_accuracy)}, {"weak_agreement", num(p.weak_agreement)}};
    // The loss's state where it had one (files from before it, and xent students, stay without).
    if (std::isfinite(p.alpha)) d["alpha"] = p.alpha;
    if (std::isfinite(p.threshold)) d["threshold"] = p.threshold;
    if (std::isfinite(p.hardened_rate)) d["hardened_rate"] = p.hardened_rate;
    dyn.push_back(std::move(d));
  }
  json j = {{"key", s.key},
            {"kind", methods::to_string(s.kind)},
            {"task", s.task},
            {"model", s.model},
            {"model_params", s.model_params},
            {"supervisor", s.supervisor},
            {"loss", s.loss},
            {"method", s.method},
            {"seed", s.seed},
            {"test_accuracy", num(s.test_accuracy)},
            {"test_auroc", num(s.test_auroc)},
            {"test_ece", num(s.test_ece)},
            {"agree_when_weak_right", num(s.agree_when_weak_right)},
            {"agree_when_weak_wrong", num(s.agree_when_weak_wrong)},
            {"n_weak_right", s.n_weak_right},
            {"n_weak_wrong", s.n_weak_wrong},
            {"dynamics", std::move(dyn)},
            {"commit", s.commit},
            {"wall_seconds", num(s.wall_seconds)},
            {"peak_rss_mb", num(s.peak_rss_mb)}};
  if (!s.margins.empty()) {
    j["margins"] = json::array();
    for (const MarginBin& b : s.margins)
      j["margins"].push_back({{"margin", num(b.margin)}, {"accuracy", num(b.accuracy)}, {"n", b.n}});
  }
  if (s.shots > 0) j["shots"] = s.shots, j["shots_kept"] = num(s.shots_kept);
  return j;
}

StageRecord stage_from_json(const Reader& r) {
  StageRecord s;
  s.key = r.str("key");
  s.kind = methods::parse_stage_kind(r.str("kind"), r.where());
  s.task = r.str("task");
  s.model = r.str("model");
  s.model_params = r.integer("model_params");
  s.supervisor = r.str("supervisor");
  s.loss = r.str("loss");
  s.method = r.str("method");
  s.seed = r.integer("seed");
  s.test_accuracy = r.real("test_accuracy");
  s.test_auroc = r.real("test_auroc");
  s.test_ece = r.real("test_ece");
  s.agree_when_weak_right = r.real("agree_when_weak_right");
  s.agree_when_weak_wrong = r.real("agree_when_weak_wrong");
  s.n_weak_right = r.integer("n_weak_right");
  s.n_weak_wrong = r.integer("n_weak_wrong");
  const json& dyn = r.array("dynamics");
  for (size_t i = 0; i < dyn.size(); ++i) {
    const Reader d = r.element("dynamics", i);
    DynamicsPoint pt{d.integer("step"), d.real("test_accuracy"), d.real("weak_agreement")};
    if (d.has("alpha")) pt.alpha = d.real("alpha");
    if (d.has("threshold")) pt.threshold = d.real("threshold");
    if (d.has("hardened_rate")) pt.hardened_rate = d.real("hardened_rate");
    s.dynamics.push_back(pt);
  }
  if (r.has("margins")) {
    const json& ms = r.array("margins");
    for (size_t i = 0; i < ms.size(); ++i) {
      const Reader m = r.element("margins", i);
      s.margins.push_back({m.real("margin"), m.real("accuracy"), m.integer("n")});
    }
  }
  s.commit = r.str("commit");
  s.wall_seconds = r.real("wall_seconds");
  s.peak_rss_mb = r.real("peak_rss_mb");
  if (r.has("shots")) s.shots = r.integer("shots"), s.shots_kept = r.real("shots_kept");
  return s;
}

json pgr_to_json(const PgrRow& p) {
  json j = {{"task", p.task},
            {"weak", p.weak},
            {"strong", p.strong},
            {"loss", p.loss},
            {"method", p.method},
            {"weak_params", p.weak_params},
            {"strong_params", p.strong_params},
            {"n_seeds", p.n_seeds},
            {"weak_acc", num(p.weak_acc)},
            {"weak_se", num(p.weak_se)},
            {"ceiling_acc", num(p.ceiling_acc)},
            {"ceiling_se", num(p.ceiling_se)},
            {"student_acc", num(p.student_acc)},
            {"student_se", num(p.student_se)},
            {"pgr", num(p.pgr)},
            {"pgr_se", num(p.pgr_se)},
            {"status", p.status}};
  // The bootstrap interval, where there was one (files from before it round-trip unchanged).
  if (std::isfinite(p.pgr_lo) && std::isfinite(p.pgr_hi)) j["pgr_lo"] = p.pgr_lo, j["pgr_hi"] = p.pgr_hi;
  if (p.pgr_over_examples) j["pgr_over_examples"] = true;
  if (std::isfinite(p.zeroshot_acc)) j["zeroshot_acc"] = p.zeroshot_acc, j["zeroshot_se"] = num(p.zeroshot_se);
  if (std::isfinite(p.misfit)) j["misfit"] = p.misfit;
  if (std::isfinite(p.error_consistency)) j["error_consistency"] = p.error_consistency;
  for (const auto& [name, v] : {std::pair{"weak_auroc", p.weak_auroc}, std::pair{"ceiling_auroc", p.ceiling_auroc},
                                std::pair{"student_auroc", p.student_auroc}, std::pair{"pgr_auroc", p.pgr_auroc},
                                std::pair{"pgr_auroc_lo", p.pgr_auroc_lo}, std::pair{"pgr_auroc_hi", p.pgr_auroc_hi}})
    if (std::isfinite(v)) j[name] = v;
  if (p.pgr_auroc_gap_ns) j["pgr_auroc_gap_not_significant"] = true;
  return j;
}

PgrRow pgr_from_json(const Reader& r) {
  PgrRow p;
  p.task = r.str("task");
  p.weak = r.str("weak");
  p.strong = r.str("strong");
  p.loss = r.str("loss");
  p.method = r.str("method");
  p.weak_params = r.integer("weak_params");
  p.strong_params = r.integer("strong_params");
  p.n_seeds = static_cast<int>(r.integer("n_seeds"));
  p.weak_acc = r.real("weak_acc");
  p.weak_se = r.real("weak_se");
  p.ceiling_acc = r.real("ceiling_acc");
  p.ceiling_se = r.real("ceiling_se");
  p.student_acc = r.real("student_acc");
  p.student_se = r.real("student_se");
  p.pgr = r.real("pgr");
  p.pgr_se = r.real("pgr_se");
  if (r.has("pgr_lo")) p.pgr_lo = r.real("pgr_lo"), p.pgr_hi = r.real("pgr_hi");  // absent before session 9
  if (r.has("pgr_over_examples")) p.pgr_over_examples = r.at("pgr_over_examples").get<bool>();
  p.status = r.str("status");
  if (r.has("zeroshot_acc")) p.zeroshot_acc = r.real("zeroshot_acc"), p.zeroshot_se = r.real("zeroshot_se");
  if (r.has("misfit")) p.misfit = r.real("misfit");
  if (r.has("error_consistency")) p.error_consistency = r.real("error_consistency");
  for (const auto& [name, v] : {std::pair{"weak_auroc", &p.weak_auroc}, std::pair{"ceiling_auroc", &p.ceiling_auroc},
                                std::pair{"student_auroc", &p.student_auroc}, std::pair{"pgr_auroc", &p.pgr_auroc},
                                std::pair{"pgr_auroc_lo", &p.pgr_auroc_lo}, std::pair{"pgr_auroc_hi", &p.pgr_auroc_hi}})
    if (r.has(name)) *v = r.real(name);
  if (r.has("pgr_auroc_gap_not_significant")) p.pgr_auroc_gap_ns = r.at("pgr_auroc_gap_not_significant").get<bool>();
  return p;
}

}  // namespace

nlohmann::json to_json(const Results& results) {
  json stages = json::array();
  for (const StageRecord& s : results.stages) stages.push_back(stage_to_json(s));
  json pgr = json::array();
  for (const PgrRow& p : results.pgr) pgr.push_back(pgr_to_json(p));
  return {{"w2s_results", kFormatVersion}, {"stages", std::move(stages)}, {"pgr", std::move(pgr)}};
}

Results results_from_json(const nlohmann::json& j, const std::string& source) {
  const Reader r(j, source);
  const int64_t version = r.integer("w2s_results");
  check(version == kFormatVersion, "{}: results format version {} is not supported (expected {})", source, version,
        kFormatVersion);
  Results out;
  const json& stages = r.array("stages");
  for (size_t i = 0; i < stages.size(); ++i) out.stages.push_back(stage_from_json(r.element("stages", i)));
  const json& pgr = r.array("pgr");
  for (size_t i = 0; i < pgr.size(); ++i) out.pgr.push_back(pgr_from_json(r.element("pgr", i)));
  return out;
}

std::filesystem::path results_file(const std::filesystem::path& path) {
  return std::filesystem::is_directory(path) ? path / "results.json" : path;
}

Results load_results(const std::filesystem::path& path) {
  const std::filesystem::path file = results_file(path);
  check(std::filesystem::exists(file), "{}: no such results file", file.string());
  json j;
  try {
    j = io::parse_json(read_file(file));
  } catch (const json::exception& e) {
    fail("{}: not valid JSON: {}", file.string(), e.what());
  }
  return results_from_json(j, file.string());
}

void save_results(const Results& results, const std::filesystem::path& path) {
  write_file_atomic(path, to_json(results).dump(1) + "\n");
}

}  // namespace w2s::report
