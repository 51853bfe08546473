// Causal-LM pretraining / generative finetuning with exact resume: an LmObjective through the
// Trainer, with a log observer (held-out loss, metrics.jsonl, progress) and a checkpointer.
#include "w2s/train/pretrain.h"

#include <fmt/format.h>
#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>

#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/core/log.h"
#include "w2s/core/progress.h"
#include "w2s/core/torch_compat.h"
#include "w2s/core/version.h"
#include "w2s/dist/process_group.h"
#include "w2s/eval/lm_eval.h"
#include "w2s/io/atomic_dir.h"
#include "w2s/io/file_lock.h"
#include "w2s/io/json_read.h"
#include "w2s/models/checkpoint.h"
#include "w2s/train/compute.h"
#include "w2s/train/lm_objective.h"
#include "w2s/train/optim.h"
#include "w2s/train/token_stream.h"
#include "w2s/train/trainer.h"

namespace fs = std::filesystem;

namespace w2s::train {

const config::Schema<ModelShape>& ModelShape::schema() {
  static const auto s = config::Schema<ModelShape>()
                            .field("model_type", &ModelShape::model_type, "architecture",
                                   {"gpt2", "gpt_neox", "llama", "mistral", "qwen2", "qwen3"})
                            .field("d_model", &ModelShape::d_model, "residual width")
                            .field("n_layer", &ModelShape::n_layer, "transformer blocks")
                            .field("n_head", &ModelShape::n_head, "attention heads")
                            .field("n_head_kv", &ModelShape::n_head_kv, "key/value heads (0 = n_head)")
                            .field("d_ff", &ModelShape::d_ff,
                                   "MLP width (0 = 4·d_model for gpt2 and gpt_neox, 8/3·d_model for the llama family)")
                            .field("n_ctx", &ModelShape::n_ctx, "max positions");
  return s;
}

const config::Schema<PretrainOptions>& PretrainOptions::schema() {
  using O = PretrainOptions;
  static const auto s =
      config::Schema<O>()
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

tokenizer::Tokenizer load_tokenizer(const std::string& path) {
  const fs::path p(path);
  check(fs::exists(p),
        "tokenizer '{}' not found (train one with `w2s tokenizer train`, or run "
        "scripts/setup.sh)",
        path);
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
  if (m.d_ff > 0)
    c.d_ff = m.d_ff;
  else if (m.model_type == "gpt2" || m.model_type == "gpt_neox")
    c.d_ff = 4 * m.d_model;
  else
    c.d_ff = ((8 * m.d_model / 3) + 63) / 64 * 64;
  c.eos_token_id = tok.eos_id();
  c.bos_token_id = tok.bos_id() ? tok.bos_id() : tok.eos_id();
  c.validate("[model] section");
  return c;
}

struct State {
  int64_t step = 0;
  int64_t tokens_seen = 0;
};

}  // namespace

std::string first_nonfinite_parameter(torch::nn::Module& module) {
  for (const auto& item : module.named_parameters())
    if (!torch::isfinite(item.value()).all().item().toBool()) return item.key();
  return "";
}

namespace {

void save_checkpoint(models::TransformerImpl& model, torch::optim::Optimizer& opt, const State& st, const fs::path& out,
                     const std::string& config_toml) {
  // Never checkpoint non-finite weights: the previous checkpoint must stay the one a resume uses.
  const std::string bad = first_nonfinite_parameter(model);
  check(bad.empty(),
        "{}: parameter {} is not finite at step {}; not checkpointed, so the last checkpoint ({}) is intact: lower "
        "lr or raise warmup_steps and resume",
        out.string(), bad, st.step, (out / "checkpoint").string());
  const fs::path tmp = out / ".checkpoint.tmp";
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  models::save_model(model, tmp, {.dtype = torch::kFloat});
  torch::save(opt, (tmp / "optimizer.pt").string());
  nlohmann::json j{{"step", st.step}, {"tokens_seen", st.tokens_seen}, {"git_commit", git_commit()}};
  write_file_atomic(tmp / "state.json", j.dump(2));
  write_file_atomic(tmp / "config.toml", config_toml);
  io::replace_dir(tmp, out / "checkpoint");
}

/// Progress, the training loss over a logging window, and the held-out evaluations written to
/// metrics.jsonl (every eval_every steps and at the end).
class PretrainLog : public TrainObserver {
 public:
  PretrainLog(const PretrainOptions& o, State& st, PretrainResult& res, Progress& bar, std::ofstream& metrics,
              std::function<double(double*)> evaluate, int64_t tokens_per_step)
      : o_(o),
        st_(st),
        res_(res),
        bar_(bar),
        metrics_(metrics),
        evaluate_(std::move(evaluate)),
        tokens_per_step_(tokens_per_step) {}

  void on_start(int64_t step, int64_t) override {
    start_step_ = step;
    t0_ = std::chrono::steady_clock::now();
  }

  void on_step(const StepReport& r) override {
    st_.step = r.step;
    st_.tokens_seen += tokens_per_step_;
    window_loss_ += r.loss;
    ++window_n_;
    bar_.update(r.step * tokens_per_step_, fmt::format("loss {:.3f} lr {:.2e}", r.loss, r.lr));
    if ((o_.eval_every > 0 && r.step % o_.eval_every == 0) || r.step == r.total_steps) {
      double bpb = 0.0;
      const double hl = evaluate_(&bpb);
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
      nlohmann::json j{{"step", r.step},
                       {"tokens_seen", st_.tokens_seen},
                       {"lr", r.lr},
                       {"train_loss", window_loss_ / window_n_},
                       {"heldout_loss", hl},
                       {"heldout_bits_per_byte", bpb},
                       {"grad_norm", r.grad_norm},
                       {"tokens_per_second", (r.step - start_step_) * tokens_per_step_ / std::max(1e-9, secs)}};
      metrics_ << j.dump() << "\n" << std::flush;
      bar_.note(fmt::format("step {}: train {:.4f}, held-out {:.4f} nats/token, {:.4f} bits/byte", r.step,
                            window_loss_ / window_n_, hl, bpb));
      res_.train_loss = window_loss_ / window_n_;
      res_.heldout_loss = hl;
      res_.heldout_bits_per_byte = bpb;
      window_loss_ = 0.0;
      window_n_ = 0;
    }
  }

 private:
  const PretrainOptions& o_;
  State& st_;
  PretrainResult& res_;
  Progress& bar_;
  std::ofstream& metrics_;
  std::function<double(double*)> evaluate_;
  int64_t tokens_per_step_;
  int64_t start_step_ = 0;
  std::chrono::steady_clock::time_point t0_;
  double window_loss_ = 0.0;
  int64_t window_n_ = 0;
};

/// Resumable checkpoints every checkpoint_every steps and when the run stops.
class Checkpointer : public TrainObserver {
 public:
  Checkpointer(models::TransformerImpl& model, torch::optim::Optimizer& opt, const State& st, fs::path out,
               std::string config_toml, int64_t every, int64_t end_step)
      : model_(model),
        opt_(opt),
        st_(st),
        out_(std::move(out)),
        config_toml_(std::move(config_toml)),
        every_(every),
        end_step_(end_step) {}

  void on_step(const StepReport& r) override {
    if ((every_ > 0 && r.step % every_ == 0) || r.step == end_step_)
      save_checkpoint(model_, opt_, st_, out_, config_toml_);
  }

 private:
  models::TransformerImpl& model_;
  torch::optim::Optimizer& opt_;
  const State& st_;
  fs::path out_;
  std::string config_toml_;
  int64_t every_, end_step_;
};

}  // namespace

PretrainResult pretrain(const PretrainOptions& o, int64_t stop_after_steps, bool writes) {
  check(o.seq_len >= 2, "seq_len must be at least 2");
  check(o.batch_size >= 1 && o.micro_batch >= 1, "batch_size and micro_batch must be positive");
  check(o.batch_size % o.micro_batch == 0, "batch_size ({}) must be a multiple of micro_batch ({})", o.batch_size,
        o.micro_batch);
  check(o.tokens > 0, "tokens must be positive");
  const Compute compute = resolve_compute(o.device, o.precision);
  const torch::Device device = compute.device;
  const bool bf16 = compute.bf16;
  const fs::path out(o.out);
  const std::string config_toml = config::dump_toml(o, PretrainOptions::schema());
  // One writer per output folder: a requeued job must not mix its weights with a live
  // predecessor's optimizer state. The kernel drops the lock when a process dies, however it dies.
  std::optional<io::FileLock> out_lock;
  if (writes) {
    fs::create_directories(out);
    out_lock.emplace(out / ".lock");
    check(out_lock->try_lock(),
          "{}: another w2s pretrain is writing to this folder (it holds {}); wait for it to end, or pass another "
          "--out",
          out.string(), (out / ".lock").string());
    write_file_atomic(out / "config.toml", config_toml);
  }

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
    const auto j = io::read_json_file(ckpt / "state.json");
    io::naming_file(ckpt / "state.json", [&] {
      st.step = j.at("step").get<int64_t>();
      st.tokens_seen = j.at("tokens_seen").get<int64_t>();
    });
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
  log::info("model: {} params ({} non-embedding), {} steps × {} tokens, {}", count.total, count.non_embedding,
            total_steps, tokens_per_step, bf16 ? "bf16 autocast" : "float32");

  auto params = model->parameters();
  auto opt = make_adamw(params, {.lr = o.lr, .beta1 = o.beta1, .beta2 = o.beta2, .weight_decay = o.weight_decay});
  if (resumed) torch::load(*opt, (ckpt / "optimizer.pt").string());
  const ScheduleOptions sched{
      .lr_peak = o.lr, .min_lr_ratio = o.min_lr_ratio, .warmup_steps = o.warmup_steps, .total_steps = total_steps};

  // Metrics: drop lines written after the checkpoint we resume from.
  const fs::path metrics_path = out / "metrics.jsonl";
  if (writes) {
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
  std::ofstream metrics;  // only the writing rank opens it
  if (writes) metrics.open(metrics_path, std::ios::app);
  if (dist::world_size() > 1 && (o.batch_size / o.micro_batch) % dist::world_size() != 0)
    log::warn("data-parallel: {} micro-batches per step do not divide among {} processes; some wait for others",
              o.batch_size / o.micro_batch, dist::world_size());

  std::vector<int64_t> eval_ids;  // held-out stream, capped
  {
    const size_t n = std::min(held.ids.size(), static_cast<size_t>(std::max<int64_t>(o.eval_tokens, o.seq_len)));
    eval_ids.assign(held.ids.begin(), held.ids.begin() + n);
  }
  const int64_t eval_bytes =
      held.ids.empty() ? 0
                       : held.n_bytes * static_cast<int64_t>(eval_ids.size()) / static_cast<int64_t>(held.ids.size());
  auto evaluate = [&](double* bpb) {
    compat::AutocastGuard autocast(device.type(), at::kBFloat16, bf16);
    return eval::stream_loss(*model, eval_ids, o.seq_len, o.micro_batch, eval_bytes, bpb);
  };

  PretrainResult res;
  res.resumed = resumed;
  Progress bar("pretrain", total_steps * tokens_per_step, "tok");
  const int64_t start_step = st.step;
  const int64_t end_step = stop_after_steps > 0 ? std::min(total_steps, st.step + stop_after_steps) : total_steps;
  LmObjective objective(*model, train.ids,
                        {.seq_len = o.seq_len,
                         .batch_size = o.batch_size,
                         .micro_batch = o.micro_batch,
                         .seed = static_cast<uint64_t>(o.seed)},
                        compute);
  Trainer trainer(params, *opt,
                  {.schedule = sched,
                   .grad_clip = o.grad_clip,
                   .what = "pretraining " + out.string(),
                   .on_nonfinite = fmt::format("the last checkpoint ({}) is intact: lower lr or raise warmup_steps "
                                               "and rerun to resume",
                                               (out / "checkpoint").string())});
  PretrainLog log_observer(o, st, res, bar, metrics, evaluate, tokens_per_step);
  Checkpointer checkpointer(*model, *opt, st, out, config_toml, o.checkpoint_every, end_step);
  trainer.observe(log_observer);
  if (writes) trainer.observe(checkpointer);
  const auto t0 = std::chrono::steady_clock::now();
  trainer.run(objective, st.step, end_step);
  bar.finish();
  res.steps = st.step;
  res.tokens_seen = st.tokens_seen;
  res.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  res.tokens_per_second = (st.step - start_step) * tokens_per_step / std::max(1e-9, res.wall_seconds);

  if (st.step == total_steps && writes) {
    if (res.heldout_loss == 0.0) res.heldout_loss = evaluate(&res.heldout_bits_per_byte);
    const fs::path tmp = out / ".model.tmp";
    fs::remove_all(tmp);
    models::save_model(*model, tmp, {.dtype = models::parse_float_dtype(o.save_dtype, "save_dtype")});
    tok.save(tmp / "tokenizer.json");
    const auto c = model->count_parameters();
    nlohmann::json card{{"tokens_seen", st.tokens_seen},
                        {"steps", st.step},
                        {"parameters", c.total},
                        {"non_embedding_parameters", c.non_embedding},
                        {"heldout_loss", res.heldout_loss},
                        {"heldout_bits_per_byte", res.heldout_bits_per_byte},
                        {"train_loss", res.train_loss},
                        {"tokens_per_second", res.tokens_per_second},
                        {"device", o.device},
                        {"precision", bf16 ? "bfloat16" : "float32"},
                        {"git_commit", git_commit()}};
    write_file_atomic(tmp / "training.json", card.dump(2));
    io::replace_dir(tmp, out / "model");
    log::info("wrote {}", (out / "model").string());
  }
  return res;
}

}  // namespace w2s::train
