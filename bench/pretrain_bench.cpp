// Pretraining-step throughput of a family member: the step `w2s pretrain` takes — the Trainer over
// an LmObjective (window sampling, forward, cross-entropy, backward, finite checks, grad clipping,
// AdamW) — on a random token stream, as tokens/s and GFLOP/s.
// bench/reference/pretrain_step.py runs the same model and step in eager PyTorch;
// bench/reference/compare.sh prints both, at equal precision, and the ratio.
//   build/bench/pretrain_bench configs/family/xs.toml [steps=20] [warmup=3] [precision=config's]
// FLOPs per token = 6·(non-embedding params + LM head) + 12·n_layer·T·d_model (attention).
#include <fmt/format.h>
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "w2s/config/schema.h"
#include "w2s/core/rng.h"
#include "w2s/core/threads.h"
#include "w2s/models/config.h"
#include "w2s/models/transformer.h"
#include "w2s/train/compute.h"
#include "w2s/train/lm_objective.h"
#include "w2s/train/optim.h"
#include "w2s/train/pretrain.h"
#include "w2s/train/trainer.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: pretrain_bench CONFIG.toml [steps] [warmup] [precision]\n");
    return 2;
  }
  try {
    w2s::train::PretrainOptions o;
    w2s::config::apply(o, w2s::train::PretrainOptions::schema(), w2s::config::parse_toml_file(argv[1]), argv[1]);
    const int steps = argc > 2 ? std::stoi(argv[2]) : 20;
    const int warmup = argc > 3 ? std::stoi(argv[3]) : 3;
    if (argc > 4) o.precision = argv[4];
    w2s::set_threads(0);
    const auto compute = w2s::train::resolve_compute("cpu", o.precision);
    const int64_t vocab = 8192;
    auto cfg = w2s::models::tiny_config(o.model.model_type, vocab, o.model.d_model, o.model.n_layer, o.model.n_head,
                                        o.model.n_head, o.model.n_ctx);
    cfg.d_ff = 4 * o.model.d_model;
    auto model = w2s::models::make_model(cfg);
    model->init_weights(0);
    model->train();
    std::vector<int32_t> ids(1 << 20);  // a random token stream
    w2s::Rng rng(0);
    for (auto& t : ids) t = static_cast<int32_t>(rng.below(vocab));
    const auto params = model->parameters();
    auto opt = w2s::train::make_adamw(
        params, {.lr = o.lr, .beta1 = o.beta1, .beta2 = o.beta2, .eps = 1e-8, .weight_decay = o.weight_decay});
    w2s::train::LmObjective objective(
        *model, ids, {.seq_len = o.seq_len, .batch_size = o.batch_size, .micro_batch = o.batch_size, .seed = 0},
        compute);
    w2s::train::Trainer trainer(
        params, *opt, {.schedule = {.lr_peak = o.lr, .total_steps = warmup + steps}, .grad_clip = o.grad_clip});
    struct LastLoss : w2s::train::TrainObserver {
      double loss = 0.0;
      void on_step(const w2s::train::StepReport& r) override { loss = r.loss; }
    } last;
    trainer.observe(last);
    trainer.run(objective, 0, warmup);
    const auto t0 = std::chrono::steady_clock::now();
    trainer.run(objective, warmup, warmup + steps);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const auto count = model->count_parameters();
    const double tokens = static_cast<double>(o.batch_size * o.seq_len) * steps;
    const double flops_per_token = 6.0 * static_cast<double>(count.non_embedding + vocab * cfg.d_model) +
                                   12.0 * cfg.n_layer * o.seq_len * cfg.d_model;
    fmt::print(
        "{{\"impl\": \"w2s\", \"config\": \"{}\", \"non_embedding\": {}, \"threads\": {}, \"precision\": \"{}\", "
        "\"steps\": {}, \"tokens_per_s\": {:.1f}, \"gflops\": {:.2f}, \"loss\": {:.4f}}}\n",
        argv[1], count.non_embedding, torch::get_num_threads(), compute.bf16 ? "bfloat16" : "float32", steps,
        tokens / secs, tokens * flops_per_token / secs / 1e9, last.loss);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
