// Classifier finetuning (full, LoRA, linear probe) on soft labels through the one Trainer.
#include "w2s/train/finetune.h"

#include <fmt/format.h>
#include <fmt/ranges.h>  // fmt::join (fmt ≥ 11 keeps it here; libtorch 2.x ships fmt 11)

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <optional>

#include "w2s/core/error.h"
#include "w2s/core/log.h"
#include "w2s/core/rng.h"
#include "w2s/models/checkpoint.h"
#include "w2s/models/checkpoint_identity.h"
#include "w2s/models/lora.h"
#include "w2s/models/model_spec.h"
#include "w2s/tokenizer/tokenizer.h"
#include "w2s/train/classifier_readout.h"
#include "w2s/train/compute.h"
#include "w2s/train/few_shot.h"
#include "w2s/train/optim.h"
#include "w2s/train/reward_readout.h"
#include "w2s/train/soft_label_objective.h"
#include "w2s/train/trainer.h"
#include "w2s/train/verbalizer_readout.h"

namespace fs = std::filesystem;

namespace w2s::train {

const config::Schema<ReadoutOptions>& ReadoutOptions::schema() {
  using O = ReadoutOptions;
  static const auto s =
      config::Schema<O>()
          .field("name", &O::name,
                 "how examples become logits: auto = head for texts, scalar for comparisons, likelihood for multiple "
                 "choice",
                 {"auto", "head", "scalar", "likelihood", "verbalizer"})
          .field("likelihood_norm", &O::likelihood_norm, "likelihood: mean or sum of the completion's log-probs",
                 {"mean", "sum"})
          .field("likelihood_baseline", &O::likelihood_baseline,
                 "likelihood: subtract nothing, the completion's score without the prompt (pmi), or with it "
                 "under the initial weights (reference, DPO-style)",
                 {"none", "pmi", "reference"})
          .field("likelihood_beta", &O::likelihood_beta, "likelihood: reward scale beta")
          .field("verbalizer_template", &O::verbalizer_template, "verbalizer: the prompt around {text}")
          .field("verbalizer_words", &O::verbalizer_words, "verbalizer: the words of label 0 and label 1");
  return s;
}

const config::Schema<FinetuneOptions>& FinetuneOptions::schema() {
  using O = FinetuneOptions;
  static const auto s =
      config::Schema<O>()
          .field("mode", &O::mode, "full finetuning, a linear probe on frozen features, or LoRA adapters",
                 {"full", "probe", "lora"})
          .field("epochs", &O::epochs, "passes over the training set (0 = no training: zero-shot)")
          .field("batch_size", &O::batch_size, "examples per optimizer step")
          .field("micro_batch", &O::micro_batch, "examples per forward/backward (gradient accumulation)")
          .field("lr", &O::lr, "peak learning rate")
          .field("optimizer", &O::optimizer, "optimizer", {"adam", "adamw"})
          .field("weight_decay", &O::weight_decay, "AdamW weight decay")
          .field("warmup_fraction", &O::warmup_fraction, "share of steps with linear lr warmup")
          .field("min_lr_ratio", &O::min_lr_ratio, "cosine decays to lr · min_lr_ratio")
          .field("grad_clip", &O::grad_clip, "global grad-norm clip (0 = off)")
          .field("max_length", &O::max_length, "tokens per text (longer texts lose their end)")
          .field("pooling", &O::pooling, "hidden state the head reads", {"last", "mean"})
          .field("eval_every", &O::eval_every, "steps between evaluations (0 = eval_points evenly)")
          .field("eval_points", &O::eval_points, "evaluations during training when eval_every = 0")
          .field("early_stopping", &O::early_stopping, "keep the weights with the best validation accuracy")
          .field("eval_batch", &O::eval_batch, "texts per inference forward")
          .field("probe_epochs", &O::probe_epochs, "probe mode: epochs over the cached features")
          .field("lora_rank", &O::lora_rank, "lora mode: adapter rank")
          .field("lora_alpha", &O::lora_alpha, "lora mode: update scale alpha / rank")
          .field("lora_targets", &O::lora_targets, "lora mode: adapt Linear modules whose name contains one of these")
          .field("precision", &O::precision, "compute precision", {"auto", "float32", "bfloat16"})
          .field("device", &O::device, "device", {"cpu", "cuda"})
          .section("loss", &O::loss, losses::LossOptions::schema())
          .section("readout", &O::readout, ReadoutOptions::schema());
  return s;
}

namespace {

using Clock = std::chrono::steady_clock;

models::Pooling parse_pooling(const std::string& name) {
  if (name == "last") return models::Pooling::last_token;
  if (name == "mean") return models::Pooling::mean;
  fail("pooling must be \"last\" or \"mean\", not \"{}\"", name);
}

/// What a probe's cached features depend on besides the texts: the backbone's content
/// (models/checkpoint_identity.h), where and in what precision it ran (bf16 features differ), and
/// how texts are cut and pooled.
uint64_t feature_identity(const std::string& model_dir, const FinetuneOptions& o, const Compute& c) {
  return hash_bytes(fmt::format("{}|{}|{}|{}|{}", models::checkpoint_identity(model_dir), c.device.str(),
                                c.bf16 ? "bfloat16" : "float32", o.max_length, o.pooling));
}

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const FinetuneOptions& o,
                                                        const std::vector<torch::Tensor>& params) {
  if (o.optimizer == "adamw")
    return make_adamw(params, {.lr = o.lr, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8, .weight_decay = o.weight_decay});
  check(o.optimizer == "adam", "optimizer must be adam or adamw, not \"{}\"", o.optimizer);
  return std::make_unique<torch::optim::Adam>(params, torch::optim::AdamOptions(o.lr));
}

/// Each dynamics row gets the means of what the loss did over the steps since the previous row,
/// for losses with batch state (α > 0 at some step, or hardening).
void attach_loss_state(std::vector<DynamicsRow>& rows, const std::vector<LossStepRecord>& steps) {
  const bool any = std::any_of(steps.begin(), steps.end(),
                               [](const LossStepRecord& r) { return r.alpha > 0.0 || r.hardened_rate >= 0.0; });
  if (!any) return;
  int64_t from = 0;
  for (auto& row : rows) {
    double alpha = 0.0, threshold = 0.0, hardened = 0.0;
    int64_t n = 0, nh = 0;
    for (const auto& r : steps) {
      if (r.step < from || r.step >= row.step) continue;
      alpha += r.alpha, ++n;
      if (r.hardened_rate >= 0.0) threshold += r.threshold, hardened += r.hardened_rate, ++nh;
    }
    if (n > 0) row.loss["alpha"] = alpha / static_cast<double>(n);
    if (nh > 0) {
      row.loss["threshold"] = threshold / static_cast<double>(nh);
      row.loss["hardened_rate"] = hardened / static_cast<double>(nh);
    }
    from = std::max(from, row.step);
  }
}

}  // namespace

std::string resolved_readout(const ReadoutOptions& r, bool comparisons, bool multiple_choice) {
  if (r.name != "auto") return r.name;
  if (multiple_choice) return "likelihood";
  return comparisons ? "scalar" : "head";
}

FinetuneResult finetune_classifier(const FinetuneOptions& o, const FinetuneInputs& in,
                                   const FinetuneObserver& observer) {
  const auto t0 = Clock::now();
  check(o.mode == "full" || o.mode == "probe" || o.mode == "lora",
        "finetune mode must be full, probe or lora, not \"{}\"", o.mode);
  const bool probe = o.mode == "probe";
  const int64_t epochs = probe ? o.probe_epochs : o.epochs;
  check(epochs >= 0 && o.batch_size >= 1 && o.micro_batch >= 1,
        "epochs must be 0 (no training) or more, batch_size and micro_batch positive");
  const int64_t N = static_cast<int64_t>(in.train.texts.size());
  check(N > 0 || epochs == 0, "finetuning needs at least one training example");
  int64_t K = 2;  // target columns: the most completions of one training example (texts: 2 classes)
  for (const auto& c : in.train.completions) K = std::max<int64_t>(K, static_cast<int64_t>(c.size()));
  check(epochs == 0 || (in.train.targets.defined() && in.train.targets.dim() == 2 && in.train.targets.size(0) == N &&
                        in.train.targets.size(1) == K),
        "training targets must be ({}, {}), got {}", N, K,
        in.train.targets.defined() ? fmt::format("{}", fmt::join(in.train.targets.sizes(), "×")) : "none");
  bool comparisons = !in.train.completions.empty();
  bool multiple_choice = in.multiple_choice || K > 2;
  for (const auto& e : in.evals) {
    comparisons |= !e.completions.empty();
    for (const auto& c : e.completions) multiple_choice |= c.size() != 2;
  }
  const std::string readout_name = resolved_readout(o.readout, comparisons, multiple_choice);
  check(!probe || readout_name == "head",
        "mode = \"probe\" trains a head on frozen features: it needs the head "
        "readout, not \"{}\"",
        readout_name);
  const Compute compute = resolve_compute(o.device, o.precision);
  const auto loss_fn = losses::make_loss(o.loss);

  // The readout: the model read out as logits, its training set (set 0) and the evaluation sets.
  auto model = models::load_backbone(in.model_dir, in.seed, compute.device);
  model->eval();  // dropout off, as the reference implementation
  const auto tok = tokenizer::Tokenizer::from_dir(models::backbone_dir(in.model_dir));
  const int64_t n_ctx = model->config().n_ctx;
  const ModelReadoutOptions ro{.max_length = o.max_length > 0 ? std::min(o.max_length, n_ctx) : n_ctx,
                               .pooling = parse_pooling(o.pooling),
                               .eval_batch = o.eval_batch,
                               .n_classes = 2,
                               .compute = compute};
  std::unique_ptr<ModelReadout> readout;
  if (probe) {
    const FeatureCache cache{in.feature_cache,
                             in.feature_cache.empty() ? 0 : feature_identity(in.model_dir, o, compute)};
    readout = std::make_unique<ProbeReadout>(model, tok, ro, cache);
  } else {
    std::unique_ptr<models::Lora> lora;
    if (o.mode == "lora") {
      lora = std::make_unique<models::Lora>(*model, models::LoraOptions{o.lora_rank, o.lora_alpha, o.lora_targets},
                                            mix_seed(in.seed, 0x10AAULL));
      log::debug("lora: {} adapted modules, {} trainable parameters", lora->targets().size(), lora->n_parameters());
    }
    const auto& r = o.readout;
    if (readout_name == "head") {
      readout = std::make_unique<HeadReadout>(model, tok, ro, std::move(lora));
    } else if (readout_name == "scalar") {
      readout = std::make_unique<ScalarRewardReadout>(model, tok, ro, std::move(lora));
    } else if (readout_name == "likelihood") {
      check(r.likelihood_norm == "mean" || r.likelihood_norm == "sum",
            "readout.likelihood_norm must be mean or sum, not \"{}\"", r.likelihood_norm);
      readout = std::make_unique<LikelihoodReadout>(
          model, tok, ro,
          LikelihoodOptions{
              .mean = r.likelihood_norm == "mean", .baseline = r.likelihood_baseline, .beta = r.likelihood_beta},
          std::move(lora));
    } else if (readout_name == "verbalizer") {
      readout = std::make_unique<VerbalizerReadout>(
          model, tok, ro, VerbalizerOptions{r.verbalizer_template, r.verbalizer_words}, std::move(lora));
    } else {
      fail("readout must be auto, head, scalar, likelihood or verbalizer, not \"{}\"", readout_name);
    }
  }
  const int train_set = readout->add({in.train.texts, in.train.completions, {}});
  check(in.shots >= 0, "few-shot: shots must be 0 (none) or more, not {}", in.shots);
  check(in.shots == 0 || epochs == 0, "few-shot demonstrations are a baseline without training: epochs must be 0");
  const auto& demos = in.demonstrations;
  check(in.shots == 0 || demos.labels.size() == demos.texts.size(),
        "few-shot: the demonstrations need labels ({} labels for {} examples)", demos.labels.size(),
        demos.texts.size());
  std::vector<EvalTarget> targets;
  int val_target = -1;
  int64_t examples = 0;
  for (const auto& e : in.evals) {
    if (!in.val_set.empty() && e.name == in.val_set) val_target = static_cast<int>(targets.size());
    InputSet set{e.texts, e.completions, {}};
    if (in.shots > 0) {
      const auto n = static_cast<int64_t>(e.texts.size());
      // Drawn half from each label; a multiple-choice label is a position, so draw from the pool
      // as a whole.
      const auto draw_from = multiple_choice ? std::vector<int>(demos.labels.size(), 0) : demos.labels;
      set.demonstrations =
          render_demonstrations(*readout, {demos.texts, demos.completions, {}}, demos.labels,
                                draw_demonstrations(draw_from, n, in.shots, mix_seed(in.seed, hash_bytes(e.name))));
      examples += n;
    }
    targets.push_back({readout->add(set), e.name, e.labels, e.weak, e.track});
  }
  check(!o.early_stopping || val_target >= 0, "early stopping needs a validation set (none named \"{}\")", in.val_set);

  FinetuneResult result;
  result.readout = readout_name;
  if (in.shots > 0 && examples > 0) {
    result.shots_kept = static_cast<double>(readout->demonstrations_kept()) / static_cast<double>(examples);
    if (readout->demonstrations_kept() < readout->demonstrations_asked())
      log::warn("few-shot: {:.2f} of {} demonstrations per example fit whole in {} tokens", result.shots_kept, in.shots,
                ro.max_length);
  }
  const auto params = readout->parameters();
  const int64_t total_steps = epochs * ((N + o.batch_size - 1) / o.batch_size);
  std::optional<Evaluator> evaluator;
  if (total_steps > 0) {
    // The run: epochs over the training set, warmup + cosine, evaluations along the way.
    const auto opt = make_optimizer(o, params);
    SoftLabelObjective objective(*readout, train_set, in.train.targets.to(torch::kFloat).to(compute.device), *loss_fn,
                                 {.batch_size = o.batch_size, .micro_batch = o.micro_batch, .seed = in.seed},
                                 total_steps);
    const ScheduleOptions sched{.lr_peak = o.lr,
                                .min_lr_ratio = o.min_lr_ratio,
                                .warmup_steps = static_cast<int64_t>(std::llround(o.warmup_fraction * total_steps)),
                                .total_steps = total_steps,
                                .cosine = true};
    evaluator.emplace(*readout, targets, params,
                      EvaluatorOptions{.eval_steps = evaluation_steps(total_steps, o.eval_every, o.eval_points),
                                       .val_target = val_target,
                                       .early_stopping = o.early_stopping,
                                       .report_loss = !probe},
                      observer);
    Trainer trainer(params, *opt, {.schedule = sched, .grad_clip = o.grad_clip, .what = "finetuning " + in.model_dir});
    trainer.observe(*evaluator);
    trainer.run(objective, 0, total_steps);
    result.train_loss = objective.epoch_loss();
    result.loss_steps = objective.trace();
    result.best_step = evaluator->best_step();
    result.dynamics = evaluator->dynamics();
  } else {
    evaluator.emplace(*readout, targets, params, EvaluatorOptions{}, observer);  // scores the end only
  }
  result.steps = total_steps;
  for (const auto& t : targets) result.predictions[t.name] = choice_probabilities(*readout, t.set);
  // The final point of the dynamics, from the final predictions.
  if (!o.early_stopping || total_steps == 0)
    result.dynamics.push_back(evaluator->final_row(total_steps, result.predictions));
  attach_loss_state(result.dynamics, result.loss_steps);
  result.wall_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return result;
}

}  // namespace w2s::train
