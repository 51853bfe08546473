// Forward+backward throughput of w2s's GPT-2 on CPU: tokens/s and achieved GFLOP/s, for a tiny
// model and a GPT-2-small-shaped one (124M). The baseline later performance work is compared to.
//   build/bench/model_bench [--benchmark_filter=Tiny]
// FLOPs per token ≈ 6·N (N = non-embedding params + LM head) + 12·n_layer·T·d_model (attention).
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include "w2s/core/threads.h"
#include "w2s/core/torch_compat.h"
#include "w2s/models/config.h"
#include "w2s/models/transformer.h"

namespace {

using w2s::models::ModelConfig;

ModelConfig gpt2_shape(int64_t d_model, int64_t n_layer, int64_t n_head, int64_t vocab, int64_t n_ctx) {
  auto c = w2s::models::tiny_config("gpt2", vocab, d_model, n_layer, n_head, n_head, n_ctx);
  c.d_ff = 4 * d_model;
  return c;
}

void run(benchmark::State& state, const ModelConfig& cfg, int64_t batch, int64_t seq, bool bf16) {
  w2s::set_threads(0);
  torch::manual_seed(0);
  auto model = w2s::models::make_model(cfg);
  model->init_weights(0);
  model->train();
  auto ids = torch::randint(cfg.vocab_size, {batch, seq}, torch::kLong);  // (B, T)
  const auto count = model->count_parameters();
  const double flops_per_token =
      6.0 * (count.non_embedding + cfg.vocab_size * cfg.d_model) + 12.0 * cfg.n_layer * seq * cfg.d_model;
  for (auto _ : state) {
    model->zero_grad();
    torch::Tensor loss;
    {
      w2s::compat::AutocastGuard autocast(c10::DeviceType::CPU, at::kBFloat16, bf16);
      auto logits = model->forward(ids);  // (B, T, V)
      loss = torch::nn::functional::cross_entropy(
          logits.slice(1, 0, seq - 1).reshape({-1, cfg.vocab_size}).to(torch::kFloat),
          ids.slice(1, 1, seq).reshape({-1}));
    }
    loss.backward();
    benchmark::DoNotOptimize(loss.item<float>());
  }
  const double tokens = static_cast<double>(batch * seq) * state.iterations();
  state.counters["tokens/s"] = benchmark::Counter(tokens, benchmark::Counter::kIsRate);
  state.counters["GFLOP/s"] = benchmark::Counter(tokens * flops_per_token / 1e9, benchmark::Counter::kIsRate);
  state.counters["params_M"] = count.total / 1e6;
}

void BM_Tiny_FwdBwd(benchmark::State& s) { run(s, gpt2_shape(128, 4, 4, 8192, 256), 8, 256, false); }
void BM_Tiny_FwdBwd_BF16(benchmark::State& s) { run(s, gpt2_shape(128, 4, 4, 8192, 256), 8, 256, true); }
void BM_GPT2Small_FwdBwd(benchmark::State& s) { run(s, gpt2_shape(768, 12, 12, 50257, 1024), 1, 256, false); }
void BM_GPT2Small_FwdBwd_BF16(benchmark::State& s) { run(s, gpt2_shape(768, 12, 12, 50257, 1024), 1, 256, true); }

BENCHMARK(BM_Tiny_FwdBwd)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3.0);
BENCHMARK(BM_Tiny_FwdBwd_BF16)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3.0);
BENCHMARK(BM_GPT2Small_FwdBwd)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(5.0);
BENCHMARK(BM_GPT2Small_FwdBwd_BF16)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(5.0);

}  // namespace

BENCHMARK_MAIN();
