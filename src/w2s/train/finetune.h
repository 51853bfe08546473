// Finetuning on (soft) labels: a pretrained transformer read out as class logits — a linear head
// at the last real token (the default for classification), a scalar reward or the LM's own
// likelihood of each completion (comparisons), or label words scored by the LM head (verbalizer;
// train/model_readout.h) — trained by the one Trainer on a SoftLabelObjective. Full finetuning,
// LoRA, or a linear probe on frozen features (head readout only). epochs = 0 trains nothing: the
// readout's zero-shot predictions. Any loss of losses/; evaluation every N steps (training
// dynamics); early stopping on a validation slice whose labels the caller chooses (the weak
// model's, by default, so no ground truth leaks into a student's training).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "w2s/config/schema.h"
#include "w2s/losses/loss.h"
#include "w2s/train/evaluator.h"
#include "w2s/train/soft_label_objective.h"

namespace w2s::train {

/// How a model's examples become logits: the [finetune.readout] table.
struct ReadoutOptions {
  std::string name = "auto";                            // auto (head for classification texts, scalar for
                                                        // comparisons, likelihood for multiple choice) |
                                                        // head | scalar | likelihood | verbalizer
  std::string likelihood_norm = "mean";                 // likelihood: mean | sum of the completion's token log-probs
  std::string likelihood_baseline = "none";             // likelihood: none | pmi | reference (reward_readout.h)
  double likelihood_beta = 1.0;                         // likelihood: reward scale β
  std::string verbalizer_template = "{text}\nAnswer:";  // verbalizer: the prompt around {text}
  std::vector<std::string> verbalizer_words = {" No", " Yes"};  // verbalizer: label 0 and label 1
  bool operator==(const ReadoutOptions&) const = default;
  static const config::Schema<ReadoutOptions>& schema();
};

struct FinetuneOptions {
  std::string mode = "full";                                // full (whole model) | probe (frozen backbone, head only) |
                                                            // lora (frozen backbone + low-rank adapters + head)
  int64_t epochs = 2;                                       // passes over the training set
  int64_t batch_size = 32;                                  // examples per optimizer step
  int64_t micro_batch = 32;                                 // examples per forward/backward (gradient accumulation)
  double lr = 1e-3;                                         // peak learning rate
  std::string optimizer = "adam";                           // adam | adamw
  double weight_decay = 0.0;                                // AdamW decoupled weight decay (adamw only)
  double warmup_fraction = 0.0;                             // share of steps with a linear lr warmup
  double min_lr_ratio = 0.0;                                // cosine decays to lr · min_lr_ratio
  double grad_clip = 1.0;                                   // global grad-norm clip (0 = off)
  int64_t max_length = 128;                                 // tokens per text (longer ones lose their end)
  std::string pooling = "last";                             // last (last real token, as the paper) | mean
  int64_t eval_every = 0;                                   // steps between evaluations (0 = eval_points spread evenly)
  int64_t eval_points = 4;                                  // evaluations during training when eval_every = 0
  bool early_stopping = false;                              // keep the weights with the best validation accuracy
  int64_t eval_batch = 64;                                  // texts per inference forward
  int64_t probe_epochs = 200;                               // probe mode: epochs over the cached features (cheap)
  int64_t lora_rank = 8;                                    // lora mode: adapter rank r
  double lora_alpha = 16.0;                                 // lora mode: update scale alpha / r
  std::vector<std::string> lora_targets = {"attn", "mlp"};  // lora mode: Linear modules whose name
                                                            // contains one of these
  std::string precision = "auto";                           // auto | float32 | bfloat16 (autocast)
  std::string device = "cpu";                               // cpu | cuda
  losses::LossOptions loss;                                 // [loss] table: name and loss-specific options
  ReadoutOptions readout;                                   // [finetune.readout] table
  static const config::Schema<FinetuneOptions>& schema();
};

/// Texts (or prompts with completions) with soft targets (rows of `targets` sum to 1).
struct TrainSet {
  std::vector<std::string> texts;                     // classification inputs, or prompts
  torch::Tensor targets;                              // (N, K): K = 2 for texts, else the most completions of
                                                      // one example (0 beyond an example's own; soft_targets)
  std::vector<std::vector<std::string>> completions;  // comparisons: each prompt's completions
};

/// A set to predict on. `labels` (the class or the right completion) are optional (empty =
/// predict only); `weak` (the supervisor's predictions on the same examples) enables agreement
/// tracking in the dynamics.
struct EvalSet {
  std::string name;  // "test", "train2", "val", ...
  std::vector<std::string> texts;
  std::vector<int> labels;                            // ground truth, or empty
  eval::Predictions weak;                             // supervisor's predictions, or empty
  bool track = true;                                  // also evaluated during training (dynamics); false = end only
  std::vector<std::vector<std::string>> completions;  // comparisons: each prompt's completions
};

struct FinetuneResult {
  std::string readout;                                   // the readout used (auto resolved)
  std::map<std::string, eval::Predictions> predictions;  // final predictions per EvalSet name
  std::vector<DynamicsRow> dynamics;                     // evaluations during training (and the end)
  int64_t steps = 0;                                     // optimizer steps
  int64_t best_step = -1;                                // early stopping: step of the kept weights
  double train_loss = 0.0;                               // mean loss of the last epoch
  double wall_seconds = 0.0;
  double shots_kept = 0.0;                 // few-shot: demonstrations per example that fit (mean)
  std::vector<LossStepRecord> loss_steps;  // what the loss did at each optimizer step
};

/// Where the backbone comes from and what it sees.
struct FinetuneInputs {
  std::string model_dir;  // model spec (models/model_spec.h): an HF checkpoint folder,
                          // or "scratch:DIR" for DIR's architecture with random weights
  TrainSet train;
  bool multiple_choice = false;  // the examples are questions with choices (readout auto: likelihood); also
                                 // true when some example has other than two completions
  std::vector<EvalSet> evals;    // predicted at the end (and during training: dynamics)
  std::string val_set;           // name of the EvalSet used for early stopping ("" = none)
  uint64_t seed = 0;             // head init, batch order, few-shot draws
  std::string feature_cache;     // probe mode: folder caching backbone features ("" = none)
  // Few-shot baseline: `shots` solved examples of `demonstrations` (labels required) before each
  // evaluated example (train/few_shot.h); needs epochs = 0 and a likelihood or verbalizer readout.
  int64_t shots = 0;  // 0 = none
  EvalSet demonstrations;
};

/// Called after each evaluation and at the end (progress display).
using FinetuneObserver = ProgressFn;

/// The readout `options` name for texts (comparisons = false), comparisons or multiple-choice
/// questions: "auto" resolved.
std::string resolved_readout(const ReadoutOptions& options, bool comparisons, bool multiple_choice = false);

/// Finetune and predict. Deterministic on CPU for a fixed seed. A NaN/inf loss or gradient norm
/// stops with a w2s::Error naming the step.
FinetuneResult finetune_classifier(const FinetuneOptions& options, const FinetuneInputs& inputs,
                                   const FinetuneObserver& observer = {});

}  // namespace w2s::train
