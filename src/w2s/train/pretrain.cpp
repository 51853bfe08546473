// Causal-LM pretraining / generative finetuning with exact resume.
#include "w2s/train/pretrain.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/core/log.h"
#include "w2s/core/progress.h"
#include "w2s/core/torch_compat.h"
#include "w2s/core/version.h"
#include "w2s/data/rng.h"
#include "w2s/eval/lm_eval.h"
#include "w2s/models/checkpoint.h"
#include "w2s/train/compute.h"
#include "w2s/train/optim.h"
#include "w2s/train/token_stream.h"

namespace fs = std::filesystem;

namespace w2s::train {

const config::Schema<ModelShape>& ModelShape::schema() {
  static const auto s = config::Schema<ModelShape>()
      .field("model_type", &ModelShape::model_type, "architecture", {"gpt2", "llama", "qwen2"})
      .field("d_model", &ModelShape::d_model, "residual width")
      .field("n_layer", &ModelShape::n_layer, "transformer blocks")
      .field("n_head", &ModelShape::n_head, "attention heads")
      .field("n_head_kv", &ModelShape::n_head_kv, "key/value heads (0 = n_head)")
      .field("d_ff", &ModelShape::d_ff, "MLP width (0 = 4·d_model for gpt2, 8/3·d_model for llama)")
      .field("n_ctx", &ModelShape::n_ctx, "max positions");
  return s;
}

const config::Schema<PretrainOptions>& PretrainOptions::schema() {
  using O = PretrainOptions;
  static const auto s = config::Schema<O>()
      .field("out", &O::out, "output folder")
      .field("init", &O::init, "start from this HF checkpoint (generative finetuning); empty = from scratch")
      .field("tokenizer", &O::tokenizer, "tokenizer.json or a folder with one")
      .field("corpus", &O::corpus, "training text file")
      .field("heldout", &O::heldout, "held-out text file")
      .field("cache_dir", &O::cache_dir, "token cache folder (empty = no cache)")
      .field("corpus_max_bytes", &O::corpus_max_bytes, "read only this prefix of the corpus (0 = all)")
      .section("model", &O::model, ModelShape::schema())
      .field("tokens", &O::tokens, "training tokens in total")
      .field("seq_len", &O::seq_len, "tokens per sequence")
      .field("batch_size", &O::batch_size, "sequences per optimizer step")
      .field("micro_batch", &O::micro_batch, "sequences per forward/backward (gradient accumulation)")
      .field("lr", &O::lr, "peak learning rate")
      .field("min_lr_ratio", &O::min_lr_ratio, "final / peak learning rate")
      .field("warmup_steps", &O::warmup_steps, "linear warmup steps")
      .field("weight_decay", &O::weight_decay, "AdamW weight decay (matrices only)")
      .field("beta1", &O::beta1, "AdamW beta1")
      .field("beta2", &O::beta2, "AdamW beta2")
      .field("grad_clip", &O::grad_clip, "global gradient-norm clip (0 = off)")
      .field("precision", &O::precision, "compute precision", {"auto", "float32", "bfloat16"})
      .field("device", &O::device, "device", {"cpu", "cuda"})
      .field("eval_every", &O::eval_every, "steps between held-out evaluations")
      .field("eval_tokens", &O::eval_tokens, "held-out tokens per evaluation")
      .field("checkpoint_every", &O::checkpoint_every, "steps between resumable checkpoints")
      .field("seed", &O::seed, "seed for init and batch order")
      .field("save_dtype", &O::save_dtype, "dtype of the exported model", {"float32", "bfloat16", "float16"});
  return s;
}

namespace {

/// Window starts for one micro-batch: a pure function of (seed, step, micro) so a resumed run
/// sees exactly the batches an uninterrupted one would.
torch::Tensor sample_batch(const std::vector<int32_t>& ids, int64_t seq_len, int64_t n_seq,
                           uint64_t seed, int64_t step, int64_t micro) {
  const int64_t span = static_cast<int64_t>(ids.size()) - seq_len - 1;
  data::Rng rng(seed * 0x100000001B3ULL ^ (static_cast<uint64_t>(step) << 20) ^ static_cast<uint64_t>(micro));
  auto out = torch::empty({n_seq, seq_len + 1}, torch::kLong);  // (B, T+1)
  auto* p = out.data_ptr<int64_t>();
  for (int64_t b = 0; b < n_seq; ++b) {
    const int64_t start = static_cast<int64_t>(rng.next() % static_cast<uint64_t>(span + 1));
    for (int64_t t = 0; t <= seq_len; ++t) p[b * (seq_len + 1) + t] = ids[start + t];
  }
  return out;
}

tokenizer::Tokenizer load_tokenizer(const std::string& path) {
  const fs::path p(path);
  check(fs::exists(p), "tokenizer '{}' not found (train one with `w2s tokenizer train`, or run "
        "scripts/setup.sh)", path);
  return fs::is_directory(p) ? tokenizer::Tokenizer::from_dir(p) : tokenizer::Tokenizer::from_file(p);
}

std::string tokenizer_bytes(const std::string& path) {
  const fs::path p(path);
  if (!fs::is_directory(p)) return read_file(p);
  if (fs::exists(p / "tokenizer.json")) return read_file(p / "tokenizer.json");
  std::string s;
  for (const char* f : {"vocab.json", "merges.txt", "encoder.json", "vocab.bpe"})
    if (fs::exists(p / f)) s += read_file(p / f);
  return s;
}

models::ModelConfig shape_to_config(const ModelShape& m, const tokenizer::Tokenizer& tok) {
  auto c = models::tiny_config(m.model_type, tok.vocab_size(), m.d_model, m.n_layer, m.n_head,
                               m.n_head_kv > 0 ? m.n_head_kv : m.n_head, m.n_ctx);
  if (m.d_ff > 0) c.d_ff = m.d_ff;
  else if (m.model_type == "gpt2") c.d_ff = 4 * m.d_model;
  else c.d_ff = ((8 * m.d_model / 3) + 63) / 64 * 64;
  c.eos_token_id = tok.eos_id();
  c.bos_token_id = tok.bos_id() ? tok.bos_id() : tok.eos_id();
  c.validate("[model] section");
  return c;
}

void replace_dir(const fs::path& tmp, const fs::path& dest) {
  const fs::path old = dest.string() + ".old";
  fs::remove_all(old);
  if (fs::exists(dest)) fs::rename(dest, old);
  fs::rename(tmp, dest);
  fs::remove_all(old);
}

struct State {
  int64_t step = 0;
  int64_t tokens_seen = 0;
};

void save_checkpoint(models::TransformerImpl& model, torch::optim::Optimizer& opt, const State& st,
                     const fs::path& out, const std::string& config_toml) {
  const fs::path tmp = out / ".checkpoint.tmp";
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  models::save_model(model, tmp, {.dtype = torch::kFloat});
  torch::save(opt, (tmp / "optimizer.pt").string());
  nlohmann::json j{{"step", st.step}, {"tokens_seen", st.tokens_seen}, {"git_commit", git_commit()}};
  write_file_atomic(tmp / "state.json", j.dump(2));
  write_file_atomic(tmp / "config.toml", config_toml);
  replace_dir(tmp, out / "checkpoint");
}

}  // namespace

PretrainResult pretrain(const PretrainOptions& o, int64_t stop_after_steps) {
  check(o.seq_len >= 2, "seq_len must be at least 2");
  check(o.batch_size >= 1 && o.micro_batch >= 1, "batch_size and micro_batch must be positive");
  check(o.batch_size % o.micro_batch == 0, "batch_size ({}) must be a multiple of micro_batch ({})",
        o.batch_size, o.micro_batch);
  check(o.tokens > 0, "tokens must be positive");
  const Compute compute = resolve_compute(o.device, o.precision);
  const torch::Device device = compute.device;
  const bool bf16 = compute.bf16;
  const fs::path out(o.out);
  fs::create_directories(out);
  const std::string config_toml = config::dump_toml(o, PretrainOptions::schema());
  write_file_atomic(out / "config.toml", config_toml);

  const auto tok = load_tokenizer(o.tokenizer);
  const std::string tok_key = tokenizer_bytes(o.tokenizer);
  const auto train = load_token_stream(o.corpus, tok, o.cache_dir, tok_key, o.corpus_max_bytes);
  const auto held = load_token_stream(o.heldout, tok, o.cache_dir, tok_key);
  check(static_cast<int64_t>(train.ids.size()) > o.seq_len + 1, "{}: only {} tokens, need more than seq_len = {}",
        o.corpus, train.ids.size(), o.seq_len);

  // Model: resume > init > from scratch.
  State st;
  models::Transformer model;
  const fs::path ckpt = fs::exists(out / "checkpoint") ? out / "checkpoint" : out / "checkpoint.old";
  const bool resumed = fs::exists(ckpt / "state.json");
  if (resumed) {
    const auto j = nlohmann::json::parse(read_file(ckpt / "state.json"));
    st.step = j.at("step").get<int64_t>();
    st.tokens_seen = j.at("tokens_seen").get<int64_t>();
    const auto saved = read_file(ckpt / "config.toml");
    if (saved != config_toml) log::warn("{}: resuming with a config that differs from the checkpoint's", out.string());
    model = models::load_model(ckpt, {.dtype = torch::kFloat, .device = device, .extra_prefixes = {}});
    log::info("resuming {} from step {} ({} tokens seen)", out.string(), st.step, st.tokens_seen);
  } else if (!o.init.empty()) {
    model = models::load_model(o.init, {.dtype = torch::kFloat, .device = device, .extra_prefixes = {}});
    check(model->config().vocab_size >= tok.vocab_size(), "{}: vocabulary {} is smaller than the tokenizer's {}",
          o.init, model->config().vocab_size, tok.vocab_size());
    log::info("generative finetuning from {}", o.init);
  } else {
    model = models::make_model(shape_to_config(o.model, tok));
    model->init_weights(static_cast<uint64_t>(o.seed));
    model->to(device);
  }
  check(o.seq_len <= model->config().n_ctx, "seq_len {} exceeds the model's n_ctx {}", o.seq_len,
        model->config().n_ctx);
  model->train();
  const auto count = model->count_parameters();
  const int64_t tokens_per_step = o.batch_size * o.seq_len;
  const int64_t total_steps = (o.tokens + tokens_per_step - 1) / tokens_per_step;
  log::info("model: {} params ({} non-embedding), {} steps × {} tokens, {}", count.total,
            count.non_embedding, total_steps, tokens_per_step, bf16 ? "bf16 autocast" : "float32");

  auto params = model->parameters();
  auto opt = make_adamw(params, {.lr = o.lr, .beta1 = o.beta1, .beta2 = o.beta2, .weight_decay = o.weight_decay});
  if (resumed) torch::load(*opt, (ckpt / "optimizer.pt").string());
  const ScheduleOptions sched{.lr_peak = o.lr, .min_lr_ratio = o.min_lr_ratio,
                              .warmup_steps = o.warmup_steps, .total_steps = total_steps};

  // Metrics: drop lines written after the checkpoint we resume from.
  const fs::path metrics_path = out / "metrics.jsonl";
  {
    std::string kept;
    if (fs::exists(metrics_path)) {
      std::ifstream in(metrics_path);
      for (std::string line; std::getline(in, line);) {
        if (line.empty()) continue;
        try {
          if (nlohmann::json::parse(line).value("step", int64_t{0}) <= st.step) kept += line + "\n";
        } catch (const nlohmann::json::exception&) {
        }
      }
    }
    write_file_atomic(metrics_path, kept);
  }
  std::ofstream metrics(metrics_path, std::ios::app);

  std::vector<int64_t> eval_ids;  // held-out stream, capped
  {
    const size_t n = std::min(held.ids.size(), static_cast<size_t>(std::max<int64_t>(o.eval_tokens, o.seq_len)));
    eval_ids.assign(held.ids.begin(), held.ids.begin() + n);
  }
  const int64_t eval_bytes = held.ids.empty() ? 0 : held.n_bytes * static_cast<int64_t>(eval_ids.size()) /
                                                        static_cast<int64_t>(held.ids.size());
  auto evaluate = [&](double* bpb) {
    compat::AutocastGuard autocast(device.type(), at::kBFloat16, bf16);
    return eval::stream_loss(*model, eval_ids, o.seq_len, o.micro_batch, eval_bytes, bpb);
  };

  PretrainResult res;
  res.resumed = resumed;
  Progress bar("pretrain", total_steps * tokens_per_step, "tok");
  const auto t0 = std::chrono::steady_clock::now();
  const int64_t start_step = st.step;
  double window_loss = 0.0;
  int64_t window_n = 0;
  const int64_t n_micro = o.batch_size / o.micro_batch;
  const int64_t end_step = stop_after_steps > 0 ? std::min(total_steps, st.step + stop_after_steps) : total_steps;
  while (st.step < end_step) {
    const double lr = lr_at(sched, st.step);
    set_lr(*opt, lr);
    opt->zero_grad();
    double step_loss = 0.0;
    for (int64_t m = 0; m < n_micro; ++m) {
      auto batch = sample_batch(train.ids, o.seq_len, o.micro_batch, static_cast<uint64_t>(o.seed), st.step, m)
                       .to(device);  // (B, T+1)
      torch::Tensor loss;
      {
        compat::AutocastGuard autocast(device.type(), at::kBFloat16, bf16);
        auto logits = model->forward(batch.slice(1, 0, o.seq_len));  // (B, T, V)
        loss = torch::nn::functional::cross_entropy(
            logits.reshape({-1, logits.size(2)}).to(torch::kFloat), batch.slice(1, 1).reshape({-1}));
      }
      (loss / static_cast<double>(n_micro)).backward();
      step_loss += loss.item<double>() / n_micro;
    }
    if (!std::isfinite(step_loss)) {
      fail("{}: training loss became {} at step {} (lr {:.3g}); the last checkpoint ({}) is intact — "
           "lower lr or raise warmup_steps and rerun to resume", out.string(), step_loss, st.step, lr,
           (out / "checkpoint").string());
    }
    const double gnorm = clip_grad_norm(params, o.grad_clip);
    opt->step();
    ++st.step;
    st.tokens_seen += tokens_per_step;
    window_loss += step_loss;
    ++window_n;
    bar.update(st.step * tokens_per_step, fmt::format("loss {:.3f} lr {:.2e}", step_loss, lr));

    const bool last = st.step == total_steps;
    if ((o.eval_every > 0 && st.step % o.eval_every == 0) || last) {
      double bpb = 0.0;
      const double hl = evaluate(&bpb);
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      nlohmann::json j{{"step", st.step}, {"tokens_seen", st.tokens_seen}, {"lr", lr},
                       {"train_loss", window_loss / window_n}, {"heldout_loss", hl},
                       {"heldout_bits_per_byte", bpb}, {"grad_norm", gnorm},
                       {"tokens_per_second", (st.step - start_step) * tokens_per_step / std::max(1e-9, secs)}};
      metrics << j.dump() << "\n" << std::flush;
      bar.note(fmt::format("step {}: train {:.4f}, held-out {:.4f} nats/token, {:.4f} bits/byte", st.step,
                           window_loss / window_n, hl, bpb));
      res.train_loss = window_loss / window_n;
      res.heldout_loss = hl;
      res.heldout_bits_per_byte = bpb;
      window_loss = 0.0;
      window_n = 0;
    }
    if ((o.checkpoint_every > 0 && st.step % o.checkpoint_every == 0) || st.step == end_step) {
      save_checkpoint(*model, *opt, st, out, config_toml);
    }
  }
  bar.finish();
  res.steps = st.step;
  res.tokens_seen = st.tokens_seen;
  res.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  res.tokens_per_second = (st.step - start_step) * tokens_per_step / std::max(1e-9, res.wall_seconds);

  if (st.step == total_steps) {
    if (res.heldout_loss == 0.0) res.heldout_loss = evaluate(&res.heldout_bits_per_byte);
    const fs::path tmp = out / ".model.tmp";
    fs::remove_all(tmp);
    models::save_model(*model, tmp, {.dtype = models::parse_float_dtype(o.save_dtype, "save_dtype")});
    tok.save(tmp / "tokenizer.json");
    const auto c = model->count_parameters();
    nlohmann::json card{{"tokens_seen", st.tokens_seen}, {"steps", st.step},
                        {"parameters", c.total}, {"non_embedding_parameters", c.non_embedding},
                        {"heldout_loss", res.heldout_loss}, {"heldout_bits_per_byte", res.heldout_bits_per_byte},
                        {"train_loss", res.train_loss}, {"tokens_per_second", res.tokens_per_second},
                        {"device", o.device}, {"precision", bf16 ? "bfloat16" : "float32"},
                        {"git_commit", git_commit()}};
    write_file_atomic(tmp / "training.json", card.dump(2));
    replace_dir(tmp, out / "model");
    log::info("wrote {}", (out / "model").string());
  }
  return res;
}

}  // namespace w2s::train
