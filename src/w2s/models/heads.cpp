// Sequence pooling, classification and scalar heads.
#include "w2s/models/heads.h"

#include <ATen/CPUGeneratorImpl.h>

#include "w2s/core/error.h"

namespace w2s::models {

torch::Tensor last_token_index(const torch::Tensor& attention_mask, int64_t B, int64_t T, torch::Device device) {
  auto opts = torch::TensorOptions().dtype(torch::kLong).device(device);
  if (!attention_mask.defined()) return torch::full({B}, T - 1, opts);  // (B)
  check(attention_mask.dim() == 2 && attention_mask.size(0) == B && attention_mask.size(1) == T,
        "pool_last_token: attention_mask shape {} does not match hidden states ({}, {})",
        c10::str(attention_mask.sizes()), B, T);
  auto idx = attention_mask.to(device).to(torch::kLong).sum(1) - 1;  // (B)
  check(idx.min().item<int64_t>() >= 0, "pool_last_token: a row of attention_mask has no real token");
  return idx;
}

torch::Tensor pool_last_token(const torch::Tensor& hidden, const torch::Tensor& attention_mask) {
  check(hidden.dim() == 3, "pool_last_token: hidden must be (B, T, C), got {}", c10::str(hidden.sizes()));
  const int64_t B = hidden.size(0), T = hidden.size(1);
  auto idx = last_token_index(attention_mask, B, T, hidden.device());  // (B)
  auto rows = torch::arange(B, torch::TensorOptions().dtype(torch::kLong).device(hidden.device()));
  return hidden.index({rows, idx});  // (B, C)
}

torch::Tensor pool_mean(const torch::Tensor& hidden, const torch::Tensor& attention_mask) {
  check(hidden.dim() == 3, "pool_mean: hidden must be (B, T, C), got {}", c10::str(hidden.sizes()));
  if (!attention_mask.defined()) return hidden.mean(1);  // (B, C)
  check(
      attention_mask.dim() == 2 && attention_mask.size(0) == hidden.size(0) && attention_mask.size(1) == hidden.size(1),
      "pool_mean: attention_mask shape {} does not match hidden states {}", c10::str(attention_mask.sizes()),
      c10::str(hidden.sizes()));
  auto m = attention_mask.to(hidden.device()).to(hidden.scalar_type()).unsqueeze(-1);  // (B, T, 1)
  return (hidden * m).sum(1) / m.sum(1).clamp_min(1.0);                                // (B, C)
}

torch::Tensor pool(const torch::Tensor& hidden, const torch::Tensor& attention_mask, Pooling pooling) {
  return pooling == Pooling::mean ? pool_mean(hidden, attention_mask) : pool_last_token(hidden, attention_mask);
}

ClassificationHeadImpl::ClassificationHeadImpl(int64_t d_model, HeadOptions options) : options_(std::move(options)) {
  check(d_model > 0 && options_.n_out > 0, "classification head: bad sizes d_model {} n_out {}", d_model,
        options_.n_out);
  score = register_module("score",
                          torch::nn::Linear(torch::nn::LinearOptions(d_model, options_.n_out).bias(options_.bias)));
  init_normal(0, 0.0);
}

torch::Tensor ClassificationHeadImpl::forward(const torch::Tensor& hidden, const torch::Tensor& attention_mask) {
  auto pooled = pool(hidden, attention_mask, options_.pooling);   // (B, C)
  return score->forward(pooled.to(score->weight.scalar_type()));  // (B, n_out)
}

void ClassificationHeadImpl::init_normal(uint64_t seed, double std) {
  torch::NoGradGuard no_grad;
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  auto w = at::empty(score->weight.sizes(), torch::TensorOptions().dtype(torch::kFloat));
  if (std > 0) {
    w.normal_(0.0, std, gen);
  } else {
    w.zero_();
  }
  score->weight.copy_(w);
  if (options_.bias) score->bias.zero_();
}

io::TensorMap ClassificationHeadImpl::tensors() const {
  io::TensorMap out;
  out[options_.prefix + ".weight"] = score->weight.detach().to(torch::kCPU, torch::kFloat).clone();
  if (options_.bias) out[options_.prefix + ".bias"] = score->bias.detach().to(torch::kCPU, torch::kFloat).clone();
  return out;
}

void ClassificationHeadImpl::load_tensors(const io::TensorMap& tensors, const std::string& source) {
  torch::NoGradGuard no_grad;
  auto load = [&](const std::string& name, torch::Tensor& dst) {
    auto it = tensors.find(name);
    if (it == tensors.end()) fail("{}: missing tensor '{}'", source, name);
    check(it->second.sizes() == dst.sizes(), "{}: tensor '{}' has shape {}, expected {}", source, name,
          c10::str(it->second.sizes()), c10::str(dst.sizes()));
    check(it->second.is_floating_point(), "{}: tensor '{}' is not floating point", source, name);
    dst.copy_(it->second);
  };
  load(options_.prefix + ".weight", score->weight);
  if (options_.bias) load(options_.prefix + ".bias", score->bias);
}

ScalarHeadImpl::ScalarHeadImpl(int64_t d_model, HeadOptions options) {
  options.n_out = 1;
  head = register_module("head", ClassificationHead(d_model, options));
}

torch::Tensor ScalarHeadImpl::forward(const torch::Tensor& hidden, const torch::Tensor& attention_mask) {
  return head->forward(hidden, attention_mask).squeeze(-1);  // (B)
}

}  // namespace w2s::models
