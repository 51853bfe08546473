// What the weak-to-strong stages are run with: the models under study, how each (task, seed) is
// split, which part of train half 2 a student sees, and generative finetuning.
#pragma once

#include <cstdint>
#include <string>

#include "w2s/config/schema.h"
#include "w2s/data/split.h"

namespace w2s::methods {

/// A model under study.
struct ModelRef {
  std::string name;             // display name, e.g. "w2s-xs"
  std::string path;             // model spec: HF checkpoint folder, or "scratch:DIR"
  double lr = 0.0;              // finetuning learning rate for this model (0 = finetune.lr)
  int64_t epochs = 0;           // finetuning epochs for this model (0 = finetune.epochs)
  int64_t params = 0;           // non-embedding parameters (filled by Pipeline::parameter_count)
  std::string finetune_from{};  // where lr and epochs come from (display): "" = [finetune]
};

/// How each (task, seed) is split: the [data] table. The split options' seed is the run's seed;
/// the keys below are the ones a config may set.
struct DataOptions {
  std::string data_root;                       // built-in task folder ("" = W2S_DATA or ./data)
  data::SplitOptions split{.n_train1 = 1000,   // train half 1 (ground truth): weak models, ceilings
                           .n_train2 = 1000,   // train half 2: weak labels, students
                           .n_test = 1000};    // test examples (-1 = all); also val_fraction
                                               // (share of half 2 kept for early stopping) and
                                               // balance (downsample each part to 50/50)
  std::string early_stopping_labels = "weak";  // weak (supervisor's predictions) | oracle (ground
                                               // truth: an analysis option, not the method)
  static const config::Schema<DataOptions>& schema();
};

/// Which part of train half 2 a student trains on: slice `index` of `count` contiguous, equal
/// slices (the default, 0 of 1, is all of it), or with `complement` every slice but that one (a
/// cross-fitting fold). Its predictions (weak_labels.jsonl) still cover all of train half 2, so the
/// next link of a bootstrapping chain can train on examples this one never saw.
struct TrainSlice {
  int64_t index = 0;        // 0-based
  int64_t count = 1;        // slices of train half 2
  bool complement = false;  // train on every slice but `index` (count >= 2)
  bool whole() const { return count == 1; }
};

/// Generative finetuning (paper §4.3.2).
struct GenftOptions {
  int64_t epochs = 2;           // passes over the task text
  double lr = 3e-4;             // peak learning rate
  int64_t seq_len = 128;        // tokens per sequence
  int64_t batch_size = 16;      // sequences per step
  std::string text = "joined";  // comparisons: "joined" = each prompt with each completion,
                                // "separate" = prompts and completions as their own documents,
                                // "prompts" = prompts only (classification texts are always whole)
  static const config::Schema<GenftOptions>& schema();
};

}  // namespace w2s::methods
