// Causal-LM pretraining (and generative finetuning: the same loop from --init on a task's text):
// packed token windows, AdamW (β2 0.95, no decay on norms/biases), warmup + cosine, clipping,
// gradient accumulation, bf16 autocast, held-out loss, HF checkpoints, exact resume after kill -9.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "w2s/config/schema.h"

namespace torch::nn {
class Module;
}  // namespace torch::nn

namespace w2s::train {

/// Shape of a model trained from scratch (ignored with `init`).
struct ModelShape {
  std::string model_type = "gpt2";  // gpt2 | llama | qwen2
  int64_t d_model = 128;            // residual width
  int64_t n_layer = 4;              // blocks
  int64_t n_head = 4;               // attention heads
  int64_t n_head_kv = 0;            // key/value heads; 0 = n_head
  int64_t d_ff = 0;                 // MLP width; 0 = 4·d_model (gpt2) or 8/3·d_model (llama)
  int64_t n_ctx = 256;              // max positions
  static const config::Schema<ModelShape>& schema();
};

struct PretrainOptions {
  std::string out = "runs/pretrain";                        // output folder (checkpoint/, model/, logs)
  std::string init;                                         // start from this HF checkpoint (generative finetuning)
  std::string tokenizer = "data/tokenizer/tokenizer.json";  // tokenizer.json (or a folder with one)
  std::string corpus = "data/corpus/corpus.txt";            // training text
  std::string heldout = "data/corpus/heldout.txt";          // held-out text for loss / bits per byte
  std::string cache_dir = "data/cache";                     // token cache ("" = none)
  int64_t corpus_max_bytes = 0;                             // read only this prefix of the corpus (0 = all)
  ModelShape model;                                         // shape when training from scratch
  int64_t tokens = 10'000'000;                              // training tokens in total
  int64_t seq_len = 256;                                    // tokens per sequence (≤ n_ctx)
  int64_t batch_size = 32;                                  // sequences per optimizer step
  int64_t micro_batch = 16;                                 // sequences per forward/backward (accumulation)
  double lr = 1e-3;                                         // peak learning rate
  double min_lr_ratio = 0.1;                                // final lr / peak lr (cosine)
  int64_t warmup_steps = 100;                               // linear warmup steps
  double weight_decay = 0.1;                                // AdamW decoupled decay (matrices only)
  double beta1 = 0.9;                                       // AdamW β1
  double beta2 = 0.95;                                      // AdamW β2
  double grad_clip = 1.0;                                   // global grad-norm clip (0 = off)
  std::string precision = "auto";                           // auto | float32 | bfloat16 (autocast)
  std::string device = "cpu";                               // cpu | cuda
  int64_t eval_every = 200;                                 // steps between held-out evaluations
  int64_t eval_tokens = 131072;                             // held-out tokens per evaluation
  int64_t checkpoint_every = 200;                           // steps between resumable checkpoints
  int64_t seed = 0;                                         // init and batch order
  std::string save_dtype = "bfloat16";                      // dtype of the exported model/ (f32 checkpoint/ always)
  static const config::Schema<PretrainOptions>& schema();
};

struct PretrainResult {
  int64_t steps = 0;          // optimizer steps done
  int64_t tokens_seen = 0;    // training tokens consumed
  double train_loss = 0.0;    // mean loss over the last logging window (nats/token)
  double heldout_loss = 0.0;  // final held-out nats/token
  double heldout_bits_per_byte = 0.0;
  double wall_seconds = 0.0;       // this process's training time
  double tokens_per_second = 0.0;  // this process's throughput
  bool resumed = false;            // continued from a checkpoint
};

/// Run (or resume) pretraining. Writes <out>/checkpoint/ (f32 weights + optimizer + state, for
/// resume), <out>/model/ (HF GPT-2/Llama folder with tokenizer.json, in save_dtype),
/// <out>/metrics.jsonl and <out>/config.toml. `stop_after_steps` > 0 stops early (tests).
/// Data-parallel (dist/process_group.h), every rank trains its share of each batch; only a rank
/// with `writes` (rank 0, for a shared `out`) writes files, the others read a checkpoint to resume.
PretrainResult pretrain(const PretrainOptions& options, int64_t stop_after_steps = 0, bool writes = true);

/// The name of the first parameter of `module` with a NaN or infinite entry; "" when all are
/// finite. Checked before every checkpoint, so a resume never starts from broken weights.
std::string first_nonfinite_parameter(torch::nn::Module& module);

}  // namespace w2s::train
