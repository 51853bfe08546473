// Stage files: metrics, predictions, weak labels, dynamics.
#include "w2s/methods/stage_files.h"

#include <algorithm>
#include <cmath>

#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/eval/predictions.h"
#include "w2s/io/json_read.h"
#include "w2s/io/jsonl.h"
#include "w2s/methods/weak_labels.h"

namespace fs = std::filesystem;

namespace w2s::methods {

namespace {

std::vector<int> labels_of(const std::vector<data::Example>& xs) {
  std::vector<int> t;
  for (const auto& x : xs) t.push_back(x.label);
  return t;
}

}  // namespace

nlohmann::json to_json(const StageMetrics& m) {
  auto num = [](double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); };
  return {{"test_accuracy", num(m.test_accuracy)},
          {"test_auroc", num(m.test_auroc)},
          {"test_ece", num(m.test_ece)},
          {"agreement", num(m.agreement)},
          {"agree_when_weak_right", num(m.agree_when_weak_right)},
          {"agree_when_weak_wrong", num(m.agree_when_weak_wrong)},
          {"n_weak_right", m.n_weak_right},
          {"n_weak_wrong", m.n_weak_wrong},
          {"n_train", m.n_train},
          {"n_test", m.n_test},
          {"steps", m.steps}};
}

StageMetrics read_stage_metrics(const fs::path& stage_dir) {
  const fs::path p = stage_dir / "metrics.json";
  const auto j = io::read_json_file(p);
  return io::naming_file(p, [&] {
    auto num = [&](const char* k) {
      check(j.contains(k), "{}: missing \"{}\"", p.string(), k);
      return j[k].is_null() ? std::nan("") : j[k].get<double>();
    };
    StageMetrics m;
    m.test_accuracy = num("test_accuracy");
    m.test_auroc = num("test_auroc");
    m.test_ece = num("test_ece");
    m.agreement = num("agreement");
    m.agree_when_weak_right = num("agree_when_weak_right");
    m.agree_when_weak_wrong = num("agree_when_weak_wrong");
    m.n_weak_right = j.value("n_weak_right", int64_t{0});
    m.n_weak_wrong = j.value("n_weak_wrong", int64_t{0});
    m.n_train = j.value("n_train", int64_t{0});
    m.n_test = j.value("n_test", int64_t{0});
    m.steps = j.value("steps", int64_t{0});
    return m;
  });
}

void write_predictions(const fs::path& path, const std::vector<data::Example>& xs, const eval::Predictions& p) {
  check(p.size() == xs.size(), "internal: {} predictions for {} examples ({})", p.size(), xs.size(), path.string());
  std::vector<nlohmann::json> rows;
  for (size_t i = 0; i < xs.size(); ++i) {
    nlohmann::json row = {{"id", xs[i].id}, {"gt_label", xs[i].label}};
    if (p[i].size() == 2)
      row["p1"] = p[i][1];
    else
      row["probs"] = p[i];
    rows.push_back(std::move(row));
  }
  io::write_jsonl(path, rows);
}

std::vector<double> prediction_of(const nlohmann::json& row) {
  auto num = [](const nlohmann::json& x) { return x.is_null() ? std::nan("") : x.get<double>(); };
  if (row.contains("probs")) {
    std::vector<double> out;
    for (const auto& x : row.at("probs")) out.push_back(num(x));
    check(out.size() >= 2, "\"probs\" holds {} probabilities (at least 2)", out.size());
    return out;
  }
  const double p1 = num(row.at("p1"));
  return {1.0 - p1, p1};
}

eval::Predictions read_predictions(const fs::path& path, const std::vector<data::Example>& xs) {
  eval::Predictions out;
  io::JsonlReadOptions ro;
  ro.allow_empty = xs.empty();
  io::for_each_jsonl(
      path,
      [&](const nlohmann::json& row, size_t line) {
        const size_t i = out.size();
        check(i < xs.size() && row.at("id").get<std::string>() == xs[i].id,
              "{}:{}: prediction for a different example than the split's (was the artifact copied from another "
              "task/seed?)",
              path.string(), line);
        auto p = prediction_of(row);
        const size_t k = xs[i].completions.empty() ? 2 : xs[i].completions.size();
        check(p.size() == k, "{}:{}: {} probabilities for example {} of {} choices", path.string(), line, p.size(),
              xs[i].id, k);
        out.push_back(std::move(p));
      },
      ro);
  check(out.size() == xs.size(), "{}: {} predictions for {} examples", path.string(), out.size(), xs.size());
  return out;
}

void write_dynamics(const fs::path& path, const std::vector<train::DynamicsRow>& rows) {
  std::vector<nlohmann::json> out;
  for (const auto& r : rows) {
    nlohmann::json j = {{"step", r.step}};
    for (const auto& [k, v] : r.accuracy) j["accuracy"][k] = v;
    for (const auto& [k, v] : r.agreement) j["agreement"][k] = v;
    for (const auto& [k, v] : r.loss) j["loss"][k] = v;
    out.push_back(std::move(j));
  }
  io::write_jsonl(path, out);
}

void write_loss_steps(const fs::path& path, const std::vector<train::LossStepRecord>& steps) {
  const bool any = std::any_of(steps.begin(), steps.end(),
                               [](const train::LossStepRecord& r) { return r.alpha > 0.0 || r.hardened_rate >= 0.0; });
  if (!any) return;  // xent and the other losses without batch state: nothing to show
  std::vector<nlohmann::json> out;
  for (const auto& r : steps) {
    nlohmann::json j = {{"step", r.step}, {"loss", r.loss}, {"alpha", r.alpha}};
    if (r.hardened_rate >= 0.0) j["threshold"] = r.threshold, j["hardened_rate"] = r.hardened_rate;
    out.push_back(std::move(j));
  }
  io::write_jsonl(path, out);
}

StageMetrics write_stage_outputs(const fs::path& dir, const data::Split& s, const train::FinetuneResult& r,
                                 size_t n_train, const eval::Predictions* weak_test) {
  // Nothing non-finite is published: a NaN prediction would be written as JSON null into a stage
  // marked finished, and every later stage and table would read it.
  for (const auto& [set, rows] : r.predictions)
    for (size_t i = 0; i < rows.size(); ++i)
      for (double p : rows[i])
        check(std::isfinite(p) && p >= 0.0 && p <= 1.0,
              "{}: the model's prediction for example {} of its {} set is {} (not a probability); nothing of this "
              "stage is kept. The weights likely overflowed: lower the learning rate, or use precision = \"float32\"",
              dir.string(), i, set, p);
  StageMetrics m;
  const auto& pt = r.predictions.at("test");
  const auto labels = labels_of(s.test);
  m.test_accuracy = eval::accuracy(pt, labels);
  m.test_auroc = eval::auroc(pt, labels);
  m.test_ece = eval::expected_calibration_error(pt, labels);
  m.agreement = m.agree_when_weak_right = m.agree_when_weak_wrong = std::nan("");
  if (weak_test) {
    const auto ag = eval::agreement(pt, *weak_test, labels);
    m.agreement = ag.overall;
    m.agree_when_weak_right = ag.when_weak_right;
    m.agree_when_weak_wrong = ag.when_weak_wrong;
    m.n_weak_right = ag.n_weak_right;
    m.n_weak_wrong = ag.n_weak_wrong;
  }
  m.n_train = static_cast<int64_t>(n_train);
  m.n_test = static_cast<int64_t>(s.test.size());
  m.steps = r.steps;
  write_predictions(dir / "test_predictions.jsonl", s.test, pt);
  if (!s.val.empty()) write_predictions(dir / "val_predictions.jsonl", s.val, r.predictions.at("val"));
  if (r.predictions.count("train2")) {  // a few-shot baseline predicts test and val only
    std::vector<WeakLabel> wl;
    const auto& p2 = r.predictions.at("train2");
    for (size_t i = 0; i < s.train2.size(); ++i)
      wl.push_back({s.train2[i].id, s.train2[i].text, s.train2[i].label, p2[i]});
    write_weak_labels(dir / "weak_labels.jsonl", wl);
  }
  write_dynamics(dir / "dynamics.jsonl", r.dynamics);
  write_loss_steps(dir / "loss_steps.jsonl", r.loss_steps);
  write_file_atomic(dir / "metrics.json", to_json(m).dump(2) + "\n");
  return m;
}

}  // namespace w2s::methods
