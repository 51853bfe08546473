// The weak-to-strong stages, each a folder of the run store keyed by everything it depends on:
//   gt       a model finetuned on ground truth (train half 1). As a small model it is the weak
//            supervisor (its train-half-2 predictions are the weak labels); as a large one, the
//            strong ceiling.
//   student  a model finetuned on another stage's train-half-2 predictions (weak labels) with a
//            loss; its own train-half-2 predictions can supervise the next size (bootstrapping).
//   genft    generative finetuning: a model's pretraining continued on the task's unlabeled text
//            (train halves and test inputs, never labels), used in place of the model afterwards.
//   labels   weak labels imported from a file (a student's supervisor).
//   zeroshot a model's readout evaluated without training: the zero-shot baseline (its train-half-2
//            predictions can supervise like a gt stage's).
//   fewshot  the same with k ground-truth demonstrations from train half 1 before each test and
//            validation example (an LM-head readout: likelihood or verbalizer).
// Classification and comparison tasks run alike: a comparison's prompt and completions go to the
// readout ([finetune.readout]; auto = the scalar reward head for comparisons).
// Stage files: methods/stage_files.h; keys: spec_key(kind, spec) over a JSON spec of the task
// (name, content digest, seed, [data]), the model (name, checkpoint identity), the finetuning
// options and the input stages' keys (docs/formats.md).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "w2s/losses/loss.h"
#include "w2s/methods/options.h"
#include "w2s/methods/stage_files.h"
#include "w2s/methods/stage_kind.h"
#include "w2s/methods/task_splits.h"
#include "w2s/store/run_store.h"
#include "w2s/train/finetune.h"

namespace w2s::methods {

/// Notified when a stage starts, progresses and ends (display).
struct PipelineObserver {
  std::function<void(const std::string& key, const std::string& what)> started;
  std::function<void(int64_t step, int64_t total, const std::string& stats)> progress;
  std::function<void(const std::string& key, const std::string& what, bool reused, const StageMetrics&)> finished;
};

class Pipeline {
 public:
  Pipeline(store::RunStore& store, DataOptions data, train::FinetuneOptions finetune, PipelineObserver observer = {});

  /// Non-embedding parameter count of a model (reads the checkpoint once, then cached).
  int64_t parameter_count(const std::string& path);

  /// Ground-truth stage; returns its key (built unless it exists).
  std::string gt(const std::string& task, const ModelRef& model, int64_t seed);
  /// Student on the train-half-2 predictions of stage `labels_key` (a gt, student or labels
  /// stage of the same task and seed); `slice` restricts training to part of train half 2
  /// (bootstrapping with disjoint data).
  std::string student(const std::string& task, const ModelRef& model, const std::string& labels_key,
                      const losses::LossOptions& loss, int64_t seed, Method method, TrainSlice slice = {});
  /// Cross-fitted labels (bootstrapping with out-of-sample labels): `folds` students of `model` on
  /// `labels_key`, student f trained on every fold of train half 2 but fold f; the labels stage it
  /// returns holds, for each example of fold f, student f's prediction (one it made without
  /// training on the example), and as test and validation predictions the folds' mean.
  std::string crossfit(const std::string& task, const ModelRef& model, const std::string& labels_key,
                       const losses::LossOptions& loss, int64_t seed, Method method, int64_t folds);
  /// Student on an external weak-label file (rows matched to train half 2 by text).
  std::string student_from_file(const std::string& task, const ModelRef& model, const std::string& labels_file,
                                const losses::LossOptions& loss, int64_t seed);
  /// Zero-shot stage (shots = 0): the readout's predictions without training; with shots > 0 the
  /// few-shot stage, `shots` demonstrations before each example. Returns its key.
  std::string zeroshot(const std::string& task, const ModelRef& model, int64_t seed, int64_t shots = 0);
  /// Generative finetuning of `model` on `task`'s unlabeled training text; returns the finetuned
  /// model. A task with a fixed test split has one such model for every seed (its train pool);
  /// a task whose test split each seed carves from the pool gets one per seed, on the pool less
  /// that seed's test examples. run = false: only name it (its folder may not exist yet).
  ModelRef genft(const std::string& task, const ModelRef& model, const GenftOptions& options, int64_t seed,
                 bool run = true);

  /// Keys a stage would have, without running it (results collection, planning).
  std::string gt_key(const std::string& task, const ModelRef& model, int64_t seed);
  std::string zeroshot_key(const std::string& task, const ModelRef& model, int64_t seed, int64_t shots = 0);
  std::string student_key(const std::string& task, const ModelRef& model, const std::string& labels_key,
                          const losses::LossOptions& loss, int64_t seed, Method method, TrainSlice slice = {});
  std::string crossfit_key(const std::string& task, const ModelRef& model, const std::string& labels_key,
                           const losses::LossOptions& loss, int64_t seed, Method method, int64_t folds);

  /// The task named by `task` (loaded once).
  const data::Task& task(const std::string& task) { return tasks_.task(task); }
  /// The split of (task, seed) (loaded once).
  const data::Split& split(const std::string& task, int64_t seed) { return tasks_.split(task, seed); }
  store::RunStore& store() { return store_; }

 private:
  nlohmann::json model_json(const ModelRef& m);
  nlohmann::json common_json(const std::string& task, int64_t seed);
  train::FinetuneOptions options_for(const ModelRef& m, const losses::LossOptions& loss) const;
  /// Options of a zero-shot stage: those of its gt stage with no training.
  train::FinetuneOptions zeroshot_options(const ModelRef& m) const;
  /// What gt and zero-shot stages evaluate: the model, and the test, train-half-2 and (if any)
  /// validation sets of split `s` with their ground truth.
  train::FinetuneInputs ground_truth_inputs(const std::string& task, const data::Split& s, const ModelRef& model,
                                            int64_t seed);
  /// The finetuning options of a stage's key: the readout resolved and cut to the fields it
  /// uses, and left out when it is the classification default (keys made before readouts existed
  /// stay valid).
  nlohmann::json finetune_json(const std::string& task, const train::FinetuneOptions& o);
  nlohmann::json gt_spec(const std::string& task, const ModelRef& model, int64_t seed);
  nlohmann::json zeroshot_spec(const std::string& task, const ModelRef& model, int64_t seed, int64_t shots);
  nlohmann::json crossfit_spec(const std::string& task, const ModelRef& model, const std::string& labels_key,
                               const losses::LossOptions& loss, int64_t seed, Method method, int64_t folds);
  nlohmann::json student_spec(const std::string& task, const ModelRef& model, const std::string& labels_key,
                              const losses::LossOptions& loss, int64_t seed, Method method, TrainSlice slice);
  /// Report a stage that exists (reused) and return its key.
  std::string reuse(const std::string& key, const std::string& what);
  /// Report a stage that produce() returned for: built here (with the metrics it measured), or by
  /// another process meanwhile (reused, metrics read back). Returns its key.
  std::string report(const std::string& key, const std::string& what, bool built, const StageMetrics& metrics);

  store::RunStore& store_;
  TaskSplits tasks_;
  train::FinetuneOptions finetune_;
  PipelineObserver observer_;
  std::map<std::string, int64_t> params_;
  std::map<std::string, std::string> model_ids_;
};

}  // namespace w2s::methods
