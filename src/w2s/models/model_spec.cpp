// Model specs: checkpoint folders and their from-scratch twins.
#include "w2s/models/model_spec.h"

#include "w2s/core/rng.h"
#include "w2s/models/checkpoint.h"
#include "w2s/models/config.h"

namespace w2s::models {

bool is_scratch(const std::string& spec) { return spec.rfind(kScratchPrefix, 0) == 0; }

std::string backbone_dir(const std::string& spec) {
  return is_scratch(spec) ? spec.substr(std::string(kScratchPrefix).size()) : spec;
}

Transformer load_backbone(const std::string& spec, uint64_t seed, torch::Device device) {
  if (is_scratch(spec)) {
    auto model = make_model(load_config(backbone_dir(spec)));
    model->init_weights(mix_seed(seed, 0x5C2A7C8ULL));
    model->to(device);
    return model;
  }
  return load_model(spec, {.dtype = torch::kFloat, .device = device, .extra_prefixes = {"score."}});
}

}  // namespace w2s::models
