#include "w2s/models/lora.h"

#include <fmt/format.h>
#include <fmt/ranges.h>  // fmt::join (fmt ≥ 11 keeps it here; libtorch 2.x ships fmt 11)

#include "w2s/core/error.h"

namespace w2s::models {

Lora::Lora(torch::nn::Module& model, const LoraOptions& o, uint64_t seed) {
  check(o.rank >= 1, "lora rank must be at least 1, got {}", o.rank);
  check(!o.targets.empty(), "lora targets must name at least one module");
  scale_ = o.alpha / static_cast<double>(o.rank);
  for (auto& p : model.parameters()) p.set_requires_grad(false);
  auto gen = at::detail::createCPUGenerator(seed);
  std::vector<std::string> all;
  for (const auto& item : model.named_modules()) {
    auto* linear = dynamic_cast<torch::nn::LinearImpl*>(item.value().get());
    if (!linear) continue;
    all.push_back(item.key());
    bool hit = false;
    for (const auto& t : o.targets)  // "attn" also names GPT-NeoX's `attention` modules
      hit |= item.key().find(t) != std::string::npos ||
             (t == "attn" && item.key().find("attention.") != std::string::npos);
    if (!hit) continue;
    const auto w = linear->weight.detach();  // (out, in)
    const int64_t out = w.size(0), in = w.size(1);
    auto a = at::normal(0.0, 1.0 / std::sqrt(static_cast<double>(o.rank)), {o.rank, in}, gen).to(w.options());
    auto b = torch::zeros({out, o.rank}, w.options());
    a.set_requires_grad(true);
    b.set_requires_grad(true);
    adapted_.push_back({linear, w, a, b});
    names_.push_back(item.key());
  }
  check(!adapted_.empty(), "lora targets [{}] match no Linear module; the model has: {}", fmt::join(o.targets, ", "),
        fmt::join(all, ", "));
}

std::vector<torch::Tensor> Lora::parameters() const {
  std::vector<torch::Tensor> out;
  for (const auto& a : adapted_) {
    out.push_back(a.a);
    out.push_back(a.b);
  }
  return out;
}

void Lora::apply() {
  for (auto& a : adapted_) a.linear->weight = a.base + scale_ * torch::mm(a.b, a.a);  // (out, in)
}

int64_t Lora::n_parameters() const {
  int64_t n = 0;
  for (const auto& a : adapted_) n += a.a.numel() + a.b.numel();
  return n;
}

}  // namespace w2s::models
