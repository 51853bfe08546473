// Weak-to-strong stages (gt, student, labels, genft) as run-store folders.
#include "w2s/methods/pipeline.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <unordered_set>

#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/core/log.h"
#include "w2s/core/rng.h"
#include "w2s/core/sha256.h"
#include "w2s/io/json_read.h"
#include "w2s/methods/weak_labels.h"
#include "w2s/models/checkpoint_identity.h"
#include "w2s/models/config.h"
#include "w2s/models/model_spec.h"
#include "w2s/store/identity.h"
#include "w2s/train/compute.h"
#include "w2s/train/pretrain.h"
#include "w2s/train/soft_label_objective.h"

namespace fs = std::filesystem;

namespace w2s::methods {
namespace {

/// An option struct as a JSON object (nested by dotted keys): part of a stage's identity.
template <class T>
nlohmann::json options_json(const T& obj, const config::Schema<T>& schema) {
  return nlohmann::json::parse(config::to_json(config::flatten(obj, schema)));
}

std::vector<std::string> texts_of(const std::vector<data::Example>& xs) {
  std::vector<std::string> t;
  for (const auto& x : xs) t.push_back(x.text);
  return t;
}
// Rows [lo, hi) of slice `index` of `count` contiguous, equal parts of n rows.
std::pair<size_t, size_t> slice_bounds(size_t n, TrainSlice s) {
  return {n * static_cast<size_t>(s.index) / static_cast<size_t>(s.count),
          n * static_cast<size_t>(s.index + 1) / static_cast<size_t>(s.count)};
}

std::vector<int> labels_of(const std::vector<data::Example>& xs) {
  std::vector<int> t;
  for (const auto& x : xs) t.push_back(x.label);
  return t;
}
/// Each example's choices: its completions, or the two classes of a text.
std::vector<int64_t> choices_of(const std::vector<data::Example>& xs) {
  std::vector<int64_t> k;
  for (const auto& x : xs) k.push_back(x.completions.empty() ? 2 : static_cast<int64_t>(x.completions.size()));
  return k;
}
std::vector<std::vector<std::string>> completions_of(const std::vector<data::Example>& xs) {
  std::vector<std::vector<std::string>> c;
  for (const auto& x : xs)
    if (!x.completions.empty()) c.push_back(x.completions);
  check(c.empty() || c.size() == xs.size(), "internal: a part mixes comparisons and texts");
  return c;
}
/// An evaluation set of examples (texts, comparisons' completions) with labels and the
/// supervisor's predictions (empty = none).
train::EvalSet eval_set(std::string name, const std::vector<data::Example>& xs, std::vector<int> labels,
                        eval::Predictions weak, bool track) {
  return {std::move(name), texts_of(xs), std::move(labels), std::move(weak), track, completions_of(xs)};
}
/// The predicted class or choice of each row.
std::vector<int> hard(const eval::Predictions& rows) {
  std::vector<int> t;
  for (const auto& r : rows) t.push_back(static_cast<int>(eval::predicted(r)));
  return t;
}

/// Where and in what precision a stage ran, resolved ("auto" never appears): bf16 autocast
/// depends on the machine (avx512_bf16 / AMX CPUs, CUDA), and numbers differ with it.
nlohmann::json compute_json(const std::string& device, const std::string& precision) {
  const auto c = train::resolve_compute(device, precision);
  return {{"device", c.device.is_cuda() ? "cuda" : "cpu"}, {"precision", c.bf16 ? "bfloat16" : "float32"}};
}

}  // namespace

Pipeline::Pipeline(store::RunStore& store, DataOptions data, train::FinetuneOptions finetune, PipelineObserver observer)
    : store_(store), tasks_(std::move(data)), finetune_(std::move(finetune)), observer_(std::move(observer)) {}

int64_t Pipeline::parameter_count(const std::string& path) {
  auto it = params_.find(path);
  if (it != params_.end()) return it->second;
  auto model = models::load_backbone(path, 0, torch::kCPU);
  return params_[path] = model->count_parameters().non_embedding;
}

nlohmann::json Pipeline::model_json(const ModelRef& m) {
  auto it = model_ids_.find(m.path);
  if (it == model_ids_.end()) it = model_ids_.emplace(m.path, models::checkpoint_identity(m.path)).first;
  return {{"name", m.name}, {"id", it->second}};
}

nlohmann::json Pipeline::common_json(const std::string& task, int64_t seed) {
  const auto& d = tasks_.options().split;
  return {{"task", task},
          {"task_digest", tasks_.digest(task)},
          {"seed", seed},
          {"data",
           {{"n_train1", d.n_train1},
            {"n_train2", d.n_train2},
            {"n_test", d.n_test},
            {"val_fraction", d.val_fraction},
            {"balance", d.balance}}}};
}

nlohmann::json Pipeline::finetune_json(const std::string& task, const train::FinetuneOptions& o) {
  auto j = options_json(o, train::FinetuneOptions::schema());
  // Keyed by where and in what precision it runs, resolved: "auto" means bf16 on one machine and
  // float32 on another, and their numbers differ.
  const auto compute = compute_json(o.device, o.precision);
  j["device"] = compute["device"];
  j["precision"] = compute["precision"];
  // A loss's key holds the options it reads, the others at their defaults (losses::effective_options),
  // so an xent student is the same stage whatever α a logconf ablation sets beside it. The prior
  // came after the first keys: a loss that does not read it keys without it, as before.
  j["loss"] = options_json(losses::effective_options(o.loss), losses::LossOptions::schema());
  const auto& reads = losses::options_read(o.loss.name);
  if (std::find(reads.begin(), reads.end(), "logconf_prior") == reads.end()) j["loss"].erase("logconf_prior");
  const auto kind = tasks_.task(task).kind;
  const bool comparisons = data::has_completions(kind);
  const train::ReadoutOptions defaults;
  train::ReadoutOptions r = o.readout;
  r.name = train::resolved_readout(o.readout, comparisons, kind == data::TaskKind::multiple_choice);
  if (r.name != "likelihood") {
    r.likelihood_norm = defaults.likelihood_norm;
    r.likelihood_baseline = defaults.likelihood_baseline;
    r.likelihood_beta = defaults.likelihood_beta;
  }
  if (r.name != "verbalizer") {
    r.verbalizer_template = defaults.verbalizer_template;
    r.verbalizer_words = defaults.verbalizer_words;
  }
  j.erase("readout");
  if (comparisons || r.name != "head") j["readout"] = options_json(r, train::ReadoutOptions::schema());
  return j;
}

train::FinetuneOptions Pipeline::options_for(const ModelRef& m, const losses::LossOptions& loss) const {
  auto o = finetune_;
  if (m.lr > 0) o.lr = m.lr;
  if (m.epochs > 0) o.epochs = m.epochs;
  o.loss = loss;
  return o;
}

train::FinetuneOptions Pipeline::zeroshot_options(const ModelRef& m) const {
  auto o = options_for(m, {});
  o.epochs = o.probe_epochs = 0;
  return o;
}

train::FinetuneInputs Pipeline::ground_truth_inputs(const std::string& task, const data::Split& s,
                                                    const ModelRef& model, int64_t seed) {
  train::FinetuneInputs in;
  in.model_dir = model.path;
  in.multiple_choice = tasks_.task(task).kind == data::TaskKind::multiple_choice;
  in.evals.push_back(eval_set("test", s.test, labels_of(s.test), {}, true));
  in.evals.push_back(eval_set("train2", s.train2, labels_of(s.train2), {}, false));
  if (!s.val.empty()) in.evals.push_back(eval_set("val", s.val, labels_of(s.val), {}, false));
  in.seed = mix_seed(static_cast<uint64_t>(seed), 0x67ULL);
  return in;
}

std::string Pipeline::reuse(const std::string& key, const std::string& what) {
  if (observer_.finished) observer_.finished(key, what, true, read_stage_metrics(store_.path(key)));
  return key;
}

std::string Pipeline::report(const std::string& key, const std::string& what, bool built, const StageMetrics& metrics) {
  // Not built here: another process sharing the runs folder built it while this one waited.
  if (!built) return reuse(key, what);
  if (observer_.finished) observer_.finished(key, what, false, metrics);
  return key;
}

// ---- gt ------------------------------------------------------------------------------------------

nlohmann::json Pipeline::gt_spec(const std::string& task, const ModelRef& model, int64_t seed) {
  auto spec = common_json(task, seed);
  spec["model"] = model_json(model);
  spec["finetune"] = finetune_json(task, options_for(model, {}));  // xent
  return spec;
}

std::string Pipeline::gt_key(const std::string& task, const ModelRef& model, int64_t seed) {
  return store::spec_key(to_string(StageKind::gt), gt_spec(task, model, seed));
}

std::string Pipeline::gt(const std::string& task, const ModelRef& model, int64_t seed) {
  const auto spec = gt_spec(task, model, seed);
  const auto fo = options_for(model, {});
  const std::string key = store::spec_key(to_string(StageKind::gt), spec);
  const std::string what = fmt::format("{} seed {}: {} on ground truth", task, seed, model.name);
  if (store_.has_for_all(key)) return reuse(key, what);
  if (observer_.started) observer_.started(key, what);
  const auto& s = split(task, seed);
  StageMetrics metrics;
  const bool built = store_.produce(key, spec, [&](const fs::path& tmp) {
    auto in = ground_truth_inputs(task, s, model, seed);
    in.train.texts = texts_of(s.train1);
    in.train.completions = completions_of(s.train1);
    in.train.targets = train::soft_targets(train::one_hot(labels_of(s.train1), choices_of(s.train1)));
    in.val_set = s.val.empty() ? "" : "val";
    in.feature_cache = fo.mode == "probe" ? (store_.root() / "features").string() : "";
    auto r = train::finetune_classifier(fo, in, observer_.progress);
    metrics = write_stage_outputs(tmp, s, r, s.train1.size(), nullptr);
    return nlohmann::json{{"kind", to_string(StageKind::gt)},
                          {"task", task},
                          {"model", model.name},
                          {"model_path", model.path},
                          {"model_params", parameter_count(model.path)},
                          {"seed", seed},
                          {"train_loss", r.train_loss},
                          {"compute", compute_json(fo.device, fo.precision)},
                          {"finetune_seconds", r.wall_seconds}};
  });
  return report(key, what, built, metrics);
}

// ---- zeroshot ------------------------------------------------------------------------------------

nlohmann::json Pipeline::zeroshot_spec(const std::string& task, const ModelRef& model, int64_t seed, int64_t shots) {
  auto spec = common_json(task, seed);
  spec["model"] = model_json(model);
  spec["finetune"] = finetune_json(task, zeroshot_options(model));
  if (shots > 0) spec["shots"] = shots;  // zero-shot keys as before
  return spec;
}

std::string Pipeline::zeroshot_key(const std::string& task, const ModelRef& model, int64_t seed, int64_t shots) {
  const auto kind = shots > 0 ? StageKind::fewshot : StageKind::zeroshot;
  return store::spec_key(to_string(kind), zeroshot_spec(task, model, seed, shots));
}

std::string Pipeline::zeroshot(const std::string& task, const ModelRef& model, int64_t seed, int64_t shots) {
  check(shots >= 0, "few-shot: shots must be 0 (zero-shot) or more, not {}", shots);
  const auto kind = shots > 0 ? StageKind::fewshot : StageKind::zeroshot;
  const auto spec = zeroshot_spec(task, model, seed, shots);
  const auto fo = zeroshot_options(model);
  const std::string key = store::spec_key(to_string(kind), spec);
  const std::string what = shots > 0 ? fmt::format("{} seed {}: {} {}-shot", task, seed, model.name, shots)
                                     : fmt::format("{} seed {}: {} zero-shot", task, seed, model.name);
  if (store_.has_for_all(key)) return reuse(key, what);
  if (observer_.started) observer_.started(key, what);
  const auto& s = split(task, seed);
  StageMetrics metrics;
  const bool built = store_.produce(key, spec, [&](const fs::path& tmp) {
    auto in = ground_truth_inputs(task, s, model, seed);
    if (shots > 0) {
      // Demonstrations from train half 1 with ground truth; test and validation only (train half
      // 2's predictions supervise nothing here, and each example costs k demonstrations).
      std::erase_if(in.evals, [](const train::EvalSet& e) { return e.name == "train2"; });
      in.shots = shots;
      in.demonstrations = eval_set("demonstrations", s.train1, labels_of(s.train1), {}, false);
    }
    auto r = train::finetune_classifier(fo, in, observer_.progress);
    metrics = write_stage_outputs(tmp, s, r, 0, nullptr);
    auto meta = nlohmann::json{{"kind", to_string(kind)},
                               {"task", task},
                               {"model", model.name},
                               {"model_path", model.path},
                               {"model_params", parameter_count(model.path)},
                               {"seed", seed},
                               {"readout", r.readout},
                               {"compute", compute_json(fo.device, fo.precision)},
                               {"finetune_seconds", r.wall_seconds}};
    if (shots > 0) meta["shots"] = shots, meta["shots_kept"] = r.shots_kept;
    return meta;
  });
  return report(key, what, built, metrics);
}

// ---- student -------------------------------------------------------------------------------------

nlohmann::json Pipeline::student_spec(const std::string& task, const ModelRef& model, const std::string& labels_key,
                                      const losses::LossOptions& loss, int64_t seed, Method method, TrainSlice slice) {
  auto spec = common_json(task, seed);
  spec["model"] = model_json(model);
  spec["finetune"] = finetune_json(task, options_for(model, loss));
  spec["labels"] = labels_key;
  spec["method"] = to_string(method);
  spec["early_stopping_labels"] = tasks_.options().early_stopping_labels;
  if (!slice.whole()) spec["train_slice"] = {slice.index, slice.count};  // whole: keys as before
  if (slice.complement) spec["train_complement"] = true;
  return spec;
}

std::string Pipeline::student_key(const std::string& task, const ModelRef& model, const std::string& labels_key,
                                  const losses::LossOptions& loss, int64_t seed, Method method, TrainSlice slice) {
  return store::spec_key(to_string(StageKind::student),
                         student_spec(task, model, labels_key, loss, seed, method, slice));
}

std::string Pipeline::student(const std::string& task, const ModelRef& model, const std::string& labels_key,
                              const losses::LossOptions& loss, int64_t seed, Method method, TrainSlice slice) {
  check(store_.has(labels_key), "student of {}: label stage {} is missing in {}", model.name, labels_key,
        store_.root().string());
  check(slice.count >= 1 && slice.index >= 0 && slice.index < slice.count && (!slice.complement || slice.count >= 2),
        "student of {}: train slice {} of {}{} does not exist", model.name, slice.index, slice.count,
        slice.complement ? " (its complement)" : "");
  const auto spec = student_spec(task, model, labels_key, loss, seed, method, slice);
  const auto fo = options_for(model, loss);
  const std::string key = store::spec_key(to_string(StageKind::student), spec);
  const auto labels_meta = store_.meta(labels_key);
  const std::string supervisor = io::naming_file(store_.path(labels_key) / "meta.json", [&] {
    if (labels_meta.value("source", "") == "crossfit")  // cross-fitted labels of a chain's link
      return labels_meta.value("supervisor", "?") + ">" + labels_meta.value("model", "?") + " (cross-fit)";
    return labels_meta.value("kind", "") == to_string(StageKind::student)
               ? labels_meta.value("supervisor", "?") + ">" + labels_meta.value("model", "?")
               : labels_meta.value("model", "?");
  });
  const std::string what =
      fmt::format("{} seed {}: {} ← {} ({}{}{})", task, seed, model.name, supervisor, loss.name,
                  method == Method::finetune ? "" : ", " + to_string(method),
                  slice.whole()      ? ""
                  : slice.complement ? fmt::format(", half 2 but fold {}/{}", slice.index + 1, slice.count)
                                     : fmt::format(", half-2 slice {}/{}", slice.index + 1, slice.count));
  if (store_.has_for_all(key)) return reuse(key, what);
  if (observer_.started) observer_.started(key, what);
  const auto& s = split(task, seed);
  const fs::path lab = store_.path(labels_key);
  const auto weak_train = read_weak_labels(lab / "weak_labels.jsonl");
  check(weak_train.size() == s.train2.size(), "{}: {} weak labels for {} train-half-2 examples",
        (lab / "weak_labels.jsonl").string(), weak_train.size(), s.train2.size());
  eval::Predictions wp;
  for (size_t i = 0; i < weak_train.size(); ++i) {
    check(weak_train[i].id == s.train2[i].id, "{}: row {} is for example {}, expected {}",
          (lab / "weak_labels.jsonl").string(), i + 1, weak_train[i].id, s.train2[i].id);
    const size_t k = s.train2[i].completions.empty() ? 2 : s.train2[i].completions.size();
    check(weak_train[i].soft.size() == k, "{}:{}: {} probabilities for example {} of {} choices",
          (lab / "weak_labels.jsonl").string(), i + 1, weak_train[i].soft.size(), s.train2[i].id, k);
    wp.push_back(weak_train[i].soft);
  }
  const auto weak_test = read_predictions(lab / "test_predictions.jsonl", s.test);
  // The training rows: slice `index` of `count` contiguous, equal parts of train half 2, or every
  // row outside it (a cross-fitting fold).
  const size_t n2 = s.train2.size();
  const auto [lo, hi] = slice_bounds(n2, slice);
  check(hi > lo && (!slice.complement || hi - lo < n2),
        "student of {}: train half 2 has {} examples, too few for {} slices", model.name, n2, slice.count);
  std::vector<size_t> rows;
  for (size_t i = 0; i < n2; ++i)
    if ((i >= lo && i < hi) != slice.complement) rows.push_back(i);
  const auto half2_texts = texts_of(s.train2);
  const auto half2_completions = completions_of(s.train2);
  std::vector<std::string> train_texts;
  std::vector<std::vector<std::string>> train_completions;
  eval::Predictions train_weak;
  for (size_t i : rows) {
    train_texts.push_back(half2_texts[i]);
    if (!half2_completions.empty()) train_completions.push_back(half2_completions[i]);
    train_weak.push_back(wp[i]);
  }
  // The paper's logconf hardens each batch to 50/50: on skewed weak labels it pulls the student
  // toward balanced predictions, away from both the supervisor and the truth.
  if (loss.name == "logconf" && loss.logconf_form == "paper" && loss.logconf_prior == "balanced" &&
      eval::all_binary(train_weak)) {
    const auto labels = hard(train_weak);
    const double rate = std::accumulate(labels.begin(), labels.end(), 0.0) / static_cast<double>(labels.size());
    if (std::abs(rate - 0.5) > 0.1)
      log::warn(
          "{}: weak labels are {:.0f}% positive, but logconf_prior = \"balanced\" hardens each batch "
          "to 50/50; balance the data ([data] balance = true) or use logconf_prior = \"weak\"",
          what, 100 * rate);
  }
  StageMetrics metrics;
  const bool built = store_.produce(key, spec, [&](const fs::path& tmp) {
    train::FinetuneInputs in;
    in.model_dir = model.path;
    in.multiple_choice = tasks_.task(task).kind == data::TaskKind::multiple_choice;
    in.train.texts = train_texts;
    in.train.completions = train_completions;
    in.train.targets = train::soft_targets(train_weak);
    in.evals.push_back(eval_set("test", s.test, labels_of(s.test), weak_test, true));
    in.evals.push_back(eval_set("train2", s.train2, labels_of(s.train2), {}, false));
    if (!s.val.empty()) {
      std::vector<int> val_labels = labels_of(s.val);
      if (tasks_.options().early_stopping_labels == "weak")
        val_labels = hard(read_predictions(lab / "val_predictions.jsonl", s.val));
      in.evals.push_back(eval_set("val", s.val, val_labels, {}, false));
      in.val_set = "val";
    }
    in.seed = mix_seed(static_cast<uint64_t>(seed), 0x73ULL);
    in.feature_cache = fo.mode == "probe" ? (store_.root() / "features").string() : "";
    auto r = train::finetune_classifier(fo, in, observer_.progress);
    metrics = write_stage_outputs(tmp, s, r, train_texts.size(), &weak_test);
    nlohmann::json meta{{"kind", to_string(StageKind::student)},
                        {"task", task},
                        {"model", model.name},
                        {"model_path", model.path},
                        {"model_params", parameter_count(model.path)},
                        {"seed", seed},
                        {"supervisor", supervisor},
                        {"labels", labels_key},
                        {"loss", loss.name},
                        {"method", to_string(method)},
                        {"train_loss", r.train_loss},
                        {"best_step", r.best_step},
                        {"compute", compute_json(fo.device, fo.precision)},
                        {"finetune_seconds", r.wall_seconds}};
    if (!slice.whole()) meta["train_slice"] = {slice.index, slice.count};
    if (slice.complement) meta["train_complement"] = true;
    return meta;
  });
  return report(key, what, built, metrics);
}

// ---- cross-fitted labels -------------------------------------------------------------------------

nlohmann::json Pipeline::crossfit_spec(const std::string& task, const ModelRef& model, const std::string& labels_key,
                                       const losses::LossOptions& loss, int64_t seed, Method method, int64_t folds) {
  check(folds >= 2, "cross-fitting needs at least 2 folds, got {}", folds);
  auto spec = common_json(task, seed);
  nlohmann::json keys = nlohmann::json::array();
  for (int64_t f = 0; f < folds; ++f)
    keys.push_back(student_key(task, model, labels_key, loss, seed, method, TrainSlice{f, folds, true}));
  spec["crossfit"] = std::move(keys);
  return spec;
}

std::string Pipeline::crossfit_key(const std::string& task, const ModelRef& model, const std::string& labels_key,
                                   const losses::LossOptions& loss, int64_t seed, Method method, int64_t folds) {
  return store::spec_key(to_string(StageKind::labels),
                         crossfit_spec(task, model, labels_key, loss, seed, method, folds));
}

std::string Pipeline::crossfit(const std::string& task, const ModelRef& model, const std::string& labels_key,
                               const losses::LossOptions& loss, int64_t seed, Method method, int64_t folds) {
  const auto spec = crossfit_spec(task, model, labels_key, loss, seed, method, folds);
  const std::string key = store::spec_key(to_string(StageKind::labels), spec);
  if (store_.has_for_all(key)) return key;
  std::vector<std::string> fold_keys;
  for (int64_t f = 0; f < folds; ++f)
    fold_keys.push_back(student(task, model, labels_key, loss, seed, method, TrainSlice{f, folds, true}));
  const auto& s = split(task, seed);
  const size_t n2 = s.train2.size();
  std::vector<WeakLabel> merged(n2);
  eval::Predictions test, val;
  for (int64_t f = 0; f < folds; ++f) {
    const fs::path dir = store_.path(fold_keys[f]);
    const auto rows = read_weak_labels(dir / "weak_labels.jsonl");
    check(rows.size() == n2, "{}: {} weak labels for {} train-half-2 examples", (dir / "weak_labels.jsonl").string(),
          rows.size(), n2);
    const auto [lo, hi] = slice_bounds(n2, TrainSlice{f, folds, true});
    for (size_t i = lo; i < hi; ++i) merged[i] = rows[i];  // fold f, labelled by the model that did not see it
    auto add = [](eval::Predictions& sum, const eval::Predictions& p) {
      if (sum.empty()) return void(sum = p);
      for (size_t i = 0; i < p.size(); ++i)
        for (size_t j = 0; j < p[i].size(); ++j) sum[i][j] += p[i][j];
    };
    add(test, read_predictions(dir / "test_predictions.jsonl", s.test));
    if (!s.val.empty()) add(val, read_predictions(dir / "val_predictions.jsonl", s.val));
  }
  for (auto* p : {&test, &val})
    for (auto& row : *p)
      for (double& x : row) x /= static_cast<double>(folds);
  const auto fold_meta = store_.meta(fold_keys[0]);
  store_.produce(key, spec, [&](const fs::path& tmp) {
    write_weak_labels(tmp / "weak_labels.jsonl", merged);
    write_predictions(tmp / "test_predictions.jsonl", s.test, test);
    if (!s.val.empty()) write_predictions(tmp / "val_predictions.jsonl", s.val, val);
    return nlohmann::json{{"kind", to_string(StageKind::labels)},
                          {"task", task},
                          {"model", model.name},
                          {"supervisor", fold_meta.value("supervisor", "?")},
                          {"seed", seed},
                          {"source", "crossfit"},
                          {"folds", fold_keys}};
  });
  return key;
}

// ---- labels from a file --------------------------------------------------------------------------

std::string Pipeline::student_from_file(const std::string& task, const ModelRef& model, const std::string& labels_file,
                                        const losses::LossOptions& loss, int64_t seed) {
  // Import the file as a labels stage of this (task, seed), then train a student on it.
  const auto& s = split(task, seed);
  const auto rows = read_weak_labels(labels_file);
  std::map<std::string, std::vector<double>> by_text;
  for (const auto& r : rows) by_text[r.text] = r.soft;
  std::vector<WeakLabel> matched;
  for (const auto& x : s.train2) {
    auto it = by_text.find(x.text);
    check(it != by_text.end(),
          "{}: no weak label for train-half-2 example {} of {} seed {} (rows are matched by "
          "\"txt\"; label the same split, or use the same data options)",
          labels_file, x.id, task, seed);
    matched.push_back({x.id, x.text, x.label, it->second});
  }
  auto spec = common_json(task, seed);
  spec["labels_file_sha256"] = sha256_file(labels_file);
  const std::string key = store::spec_key(to_string(StageKind::labels), spec);
  store_.produce(key, spec, [&](const fs::path& tmp) {
    write_weak_labels(tmp / "weak_labels.jsonl", matched);
    // The file's labeller made no test predictions: its test "predictions" are the ground truth,
    // so a student's agreement with it is its test accuracy (docs/formats.md).
    write_predictions(tmp / "test_predictions.jsonl", s.test, train::one_hot(labels_of(s.test), choices_of(s.test)));
    return nlohmann::json{{"kind", to_string(StageKind::labels)},
                          {"task", task},
                          {"model", fs::path(labels_file).filename().string()},
                          {"seed", seed},
                          {"source", labels_file}};
  });
  return student(task, model, key, loss, seed, Method::file);
}

// ---- genft ---------------------------------------------------------------------------------------

ModelRef Pipeline::genft(const std::string& task, const ModelRef& model, const GenftOptions& g, int64_t seed,
                         bool run) {
  // A task without a fixed test split: each seed carves its own test set from the pool, so each
  // seed has its own genft model, trained on the pool less that seed's test examples.
  const bool per_seed = tasks_.task(task).test.empty();
  const auto common = common_json(task, 0);  // its data options and digest (no seed: set below)
  nlohmann::json spec = {{"task", task},
                         {"model", model_json(model)},
                         {"genft", options_json(g, GenftOptions::schema())},
                         {"data", common["data"]},
                         {"task_digest", common["task_digest"]}};
  spec["text"] = "train";                               // the train pool's text only, never a fixed test split
  if (g.text == "joined") spec["genft"].erase("text");  // the default keeps the keys it always had
  if (per_seed) spec["held_out_test_of_seed"] = seed;
  const std::string key = store::spec_key(to_string(StageKind::genft), spec);
  const std::string what = per_seed ? fmt::format("{} seed {}: generative finetuning of {}", task, seed, model.name)
                                    : fmt::format("{}: generative finetuning of {}", task, model.name);
  ModelRef out = model;
  out.name = model.name + "+genft";
  out.path = (store_.path(key) / "model").string();
  if (!run || store_.has_for_all(key)) return out;
  if (observer_.started) observer_.started(key, what);
  const bool built = store_.produce(key, spec, [&](const fs::path& tmp) {
    // Unlabeled text of the train pool, never labels and never test examples: classification
    // texts, or each prompt with each of its completions. Without a fixed test split, the test
    // examples this seed's split carved from the pool are left out.
    const auto& t = tasks_.task(task);
    std::unordered_set<std::string> test_ids;
    if (per_seed)
      for (const auto& x : split(task, seed).test) test_ids.insert(x.id);
    std::string text;
    int64_t bytes = 0;
    auto add = [&](const std::string& doc) {
      text += doc + "\n<|endoftext|>\n";
      bytes += static_cast<int64_t>(doc.size());
    };
    for (const auto& x : t.train) {
      if (test_ids.count(x.id)) continue;
      if (x.completions.empty()) {
        add(x.text);
      } else if (g.text == "joined") {
        for (const auto& c : x.completions) add(x.text + c);
      } else {
        if (!x.text.empty()) add(x.text);
        if (g.text == "separate")
          for (const auto& c : x.completions) add(c);
      }
    }
    check(bytes > 0, "{}: genft.text = \"{}\" leaves no text to train on (the task's comparisons have no prompts)",
          task, g.text);
    write_file_atomic(tmp / "task_text.txt", text);
    train::PretrainOptions p;
    p.out = (tmp / "pretrain").string();
    p.init = model.path;
    p.tokenizer = model.path;
    p.corpus = (tmp / "task_text.txt").string();
    p.heldout = p.corpus;
    p.cache_dir = "";
    p.seq_len = std::min<int64_t>(g.seq_len, models::load_config(models::backbone_dir(model.path)).n_ctx);
    p.batch_size = p.micro_batch = g.batch_size;
    p.lr = g.lr;
    p.warmup_steps = 10;
    p.tokens = std::max<int64_t>(p.seq_len * g.batch_size, g.epochs * bytes / 4);  // ≈ 4 bytes per token
    p.eval_every = p.checkpoint_every = 1'000'000;
    p.eval_tokens = 32768;
    p.save_dtype = "float32";
    p.device = finetune_.device;
    p.precision = finetune_.precision;
    const auto r = train::pretrain(p);
    fs::rename(tmp / "pretrain" / "model", tmp / "model");
    fs::remove_all(tmp / "pretrain" / "checkpoint");
    return nlohmann::json{{"kind", to_string(StageKind::genft)},
                          {"task", task},
                          {"model", model.name},
                          {"tokens", r.tokens_seen},
                          {"compute", compute_json(p.device, p.precision)},
                          {"heldout_loss", r.heldout_loss}};
  });
  if (observer_.finished) observer_.finished(key, what, !built, StageMetrics{});  // !built: another process
  return out;
}

}  // namespace w2s::methods
