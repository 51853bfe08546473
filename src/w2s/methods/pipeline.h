// The weak-to-strong stages, each an artifact of the run store:
//   gt       a model finetuned on ground truth (train half 1). As a small model it is the weak
//            supervisor (its train-half-2 predictions are the weak labels); as a large one, the
//            strong ceiling.
//   student  a model finetuned on another stage's train-half-2 predictions (weak labels) with a
//            loss; its own train-half-2 predictions can supervise the next size (bootstrapping).
//   genft    generative finetuning: a model's pretraining continued on the task's unlabeled text
//            (train halves and test inputs, never labels), used in place of the model afterwards.
// Artifacts hold metrics.json, test_predictions.jsonl, val_predictions.jsonl, weak_labels.jsonl
// (train half 2, openai/weak-to-strong field names) and dynamics.jsonl.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "w2s/config/schema.h"
#include "w2s/data/example.h"
#include "w2s/data/split.h"
#include "w2s/methods/losses/loss.h"
#include "w2s/sweep/run_store.h"
#include "w2s/train/classifier.h"

namespace w2s::methods {

/// A model under study.
struct ModelRef {
  std::string name;     // display name, e.g. "w2s-xs"
  std::string path;     // HF checkpoint folder
  double lr = 0.0;      // finetuning learning rate for this model (0 = finetune.lr)
  int64_t params = 0;   // non-embedding parameters (filled by Pipeline::describe)
};

/// How each (task, seed) is split.
struct DataOptions {
  std::string data_root;          // built-in task folder ("" = W2S_DATA or ./data)
  int64_t n_train1 = 1000;        // train half 1 (ground truth): weak models and ceilings
  int64_t n_train2 = 1000;        // train half 2: weak labels, students
  int64_t n_test = 1000;          // test examples (-1 = all)
  double val_fraction = 0.0;      // share of half 2 kept aside for early stopping
  bool balance = false;           // downsample each part to 50/50
  std::string early_stopping_labels = "weak";  // weak (supervisor's predictions) | oracle (ground
                                               // truth: an analysis option, not the method)
  static const config::Schema<DataOptions>& schema();
};

/// Which part of train half 2 a student trains on: slice `index` of `count` contiguous, equal
/// slices (the default, 0 of 1, is all of it). Its predictions (weak_labels.jsonl) still cover all
/// of train half 2, so the next link of a bootstrapping chain can train on a slice this one never saw.
struct TrainSlice {
  int64_t index = 0;  // 0-based
  int64_t count = 1;  // slices of train half 2
  bool whole() const { return count == 1; }
};

/// Generative finetuning (paper §4.3.2).
struct GenftOptions {
  int64_t epochs = 2;             // passes over the task text
  double lr = 3e-4;               // peak learning rate
  int64_t seq_len = 128;          // tokens per sequence
  int64_t batch_size = 16;        // sequences per step
  static const config::Schema<GenftOptions>& schema();
};

/// What a finished stage reports (also written as metrics.json).
struct StageMetrics {
  double test_accuracy = 0.0, test_auroc = 0.0, test_ece = 0.0;
  double agreement = 0.0;                 // student: with the supervisor on test (NaN for gt)
  double agree_when_weak_right = 0.0, agree_when_weak_wrong = 0.0;
  int64_t n_weak_right = 0, n_weak_wrong = 0;
  int64_t n_train = 0, n_test = 0, steps = 0;
};

/// Notified when a stage starts, progresses and ends (display).
struct PipelineObserver {
  std::function<void(const std::string& key, const std::string& what)> started;
  std::function<void(int64_t step, int64_t total, const std::string& stats)> progress;
  std::function<void(const std::string& key, const std::string& what, bool reused, const StageMetrics&)> finished;
};

class Pipeline {
 public:
  Pipeline(sweep::RunStore& store, DataOptions data, train::FinetuneOptions finetune,
           PipelineObserver observer = {});

  /// Non-embedding parameter count of a model (reads the checkpoint once, then cached).
  int64_t parameter_count(const std::string& path);

  /// Ground-truth stage; returns its key (built unless it exists).
  std::string gt(const std::string& task, const ModelRef& model, int64_t seed);
  /// Student on the train-half-2 predictions of artifact `labels_key` (a gt or student stage of
  /// the same task and seed). `method` tags the result ("finetune", "bootstrap", ...); `slice`
  /// restricts training to part of train half 2 (bootstrapping with disjoint data).
  std::string student(const std::string& task, const ModelRef& model, const std::string& labels_key,
                      const LossOptions& loss, int64_t seed, const std::string& method,
                      TrainSlice slice = {});
  /// Student on an external weak-label file (rows matched to train half 2 by text; the file may
  /// also be any labelled set: then it is the whole training set).
  std::string student_from_file(const std::string& task, const ModelRef& model,
                                const std::string& labels_file, const LossOptions& loss, int64_t seed);
  /// Generative finetuning of `model` on `task`'s unlabeled text; returns the finetuned model.
  /// run = false: only name it (its folder may not exist yet).
  ModelRef genft(const std::string& task, const ModelRef& model, const GenftOptions& options,
                 bool run = true);

  /// Keys a stage would have, without running it (results collection, planning).
  std::string gt_key(const std::string& task, const ModelRef& model, int64_t seed);
  std::string student_key(const std::string& task, const ModelRef& model, const std::string& labels_key,
                          const LossOptions& loss, int64_t seed, const std::string& method,
                          TrainSlice slice = {});

  /// The split of (task, seed) (loaded once).
  const data::Split& split(const std::string& task, int64_t seed);
  sweep::RunStore& store() { return store_; }

 private:
  nlohmann::json model_json(const ModelRef& m);
  nlohmann::json common_json(const std::string& task, int64_t seed);
  train::FinetuneOptions options_for(const ModelRef& m) const;
  nlohmann::json gt_spec(const std::string& task, const ModelRef& model, int64_t seed);
  nlohmann::json student_spec(const std::string& task, const ModelRef& model, const std::string& labels_key,
                              const LossOptions& loss, int64_t seed, const std::string& method, TrainSlice slice);

  sweep::RunStore& store_;
  DataOptions data_;
  train::FinetuneOptions finetune_;
  PipelineObserver observer_;
  std::map<std::string, data::Task> tasks_;
  std::map<std::string, std::string> task_digests_;  // content hash of each loaded task
  std::map<std::pair<std::string, int64_t>, data::Split> splits_;
  std::map<std::string, int64_t> params_;
  std::map<std::string, std::string> model_ids_;
};

/// Read a stage's metrics.json.
StageMetrics read_stage_metrics(const std::filesystem::path& artifact);
nlohmann::json to_json(const StageMetrics& m);

}  // namespace w2s::methods
