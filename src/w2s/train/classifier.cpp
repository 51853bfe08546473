// Classifier finetuning (full or linear probe) on soft labels, with dynamics and early stopping.
#include "w2s/train/classifier.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <numeric>

#include "w2s/core/error.h"
#include "w2s/core/log.h"
#include "w2s/core/torch_compat.h"
#include "w2s/data/rng.h"
#include "w2s/io/safetensors.h"
#include "w2s/models/checkpoint.h"
#include "w2s/models/heads.h"
#include "w2s/models/lora.h"
#include "w2s/tokenizer/tokenizer.h"
#include "w2s/train/compute.h"
#include "w2s/train/optim.h"

namespace fs = std::filesystem;

namespace w2s::train {

const config::Schema<FinetuneOptions>& FinetuneOptions::schema() {
  using O = FinetuneOptions;
  static const auto s = config::Schema<O>()
      .field("mode", &O::mode, "full finetuning, a linear probe on frozen features, or LoRA adapters",
             {"full", "probe", "lora"})
      .field("epochs", &O::epochs, "passes over the training set")
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
      .section("loss", &O::loss, methods::LossOptions::schema());
  return s;
}

namespace {

using Clock = std::chrono::steady_clock;

/// Token ids of every text, truncated to max_length; an empty text becomes one pad/eos token so
/// every row has a last real token.
std::vector<std::vector<int64_t>> encode_texts(const tokenizer::Tokenizer& tok,
                                               const std::vector<std::string>& texts,
                                               int64_t max_length, int64_t filler) {
  std::vector<std::vector<int64_t>> out(texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    out[i] = tok.encode(texts[i]);
    if (max_length > 0 && static_cast<int64_t>(out[i].size()) > max_length) out[i].resize(max_length);
    if (out[i].empty()) out[i].push_back(filler);
  }
  return out;
}

/// Right-padded (ids, mask) for the given rows: both (B, T), T = longest row.
std::pair<torch::Tensor, torch::Tensor> make_batch(const std::vector<std::vector<int64_t>>& ids,
                                                   const std::vector<int64_t>& rows, int64_t pad) {
  int64_t T = 1;
  for (int64_t r : rows) T = std::max<int64_t>(T, static_cast<int64_t>(ids[r].size()));
  const int64_t B = static_cast<int64_t>(rows.size());
  auto input = torch::full({B, T}, pad, torch::kLong);  // (B, T)
  auto mask = torch::zeros({B, T}, torch::kLong);       // (B, T)
  auto* pi = input.data_ptr<int64_t>();
  auto* pm = mask.data_ptr<int64_t>();
  for (int64_t b = 0; b < B; ++b) {
    const auto& row = ids[rows[b]];
    for (size_t t = 0; t < row.size(); ++t) {
      pi[b * T + static_cast<int64_t>(t)] = row[t];
      pm[b * T + static_cast<int64_t>(t)] = 1;
    }
  }
  return {input, mask};
}

models::Pooling parse_pooling(const std::string& name) {
  if (name == "last") return models::Pooling::last_token;
  if (name == "mean") return models::Pooling::mean;
  fail("pooling must be \"last\" or \"mean\", not \"{}\"", name);
}

/// Rows ordered by length (inference batches then carry little padding).
std::vector<int64_t> by_length(const std::vector<std::vector<int64_t>>& ids) {
  std::vector<int64_t> order(ids.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int64_t a, int64_t b) { return ids[a].size() < ids[b].size(); });
  return order;
}

double accuracy_of(const std::vector<double>& p1, const std::vector<int>& labels) {
  if (labels.empty()) return std::nan("");
  int64_t ok = 0;
  for (size_t i = 0; i < labels.size(); ++i) ok += (p1[i] > 0.5) == (labels[i] == 1);
  return static_cast<double>(ok) / static_cast<double>(labels.size());
}

double agreement_of(const std::vector<double>& p1, const std::vector<double>& weak) {
  if (weak.empty()) return std::nan("");
  int64_t ok = 0;
  for (size_t i = 0; i < weak.size(); ++i) ok += (p1[i] > 0.5) == (weak[i] > 0.5);
  return static_cast<double>(ok) / static_cast<double>(weak.size());
}

/// Stable key of what a feature cache entry depends on.
std::string feature_key(const std::string& model_dir, const FinetuneOptions& o,
                        const std::vector<std::string>& texts) {
  uint64_t h = data::hash_bytes(model_dir.rfind(kScratchPrefix, 0) == 0 ? model_dir : fs::absolute(model_dir).lexically_normal().string());
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(backbone_dir(model_dir), ec)) {
    if (e.path().extension() == ".safetensors" || e.path().filename() == "config.json")
      h = data::mix_seed(h, data::hash_bytes(fmt::format("{}:{}", e.path().filename().string(),
                                                         e.file_size())));
  }
  h = data::mix_seed(h, data::hash_bytes(fmt::format("{}|{}", o.max_length, o.pooling)));
  for (const auto& t : texts) h = data::mix_seed(h, data::hash_bytes(t));
  return fmt::format("{:016x}", h);
}

}  // namespace

std::string backbone_dir(const std::string& spec) {
  return spec.rfind(kScratchPrefix, 0) == 0 ? spec.substr(std::string(kScratchPrefix).size()) : spec;
}

models::Transformer load_backbone(const std::string& spec, uint64_t seed, torch::Device device) {
  if (spec.rfind(kScratchPrefix, 0) == 0) {
    auto model = models::make_model(models::load_config(backbone_dir(spec)));
    model->init_weights(data::mix_seed(seed, 0x5C2A7C8ULL));
    model->to(device);
    return model;
  }
  return models::load_model(spec, {.dtype = torch::kFloat, .device = device, .extra_prefixes = {"score."}});
}

FinetuneResult finetune_classifier(const FinetuneOptions& o, const FinetuneInputs& in,
                                   const FinetuneObserver& observer) {
  const auto t0 = Clock::now();
  check(o.mode == "full" || o.mode == "probe" || o.mode == "lora",
        "finetune mode must be full, probe or lora, not \"{}\"", o.mode);
  check(o.epochs >= 1 && o.batch_size >= 1 && o.micro_batch >= 1, "epochs, batch_size and micro_batch must be positive");
  const int64_t N = static_cast<int64_t>(in.train.texts.size());
  check(N > 0, "finetuning needs at least one training example");
  check(in.train.targets.defined() && in.train.targets.dim() == 2 && in.train.targets.size(0) == N &&
            in.train.targets.size(1) == 2,
        "training targets must be ({}, 2), got {}", N,
        in.train.targets.defined() ? fmt::format("{}", fmt::join(in.train.targets.sizes(), "×")) : "none");
  const Compute compute = resolve_compute(o.device, o.precision);
  const bool probe = o.mode == "probe";
  const auto pooling = parse_pooling(o.pooling);
  const auto loss_fn = methods::make_loss(o.loss);

  auto model = load_backbone(in.model_dir, in.seed, compute.device);
  model->eval();  // dropout off, as the reference implementation
  auto tok = tokenizer::Tokenizer::from_dir(backbone_dir(in.model_dir));
  std::unique_ptr<models::Lora> lora;
  if (o.mode == "lora") {
    lora = std::make_unique<models::Lora>(*model, models::LoraOptions{o.lora_rank, o.lora_alpha, o.lora_targets},
                                          data::mix_seed(in.seed, 0x10AAULL));
    log::debug("lora: {} adapted modules, {} trainable parameters", lora->targets().size(), lora->n_parameters());
  }
  const int64_t pad = tok.pad_id().value_or(tok.eos_id().value_or(0));
  const int64_t n_ctx = model->config().n_ctx;
  const int64_t max_len = o.max_length > 0 ? std::min(o.max_length, n_ctx) : n_ctx;

  models::ClassificationHead head(model->config().d_model,
                                  models::HeadOptions{2, false, pooling, "score"});
  head->to(compute.device);
  const auto train_ids = encode_texts(tok, in.train.texts, max_len, pad);
  std::vector<std::vector<std::vector<int64_t>>> eval_ids;
  for (const auto& e : in.evals) eval_ids.push_back(encode_texts(tok, e.texts, max_len, pad));

  // Probe mode: pooled backbone features, computed once (and cached on disk when asked).
  auto features_of = [&](const std::vector<std::vector<int64_t>>& ids,
                         const std::vector<std::string>& texts) {
    fs::path cache;
    if (!in.feature_cache.empty()) {
      cache = fs::path(in.feature_cache) / (feature_key(in.model_dir, o, texts) + ".safetensors");
      if (fs::exists(cache)) return io::load_safetensors(cache).at("features").to(compute.device);
    }
    torch::NoGradGuard ng;
    auto feats = torch::empty({static_cast<int64_t>(ids.size()), model->config().d_model});  // (N, C)
    const auto order = by_length(ids);
    for (size_t s = 0; s < order.size(); s += static_cast<size_t>(o.eval_batch)) {
      std::vector<int64_t> rows(order.begin() + static_cast<int64_t>(s),
                                order.begin() + static_cast<int64_t>(std::min(order.size(), s + o.eval_batch)));
      auto [x, m] = make_batch(ids, rows, pad);
      compat::AutocastGuard ac(compute.device.type(), at::kBFloat16, compute.bf16);
      auto h = model->hidden_states(x.to(compute.device), m.to(compute.device));  // (B, T, C)
      auto pooled = models::pool(h, m.to(compute.device), pooling).to(torch::kFloat).cpu();  // (B, C)
      feats.index_copy_(0, torch::tensor(rows, torch::kLong), pooled);
    }
    if (!cache.empty()) {
      fs::create_directories(cache.parent_path());
      io::save_safetensors(cache, {{"features", feats}});
    }
    return feats.to(compute.device);
  };
  torch::Tensor train_feats;
  std::vector<torch::Tensor> eval_feats;
  if (probe) {
    train_feats = features_of(train_ids, in.train.texts);
    for (size_t i = 0; i < in.evals.size(); ++i) eval_feats.push_back(features_of(eval_ids[i], in.evals[i].texts));
  }

  // Logits (B, 2) for rows of the training set (with grad when enabled).
  auto train_logits = [&](const std::vector<int64_t>& rows) {
    if (probe) return head->score->forward(train_feats.index({torch::tensor(rows, torch::kLong).to(compute.device)}));
    auto [x, m] = make_batch(train_ids, rows, pad);
    if (lora) lora->apply();
    compat::AutocastGuard ac(compute.device.type(), at::kBFloat16, compute.bf16);
    x = x.to(compute.device);
    m = m.to(compute.device);
    return head->forward(model->hidden_states(x, m), m).to(torch::kFloat);
  };
  // P(class 1) for every text of eval set i, in the set's order.
  auto predict = [&](size_t i) {
    torch::NoGradGuard ng;
    std::vector<double> p1(in.evals[i].texts.size());
    if (probe) {
      auto p = torch::softmax(head->score->forward(eval_feats[i]), -1).select(1, 1).cpu().to(torch::kDouble);
      std::copy(p.data_ptr<double>(), p.data_ptr<double>() + p.numel(), p1.begin());
      return p1;
    }
    if (lora) lora->apply();
    const auto order = by_length(eval_ids[i]);
    for (size_t s = 0; s < order.size(); s += static_cast<size_t>(o.eval_batch)) {
      std::vector<int64_t> rows(order.begin() + static_cast<int64_t>(s),
                                order.begin() + static_cast<int64_t>(std::min(order.size(), s + o.eval_batch)));
      auto [x, m] = make_batch(eval_ids[i], rows, pad);
      compat::AutocastGuard ac(compute.device.type(), at::kBFloat16, compute.bf16);
      x = x.to(compute.device);
      m = m.to(compute.device);
      auto p = torch::softmax(head->forward(model->hidden_states(x, m), m).to(torch::kFloat), -1)
                   .select(1, 1).cpu().to(torch::kDouble);  // (B)
      for (size_t b = 0; b < rows.size(); ++b) p1[rows[b]] = p.data_ptr<double>()[b];
    }
    return p1;
  };

  std::vector<torch::Tensor> params = head->parameters();
  if (lora) {
    for (auto& p : lora->parameters()) params.push_back(p);
  } else if (!probe) {
    for (auto& p : model->parameters()) params.push_back(p);
  } else {
    for (auto& p : model->parameters()) p.set_requires_grad(false);
  }
  std::unique_ptr<torch::optim::Optimizer> opt;
  if (o.optimizer == "adamw") {
    opt = make_adamw(params, {.lr = o.lr, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8, .weight_decay = o.weight_decay});
  } else {
    check(o.optimizer == "adam", "optimizer must be adam or adamw, not \"{}\"", o.optimizer);
    opt = std::make_unique<torch::optim::Adam>(params, torch::optim::AdamOptions(o.lr));
  }

  const int64_t epochs = probe ? o.probe_epochs : o.epochs;
  const int64_t steps_per_epoch = (N + o.batch_size - 1) / o.batch_size;
  const int64_t total_steps = epochs * steps_per_epoch;
  ScheduleOptions sched{.lr_peak = o.lr, .min_lr_ratio = o.min_lr_ratio,
                        .warmup_steps = static_cast<int64_t>(std::llround(o.warmup_fraction * total_steps)),
                        .total_steps = total_steps, .cosine = true};
  std::vector<int64_t> eval_steps;
  if (o.eval_every > 0) {
    for (int64_t s = o.eval_every; s < total_steps; s += o.eval_every) eval_steps.push_back(s);
  } else {
    for (int64_t k = 1; k < o.eval_points; ++k) eval_steps.push_back(total_steps * k / o.eval_points);
  }
  int64_t val_index = -1;
  for (size_t i = 0; i < in.evals.size(); ++i)
    if (!in.val_set.empty() && in.evals[i].name == in.val_set) val_index = static_cast<int64_t>(i);
  check(!o.early_stopping || val_index >= 0, "early stopping needs a validation set (none named \"{}\")", in.val_set);

  FinetuneResult result;
  double best_val = -1.0;
  std::vector<torch::Tensor> best_params;
  auto evaluate = [&](int64_t step) {
    DynamicsRow row;
    row.step = step;
    for (size_t i = 0; i < in.evals.size(); ++i) {
      const auto& e = in.evals[i];
      const bool is_val = static_cast<int64_t>(i) == val_index;
      if (e.labels.empty() && e.weak_p1.empty() && !is_val) continue;
      if (!e.track && !is_val) continue;
      const auto p1 = predict(i);
      if (!e.labels.empty()) row.accuracy[e.name] = accuracy_of(p1, e.labels);
      if (!e.weak_p1.empty()) row.agreement[e.name] = agreement_of(p1, e.weak_p1);
      if (is_val && o.early_stopping && row.accuracy.count(e.name) && row.accuracy[e.name] > best_val) {
        best_val = row.accuracy[e.name];
        result.best_step = step;
        best_params.clear();
        for (auto& p : params) best_params.push_back(p.detach().clone());
      }
    }
    std::string stats;
    for (const auto& [k, v] : row.accuracy) stats += fmt::format(" acc[{}] {:.3f}", k, v);
    for (const auto& [k, v] : row.agreement) stats += fmt::format(" agree[{}] {:.3f}", k, v);
    if (observer) observer(step, total_steps, stats);
    result.dynamics.push_back(std::move(row));
  };
  if (!eval_steps.empty() || o.early_stopping) evaluate(0);

  double epoch_loss = 0.0;
  int64_t step = 0;
  size_t next_eval = 0;
  const auto targets = in.train.targets.to(torch::kFloat).to(compute.device);  // (N, 2)
  for (int64_t epoch = 0; epoch < epochs; ++epoch) {
    std::vector<int64_t> order(N);
    std::iota(order.begin(), order.end(), 0);
    data::Rng rng(data::mix_seed(in.seed, static_cast<uint64_t>(epoch)));
    data::shuffle_in_place(order, rng);
    epoch_loss = 0.0;
    for (int64_t s = 0; s < steps_per_epoch; ++s, ++step) {
      const int64_t b0 = s * o.batch_size, b1 = std::min(N, b0 + o.batch_size);
      const std::vector<int64_t> batch(order.begin() + b0, order.begin() + b1);
      const int64_t B = b1 - b0;
      const methods::LossStep ls{step, total_steps};
      auto batch_targets = targets.index({torch::tensor(batch, torch::kLong).to(compute.device)});  // (B, 2)
      set_lr(*opt, lr_at(sched, step));
      opt->zero_grad();
      double step_loss = 0.0;
      if (B <= o.micro_batch) {
        auto logits = train_logits(batch);  // (B, 2)
        const auto state = loss_fn->batch_state(logits.detach(), batch_targets, ls);
        auto loss = loss_fn->forward(logits, batch_targets, state, ls);
        loss.backward();
        step_loss = loss.item<double>();
      } else {
        torch::Tensor all_logits;  // (B, 2) detached: batch-level statistics see the whole batch
        {
          torch::NoGradGuard ng;
          std::vector<torch::Tensor> parts;
          for (int64_t m0 = 0; m0 < B; m0 += o.micro_batch)
            parts.push_back(train_logits(std::vector<int64_t>(batch.begin() + m0, batch.begin() + std::min(B, m0 + o.micro_batch))));
          all_logits = torch::cat(parts);
        }
        const auto state = loss_fn->batch_state(all_logits, batch_targets, ls);
        for (int64_t m0 = 0; m0 < B; m0 += o.micro_batch) {
          const int64_t m1 = std::min(B, m0 + o.micro_batch);
          auto logits = train_logits(std::vector<int64_t>(batch.begin() + m0, batch.begin() + m1));
          auto loss = loss_fn->forward(logits, batch_targets.slice(0, m0, m1), state, ls) *
                      (static_cast<double>(m1 - m0) / static_cast<double>(B));
          loss.backward();
          step_loss += loss.item<double>();
        }
      }
      check(std::isfinite(step_loss), "finetuning {}: loss is {} at step {} (lr {:.3g}); lower the learning rate",
            in.model_dir, step_loss, step, lr_at(sched, step));
      clip_grad_norm(params, o.grad_clip);
      opt->step();
      epoch_loss += step_loss * static_cast<double>(B) / static_cast<double>(N);
      if (next_eval < eval_steps.size() && step + 1 == eval_steps[next_eval]) {
        ++next_eval;
        evaluate(step + 1);
      } else if (observer && !probe) {
        observer(step + 1, total_steps, fmt::format(" loss {:.4f}", step_loss));
      }
    }
  }
  result.steps = step;
  result.train_loss = epoch_loss;
  if (o.early_stopping) {
    evaluate(step);
    torch::NoGradGuard ng;
    for (size_t i = 0; i < params.size(); ++i) params[i].copy_(best_params[i]);
  }
  for (size_t i = 0; i < in.evals.size(); ++i) result.p1[in.evals[i].name] = predict(i);
  // The final point of the dynamics, from the final predictions.
  DynamicsRow last;
  last.step = step;
  for (size_t i = 0; i < in.evals.size(); ++i) {
    const auto& e = in.evals[i];
    if (!e.track) continue;
    if (!e.labels.empty()) last.accuracy[e.name] = accuracy_of(result.p1[e.name], e.labels);
    if (!e.weak_p1.empty()) last.agreement[e.name] = agreement_of(result.p1[e.name], e.weak_p1);
  }
  if (!o.early_stopping) result.dynamics.push_back(std::move(last));
  result.wall_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return result;
}

}  // namespace w2s::train
