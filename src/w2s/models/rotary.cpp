// Rotary tables with the rope_scaling types Hugging Face checkpoints declare.
#include "w2s/models/rotary.h"

#include <cmath>
#include <numbers>

#include "w2s/core/error.h"

namespace w2s::models {
namespace {

torch::Tensor default_inv_freq(int64_t R, double theta) {
  auto i2 = torch::arange(0, R, 2, torch::TensorOptions().dtype(torch::kLong)).to(torch::kFloat);  // (R/2)
  return 1.0 / torch::pow(theta, i2 / static_cast<double>(R));                                     // (R/2)
}

/// Llama 3.1: wavelengths longer than original/low_freq_factor are stretched by `factor`, shorter
/// than original/high_freq_factor kept, and the band between interpolated smoothly.
torch::Tensor llama3_inv_freq(const torch::Tensor& inv_freq, const RopeScaling& s) {
  const double original = static_cast<double>(s.original_n_ctx);
  const double low_wavelen = original / s.low_freq_factor;
  const double high_wavelen = original / s.high_freq_factor;
  auto wavelen = 2.0 * std::numbers::pi / inv_freq;                                  // (R/2)
  auto scaled = torch::where(wavelen > low_wavelen, inv_freq / s.factor, inv_freq);  // (R/2)
  auto smooth = (original / wavelen - s.low_freq_factor) / (s.high_freq_factor - s.low_freq_factor);
  auto smoothed = (1.0 - smooth) * scaled / s.factor + smooth * scaled;  // (R/2)
  auto medium = (wavelen >= high_wavelen) & (wavelen <= low_wavelen);    // (R/2)
  return torch::where(medium, smoothed, scaled);
}

}  // namespace

torch::Tensor rotary_inv_freq(const ModelConfig& c, int64_t T) {
  const int64_t R = c.rotary_dims();
  const RopeScaling& s = c.rope_scaling;
  switch (s.type) {
    case RopeType::none:
      return default_inv_freq(R, c.rope_theta);
    case RopeType::linear:
      return default_inv_freq(R, c.rope_theta) / s.factor;
    case RopeType::dynamic: {
      // Dynamic NTK: beyond n_ctx positions, θ grows so the longest wavelength covers T.
      if (T <= c.n_ctx) return default_inv_freq(R, c.rope_theta);
      const double ratio = s.factor * static_cast<double>(T) / static_cast<double>(c.n_ctx) - (s.factor - 1.0);
      const double theta = c.rope_theta * std::pow(ratio, static_cast<double>(R) / static_cast<double>(R - 2));
      return default_inv_freq(R, theta);
    }
    case RopeType::llama3:
      return llama3_inv_freq(default_inv_freq(R, c.rope_theta), s);
  }
  fail("rotary_inv_freq: unknown rope scaling");
}

std::pair<torch::Tensor, torch::Tensor> rotary_tables(const ModelConfig& c, int64_t T, torch::Device device,
                                                      torch::Dtype dtype) {
  auto inv_freq = rotary_inv_freq(c, T).to(device);                                                          // (R/2)
  auto pos = torch::arange(T, torch::TensorOptions().dtype(torch::kLong).device(device)).to(torch::kFloat);  // (T)
  auto freqs = pos.unsqueeze(1) * inv_freq.unsqueeze(0);                                                     // (T, R/2)
  auto emb = torch::cat({freqs, freqs}, -1);                                                                 // (T, R)
  return {emb.cos().to(dtype), emb.sin().to(dtype)};
}

std::pair<torch::Tensor, torch::Tensor> rotary_tables(int64_t T, int64_t d_head, double theta, torch::Device device,
                                                      torch::Dtype dtype) {
  ModelConfig c;
  c.d_head = d_head;
  c.rope_theta = theta;
  return rotary_tables(c, T, device, dtype);
}

torch::Tensor apply_rotary(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin) {
  const int64_t R = cos.size(-1), half = R / 2;
  const bool partial = R < x.size(-1);
  auto xr = partial ? x.slice(-1, 0, R) : x;                             // (B, H, T, R)
  auto x1 = xr.slice(-1, 0, half), x2 = xr.slice(-1, half);              // (B, H, T, R/2) each
  auto rotated = xr * cos + torch::cat({-x2, x1}, -1) * sin;             // cos/sin (T, R) broadcast
  return partial ? torch::cat({rotated, x.slice(-1, R)}, -1) : rotated;  // (B, H, T, D)
}

}  // namespace w2s::models
