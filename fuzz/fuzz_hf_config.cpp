// Fuzz target: a Hugging Face config.json. A config that loads must validate, and survive a round
// trip through to_hf_json() unchanged.
#include <nlohmann/json.hpp>
#include "support.h"

#include "w2s/models/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  w2s::fuzz::write_scratch("config.json", w2s::fuzz::as_text(data, size));
  w2s::fuzz::expect_clean("config.json", [&] {
    const auto config = w2s::models::load_config(w2s::fuzz::scratch_dir());
    config.validate("fuzz/config.json");
    const auto again = w2s::models::ModelConfig::from_hf_json(config.to_hf_json(), "fuzz/round-trip");
    w2s::fuzz::require(again.to_hf_json() == config.to_hf_json(), "config.json", "round trip changed the config");
  });
  return 0;
}
