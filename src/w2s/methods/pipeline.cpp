// Weak-to-strong stages (gt, student, genft) as run-store artifacts.
#include "w2s/methods/pipeline.h"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>

#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/core/log.h"
#include "w2s/data/jsonl.h"
#include "w2s/data/registry.h"
#include "w2s/data/rng.h"
#include "w2s/data/sha256.h"
#include "w2s/eval/metrics.h"
#include "w2s/methods/weak_labels.h"
#include "w2s/models/checkpoint.h"
#include "w2s/models/config.h"
#include "w2s/train/pretrain.h"

namespace fs = std::filesystem;

namespace w2s::methods {

const config::Schema<DataOptions>& DataOptions::schema() {
  using O = DataOptions;
  static const auto s = config::Schema<O>()
      .field("data_root", &O::data_root, "built-in task folder (empty = W2S_DATA or ./data)")
      .field("n_train1", &O::n_train1, "train half 1 size (ground truth; -1 = all)")
      .field("n_train2", &O::n_train2, "train half 2 size (weak labels; -1 = all)")
      .field("n_test", &O::n_test, "test examples (-1 = all)")
      .field("val_fraction", &O::val_fraction, "share of half 2 kept for early stopping")
      .field("balance", &O::balance, "downsample each part to 50/50")
      .field("early_stopping_labels", &O::early_stopping_labels,
             "labels of the validation slice for students", {"weak", "oracle"});
  return s;
}

const config::Schema<GenftOptions>& GenftOptions::schema() {
  using O = GenftOptions;
  static const auto s = config::Schema<O>()
      .field("epochs", &O::epochs, "passes over the task text")
      .field("lr", &O::lr, "peak learning rate")
      .field("seq_len", &O::seq_len, "tokens per sequence")
      .field("batch_size", &O::batch_size, "sequences per step");
  return s;
}

nlohmann::json to_json(const StageMetrics& m) {
  auto num = [](double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); };
  return {{"test_accuracy", num(m.test_accuracy)}, {"test_auroc", num(m.test_auroc)},
          {"test_ece", num(m.test_ece)}, {"agreement", num(m.agreement)},
          {"agree_when_weak_right", num(m.agree_when_weak_right)},
          {"agree_when_weak_wrong", num(m.agree_when_weak_wrong)},
          {"n_weak_right", m.n_weak_right}, {"n_weak_wrong", m.n_weak_wrong},
          {"n_train", m.n_train}, {"n_test", m.n_test}, {"steps", m.steps}};
}

StageMetrics read_stage_metrics(const fs::path& artifact) {
  const fs::path p = artifact / "metrics.json";
  const auto j = nlohmann::json::parse(read_file(p));
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
}

namespace {

/// An option struct as a JSON object (nested by dotted keys): part of a stage's identity.
template <class T>
nlohmann::json options_json(const T& obj, const config::Schema<T>& schema) {
  return nlohmann::json::parse(config::to_json(config::flatten(obj, schema)));
}

struct Predictions {
  std::vector<std::string> ids;
  std::vector<double> p1;
};

void write_predictions(const fs::path& path, const std::vector<data::Example>& xs, const std::vector<double>& p1) {
  std::vector<nlohmann::json> rows;
  for (size_t i = 0; i < xs.size(); ++i) rows.push_back({{"id", xs[i].id}, {"gt_label", xs[i].label}, {"p1", p1[i]}});
  data::write_jsonl(path, rows);
}

/// p1 of a predictions file, checked against the ids of `xs` (same task and seed).
std::vector<double> read_predictions(const fs::path& path, const std::vector<data::Example>& xs) {
  std::vector<double> p1;
  data::JsonlReadOptions ro;
  ro.allow_empty = xs.empty();
  data::for_each_jsonl(path, [&](const nlohmann::json& row, size_t line) {
    const size_t i = p1.size();
    check(i < xs.size() && row.at("id").get<std::string>() == xs[i].id,
          "{}:{}: prediction for a different example than the split's (was the artifact copied from another task/seed?)",
          path.string(), line);
    p1.push_back(row.at("p1").get<double>());
  }, ro);
  check(p1.size() == xs.size(), "{}: {} predictions for {} examples", path.string(), p1.size(), xs.size());
  return p1;
}

std::vector<std::string> texts_of(const std::vector<data::Example>& xs) {
  std::vector<std::string> t;
  for (const auto& x : xs) t.push_back(x.text);
  return t;
}
std::vector<int> labels_of(const std::vector<data::Example>& xs) {
  std::vector<int> t;
  for (const auto& x : xs) t.push_back(x.label);
  return t;
}
std::vector<int> hard(const std::vector<double>& p1) {
  std::vector<int> t;
  for (double p : p1) t.push_back(p > 0.5 ? 1 : 0);
  return t;
}

torch::Tensor soft_targets(const std::vector<double>& p1) {
  auto t = torch::empty({static_cast<int64_t>(p1.size()), 2});  // (N, 2)
  auto a = t.accessor<float, 2>();
  for (size_t i = 0; i < p1.size(); ++i) {
    a[static_cast<int64_t>(i)][0] = static_cast<float>(1.0 - p1[i]);
    a[static_cast<int64_t>(i)][1] = static_cast<float>(p1[i]);
  }
  return t;
}

void write_dynamics(const fs::path& path, const std::vector<train::DynamicsRow>& rows) {
  std::vector<nlohmann::json> out;
  for (const auto& r : rows) {
    nlohmann::json j = {{"step", r.step}};
    for (const auto& [k, v] : r.accuracy) j["accuracy"][k] = v;
    for (const auto& [k, v] : r.agreement) j["agreement"][k] = v;
    out.push_back(std::move(j));
  }
  data::write_jsonl(path, out);
}

/// Metrics of a finished finetune (agreement with `weak_test` when given) and the artifact files:
/// test/val predictions, its predictions on train half 2 as weak labels, dynamics, metrics.json.
StageMetrics write_stage_outputs(const fs::path& dir, const data::Split& s, const train::FinetuneResult& r,
                                 size_t n_train, const std::vector<double>* weak_test) {
  StageMetrics m;
  const auto& pt = r.p1.at("test");
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
  if (!s.val.empty()) write_predictions(dir / "val_predictions.jsonl", s.val, r.p1.at("val"));
  std::vector<WeakLabel> wl;
  const auto& p2 = r.p1.at("train2");
  for (size_t i = 0; i < s.train2.size(); ++i) wl.push_back({s.train2[i].id, s.train2[i].text, s.train2[i].label, p2[i]});
  write_weak_labels(dir / "weak_labels.jsonl", wl);
  write_dynamics(dir / "dynamics.jsonl", r.dynamics);
  write_file_atomic(dir / "metrics.json", to_json(m).dump(2) + "\n");
  return m;
}

}  // namespace

Pipeline::Pipeline(sweep::RunStore& store, DataOptions data, train::FinetuneOptions finetune,
                   PipelineObserver observer)
    : store_(store), data_(std::move(data)), finetune_(std::move(finetune)), observer_(std::move(observer)) {}

int64_t Pipeline::parameter_count(const std::string& path) {
  auto it = params_.find(path);
  if (it != params_.end()) return it->second;
  auto model = train::load_backbone(path, 0, torch::kCPU);
  return params_[path] = model->count_parameters().non_embedding;
}

nlohmann::json Pipeline::model_json(const ModelRef& m) {
  // Identity of a checkpoint: its config and weight files' sizes and digests of their headers.
  auto it = model_ids_.find(m.path);
  if (it == model_ids_.end()) {
    const fs::path dir = train::backbone_dir(m.path);
    check(fs::is_directory(dir), "model folder '{}' not found", dir.string());
    std::string id = read_file(dir / "config.json");
    if (dir.string() != m.path) id += "|from scratch";
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().extension() == ".safetensors") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      std::string head(4096, '\0');
      in.read(head.data(), static_cast<std::streamsize>(head.size()));
      head.resize(static_cast<size_t>(in.gcount()));
      id += fmt::format("|{}:{}:{}", f.filename().string(), fs::file_size(f), data::sha256_hex(head));
    }
    it = model_ids_.emplace(m.path, data::sha256_hex(id).substr(0, 16)).first;
  }
  return {{"name", m.name}, {"id", it->second}};
}

nlohmann::json Pipeline::common_json(const std::string& task, int64_t seed) {
  split(task, seed);  // loads the task and its digest (part of the identity)
  return {{"task", task}, {"task_digest", task_digests_.at(task)}, {"seed", seed},
          {"data", {{"n_train1", data_.n_train1}, {"n_train2", data_.n_train2}, {"n_test", data_.n_test},
                    {"val_fraction", data_.val_fraction}, {"balance", data_.balance}}}};
}

train::FinetuneOptions Pipeline::options_for(const ModelRef& m) const {
  auto o = finetune_;
  if (m.lr > 0) o.lr = m.lr;
  o.loss = LossOptions{};  // ground truth trains with xent; students set their loss
  return o;
}

const data::Split& Pipeline::split(const std::string& task, int64_t seed) {
  auto key = std::make_pair(task, seed);
  auto it = splits_.find(key);
  if (it != splits_.end()) return it->second;
  if (!tasks_.count(task)) {
    data::LoadTaskOptions lo;
    lo.data_root = data::resolve_data_root(data_.data_root);
    const auto& t = tasks_[task] = data::load_task(task, lo);
    uint64_t h = 0;
    for (const auto* part : {&t.train, &t.test})
      for (const auto& x : *part) h = data::mix_seed(h, data::hash_bytes(x.id + '\x1f' + x.text + '\x1f' + char('0' + x.label)));
    task_digests_[task] = fmt::format("{:016x}", h);
  }
  data::SplitOptions so;
  so.seed = static_cast<uint64_t>(seed);
  so.n_train1 = data_.n_train1;
  so.n_train2 = data_.n_train2;
  so.n_test = data_.n_test;
  so.val_fraction = data_.val_fraction;
  so.balance = data_.balance;
  auto s = data::make_split(tasks_[task], so);
  log::debug("{} seed {}: {}", task, seed, s.report.summary());
  return splits_.emplace(key, std::move(s)).first->second;
}

nlohmann::json Pipeline::gt_spec(const std::string& task, const ModelRef& model, int64_t seed) {
  auto spec = common_json(task, seed);
  spec["model"] = model_json(model);
  spec["finetune"] = options_json(options_for(model), train::FinetuneOptions::schema());
  return spec;
}

std::string Pipeline::gt_key(const std::string& task, const ModelRef& model, int64_t seed) {
  return sweep::spec_key("gt", gt_spec(task, model, seed));
}

std::string Pipeline::gt(const std::string& task, const ModelRef& model, int64_t seed) {
  const auto spec = gt_spec(task, model, seed);
  const auto fo = options_for(model);
  const std::string key = sweep::spec_key("gt", spec);
  const std::string what = fmt::format("{} seed {}: {} on ground truth", task, seed, model.name);
  if (store_.has(key)) {
    if (observer_.finished) observer_.finished(key, what, true, read_stage_metrics(store_.path(key)));
    return key;
  }
  if (observer_.started) observer_.started(key, what);
  const auto& s = split(task, seed);
  StageMetrics metrics;
  store_.produce(key, spec, [&](const fs::path& tmp) {
    train::FinetuneInputs in;
    in.model_dir = model.path;
    in.train.texts = texts_of(s.train1);
    std::vector<double> gt1;
    for (const auto& x : s.train1) gt1.push_back(x.label);
    in.train.targets = soft_targets(gt1);
    in.evals.push_back({"test", texts_of(s.test), labels_of(s.test), {}, true});
    in.evals.push_back({"train2", texts_of(s.train2), labels_of(s.train2), {}, false});
    if (!s.val.empty()) in.evals.push_back({"val", texts_of(s.val), labels_of(s.val), {}, false});
    in.val_set = s.val.empty() ? "" : "val";
    in.seed = data::mix_seed(static_cast<uint64_t>(seed), 0x67ULL);
    in.feature_cache = fo.mode == "probe" ? (store_.root() / "features").string() : "";
    auto r = train::finetune_classifier(fo, in, observer_.progress);
    metrics = write_stage_outputs(tmp, s, r, s.train1.size(), nullptr);
    return nlohmann::json{{"kind", "gt"}, {"task", task}, {"model", model.name}, {"model_path", model.path},
                          {"model_params", parameter_count(model.path)}, {"seed", seed},
                          {"train_loss", r.train_loss}, {"finetune_seconds", r.wall_seconds}};
  });
  if (observer_.finished) observer_.finished(key, what, false, metrics);
  return key;
}

nlohmann::json Pipeline::student_spec(const std::string& task, const ModelRef& model, const std::string& labels_key,
                                      const LossOptions& loss, int64_t seed, const std::string& method,
                                      TrainSlice slice) {
  auto spec = common_json(task, seed);
  spec["model"] = model_json(model);
  auto fo = options_for(model);
  fo.loss = loss;
  spec["finetune"] = options_json(fo, train::FinetuneOptions::schema());
  spec["labels"] = labels_key;
  spec["method"] = method;
  spec["early_stopping_labels"] = data_.early_stopping_labels;
  if (!slice.whole()) spec["train_slice"] = {slice.index, slice.count};  // whole: keys as before
  return spec;
}

std::string Pipeline::student_key(const std::string& task, const ModelRef& model, const std::string& labels_key,
                                  const LossOptions& loss, int64_t seed, const std::string& method,
                                  TrainSlice slice) {
  return sweep::spec_key("student", student_spec(task, model, labels_key, loss, seed, method, slice));
}

std::string Pipeline::student(const std::string& task, const ModelRef& model, const std::string& labels_key,
                              const LossOptions& loss, int64_t seed, const std::string& method,
                              TrainSlice slice) {
  check(store_.has(labels_key), "student of {}: label artifact {} is missing in {}", model.name, labels_key,
        store_.root().string());
  check(slice.count >= 1 && slice.index >= 0 && slice.index < slice.count,
        "student of {}: train slice {} of {} does not exist", model.name, slice.index, slice.count);
  const auto spec = student_spec(task, model, labels_key, loss, seed, method, slice);
  auto fo = options_for(model);
  fo.loss = loss;
  const std::string key = sweep::spec_key("student", spec);
  const auto labels_meta = store_.meta(labels_key);
  const std::string supervisor = labels_meta.value("kind", "") == "student"
                                     ? labels_meta.value("supervisor", "?") + ">" + labels_meta.value("model", "?")
                                     : labels_meta.value("model", "?");
  const std::string what = fmt::format(
      "{} seed {}: {} ← {} ({}{}{})", task, seed, model.name, supervisor, loss.name,
      method == "finetune" ? "" : ", " + method,
      slice.whole() ? "" : fmt::format(", half-2 slice {}/{}", slice.index + 1, slice.count));
  if (store_.has(key)) {
    if (observer_.finished) observer_.finished(key, what, true, read_stage_metrics(store_.path(key)));
    return key;
  }
  if (observer_.started) observer_.started(key, what);
  const auto& s = split(task, seed);
  const fs::path lab = store_.path(labels_key);
  const auto weak_train = read_weak_labels(lab / "weak_labels.jsonl");
  check(weak_train.size() == s.train2.size(), "{}: {} weak labels for {} train-half-2 examples",
        (lab / "weak_labels.jsonl").string(), weak_train.size(), s.train2.size());
  std::vector<double> wp;
  for (size_t i = 0; i < weak_train.size(); ++i) {
    check(weak_train[i].id == s.train2[i].id, "{}: row {} is for example {}, expected {}",
          (lab / "weak_labels.jsonl").string(), i + 1, weak_train[i].id, s.train2[i].id);
    wp.push_back(weak_train[i].p1);
  }
  const auto weak_test = read_predictions(lab / "test_predictions.jsonl", s.test);
  // The training rows: slice `index` of `count` contiguous, equal parts of train half 2.
  const size_t n2 = s.train2.size();
  const size_t lo = n2 * static_cast<size_t>(slice.index) / static_cast<size_t>(slice.count);
  const size_t hi = n2 * static_cast<size_t>(slice.index + 1) / static_cast<size_t>(slice.count);
  check(hi > lo, "student of {}: train half 2 has {} examples, too few for {} slices", model.name, n2, slice.count);
  const auto half2_texts = texts_of(s.train2);
  const std::vector<std::string> train_texts(half2_texts.begin() + lo, half2_texts.begin() + hi);
  const std::vector<double> train_p1(wp.begin() + lo, wp.begin() + hi);
  // The paper's logconf hardens each batch to 50/50: on skewed weak labels it pulls the student
  // toward balanced predictions, away from both the supervisor and the truth.
  if (loss.name == "logconf" && loss.logconf_form == "paper") {
    const auto labels = hard(train_p1);
    const double rate = std::accumulate(labels.begin(), labels.end(), 0.0) / static_cast<double>(labels.size());
    if (std::abs(rate - 0.5) > 0.1)
      log::warn("{}: weak labels are {:.0f}% positive, but logconf's paper form hardens each batch to "
                "50/50; balance the data ([data] balance = true) or use logconf_form = \"reference\"",
                what, 100 * rate);
  }
  StageMetrics metrics;
  store_.produce(key, spec, [&](const fs::path& tmp) {
    train::FinetuneInputs in;
    in.model_dir = model.path;
    in.train.texts = train_texts;
    in.train.targets = soft_targets(train_p1);
    in.evals.push_back({"test", texts_of(s.test), labels_of(s.test), weak_test, true});
    in.evals.push_back({"train2", half2_texts, labels_of(s.train2), {}, false});
    if (!s.val.empty()) {
      std::vector<int> val_labels = labels_of(s.val);
      if (data_.early_stopping_labels == "weak") val_labels = hard(read_predictions(lab / "val_predictions.jsonl", s.val));
      in.evals.push_back({"val", texts_of(s.val), val_labels, {}, false});
      in.val_set = "val";
    }
    in.seed = data::mix_seed(static_cast<uint64_t>(seed), 0x73ULL);
    in.feature_cache = fo.mode == "probe" ? (store_.root() / "features").string() : "";
    auto r = train::finetune_classifier(fo, in, observer_.progress);
    metrics = write_stage_outputs(tmp, s, r, train_texts.size(), &weak_test);
    nlohmann::json meta{{"kind", "student"}, {"task", task}, {"model", model.name}, {"model_path", model.path},
                        {"model_params", parameter_count(model.path)}, {"seed", seed},
                        {"supervisor", supervisor}, {"labels", labels_key}, {"loss", loss.name},
                        {"method", method}, {"train_loss", r.train_loss}, {"best_step", r.best_step},
                        {"finetune_seconds", r.wall_seconds}};
    if (!slice.whole()) meta["train_slice"] = {slice.index, slice.count};
    return meta;
  });
  if (observer_.finished) observer_.finished(key, what, false, metrics);
  return key;
}

std::string Pipeline::student_from_file(const std::string& task, const ModelRef& model,
                                        const std::string& labels_file, const LossOptions& loss, int64_t seed) {
  // Import the file as a label artifact of this (task, seed), then train a student on it.
  const auto& s = split(task, seed);
  const auto rows = read_weak_labels(labels_file);
  std::map<std::string, double> by_text;
  for (const auto& r : rows) by_text[r.text] = r.p1;
  std::vector<WeakLabel> matched;
  for (const auto& x : s.train2) {
    auto it = by_text.find(x.text);
    check(it != by_text.end(), "{}: no weak label for train-half-2 example {} of {} seed {} (rows are matched by "
          "\"txt\"; label the same split, or use the same data options)", labels_file, x.id, task, seed);
    matched.push_back({x.id, x.text, x.label, it->second});
  }
  auto spec = common_json(task, seed);
  spec["labels_file_sha256"] = data::sha256_file(labels_file);
  const std::string key = sweep::spec_key("labels", spec);
  store_.produce(key, spec, [&](const fs::path& tmp) {
    write_weak_labels(tmp / "weak_labels.jsonl", matched);
    // No test predictions from the file's labeller: agreement is measured against ground truth's
    // complement-free baseline, so write the student-free placeholder of p1 = gt (documented).
    std::vector<double> pt;
    for (const auto& x : s.test) pt.push_back(x.label);
    write_predictions(tmp / "test_predictions.jsonl", s.test, pt);
    return nlohmann::json{{"kind", "labels"}, {"task", task}, {"model", fs::path(labels_file).filename().string()},
                          {"seed", seed}, {"source", labels_file}};
  });
  return student(task, model, key, loss, seed, "file");
}

ModelRef Pipeline::genft(const std::string& task, const ModelRef& model, const GenftOptions& g, bool run) {
  const auto common = common_json(task, 0);
  nlohmann::json spec = {{"task", task}, {"model", model_json(model)},
                         {"genft", options_json(g, GenftOptions::schema())},
                         {"data", common["data"]}, {"task_digest", common["task_digest"]}};
  const std::string key = sweep::spec_key("genft", spec);
  const std::string what = fmt::format("{}: generative finetuning of {}", task, model.name);
  ModelRef out = model;
  out.name = model.name + "+genft";
  out.path = (store_.path(key) / "model").string();
  if (store_.has(key) || !run) return out;
  if (observer_.started) observer_.started(key, what);
  store_.produce(key, spec, [&](const fs::path& tmp) {
    // Unlabeled task text: every train example (both halves) and the test inputs, never labels.
    const auto& t = tasks_.at(task);
    std::string text;
    int64_t bytes = 0;
    for (const auto* part : {&t.train, &t.test})
      for (const auto& x : *part) {
        text += x.text + "\n<|endoftext|>\n";
        bytes += static_cast<int64_t>(x.text.size());
      }
    write_file_atomic(tmp / "task_text.txt", text);
    train::PretrainOptions p;
    p.out = (tmp / "pretrain").string();
    p.init = model.path;
    p.tokenizer = model.path;
    p.corpus = (tmp / "task_text.txt").string();
    p.heldout = p.corpus;
    p.cache_dir = "";
    p.seq_len = std::min<int64_t>(g.seq_len, models::load_config(train::backbone_dir(model.path)).n_ctx);
    p.batch_size = p.micro_batch = g.batch_size;
    p.lr = g.lr;
    p.warmup_steps = 10;
    p.tokens = std::max<int64_t>(p.seq_len * g.batch_size, g.epochs * bytes / 4);  // ≈ 4 bytes per token
    p.eval_every = p.checkpoint_every = 1'000'000;
    p.eval_tokens = 32768;
    p.save_dtype = "float32";
    const auto r = train::pretrain(p);
    fs::rename(tmp / "pretrain" / "model", tmp / "model");
    fs::remove_all(tmp / "pretrain" / "checkpoint");
    return nlohmann::json{{"kind", "genft"}, {"task", task}, {"model", model.name}, {"tokens", r.tokens_seen},
                          {"heldout_loss", r.heldout_loss}};
  });
  if (observer_.finished) observer_.finished(key, what, false, StageMetrics{});
  return out;
}

}  // namespace w2s::methods
