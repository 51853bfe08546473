#include "tiny_family.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "w2s/core/error.h"
#include "w2s/core/rng.h"
#include "w2s/io/jsonl.h"
#include "w2s/models/checkpoint.h"
#include "w2s/models/config.h"
#include "w2s/tokenizer/bpe_trainer.h"

namespace fs = std::filesystem;

namespace w2s::test {

namespace {
const std::vector<std::string> kWords = {"red", "blue", "green", "stone", "river", "cloud", "apple", "pear",
                                         "cat", "dog",  "house", "tree",  "light", "dark",  "sun",   "moon"};
const std::vector<std::string> kPositive = {"apple", "pear", "sun", "moon", "tree", "cat", "river", "light"};
}  // namespace

std::string make_toy_task(const fs::path& path, int n, uint64_t seed) {
  Rng rng(seed);
  std::vector<nlohmann::json> rows;
  for (int i = 0; i < n; ++i) {
    const int len = 3 + static_cast<int>(rng.below(5));
    std::string text;
    std::string last;
    for (int k = 0; k < len; ++k) {
      last = kWords[rng.below(kWords.size())];
      text += (k ? " " : "") + last;
    }
    const bool pos = std::find(kPositive.begin(), kPositive.end(), last) != kPositive.end();
    rows.push_back({{"text", text + " " + std::to_string(i)}, {"label", pos ? 1 : 0}});
  }
  // Put the id number first so that the last word decides the label.
  for (auto& r : rows) {
    std::string t = r["text"];
    const auto sp = t.rfind(' ');
    r["text"] = t.substr(sp + 1) + " " + t.substr(0, sp);
  }
  fs::create_directories(path.parent_path());
  io::write_jsonl(path, rows);
  return "jsonl:" + path.string();
}

namespace {

/// The toy words that are not label-1 words.
std::vector<std::string> negative_words() {
  std::vector<std::string> negative;
  for (const auto& w : kWords)
    if (std::find(kPositive.begin(), kPositive.end(), w) == kPositive.end()) negative.push_back(w);
  return negative;
}

/// Row i's prompt: its number and 2 to 5 random toy words.
std::string toy_prompt(int i, Rng& rng) {
  std::string prompt = std::to_string(i);
  const int len = 2 + static_cast<int>(rng.below(4));
  for (int k = 0; k < len; ++k) prompt += " " + kWords[rng.below(kWords.size())];
  return prompt;
}

}  // namespace

std::string make_toy_comparisons(const fs::path& path, int n, uint64_t seed) {
  Rng rng(seed);
  const auto negative = negative_words();
  std::vector<nlohmann::json> rows;
  for (int i = 0; i < n; ++i) {
    const std::string prompt = toy_prompt(i, rng);
    rows.push_back({{"prompt", prompt},
                    {"chosen", " " + kPositive[rng.below(kPositive.size())]},
                    {"rejected", " " + negative[rng.below(negative.size())]}});
  }
  fs::create_directories(path.parent_path());
  io::write_jsonl(path, rows);
  return "jsonl:" + path.string() + "?prompt=prompt&chosen=chosen&rejected=rejected";
}

std::string make_toy_questions(const fs::path& path, int n, uint64_t seed, int max_choices) {
  Rng rng(seed);
  const auto negative = negative_words();
  std::vector<nlohmann::json> rows;
  for (int i = 0; i < n; ++i) {
    const std::string prompt = toy_prompt(i, rng);
    const int k = 2 + static_cast<int>(rng.below(static_cast<uint64_t>(max_choices - 1)));
    const int answer = static_cast<int>(rng.below(static_cast<uint64_t>(k)));
    std::vector<std::string> choices;
    for (int j = 0; j < k; ++j)
      choices.push_back(" " +
                        (j == answer ? kPositive[rng.below(kPositive.size())] : negative[rng.below(negative.size())]));
    rows.push_back({{"id", "q" + std::to_string(i)}, {"prompt", prompt}, {"choices", choices}, {"answer", answer}});
  }
  fs::create_directories(path.parent_path());
  io::write_jsonl(path, rows);
  return "jsonl:" + path.string() + "?prompt=prompt&choices=choices&label=answer&id=id";
}

std::vector<fs::path> make_tiny_family(const fs::path& dir, const std::vector<int64_t>& widths,
                                       const std::vector<std::string>& model_types) {
  check(model_types.size() == 1 || model_types.size() == widths.size(),
        "make_tiny_family: {} model types for {} widths", model_types.size(), widths.size());
  std::vector<std::string> texts;
  for (int r = 0; r < 20; ++r)
    for (const auto& w : kWords) texts.push_back(w + " " + std::to_string(r) + " " + w);
  tokenizer::TrainerOptions to;
  to.vocab_size = 300;
  to.min_frequency = 1;
  to.n_threads = 1;
  to.log_every = 0;
  const auto tok = tokenizer::train_bpe({.files = {}, .texts = texts}, to);
  std::vector<fs::path> out;
  for (size_t i = 0; i < widths.size(); ++i) {
    const int64_t d = widths[i];
    const std::string& type = model_types[model_types.size() == 1 ? 0 : i];
    const fs::path m = dir / ((type == "gpt2" ? "tiny" : "tiny-" + type) + "-d" + std::to_string(d));
    auto cfg = models::tiny_config(type, tok.vocab_size(), d, 1, 2, type == "gpt2" || type == "gpt_neox" ? 2 : 1, 32);
    if (type == "mistral") {
      cfg.sliding_window = 4;
      cfg.use_sliding_window = true;
    }
    auto model = models::make_model(cfg);
    model->init_weights(static_cast<uint64_t>(d));
    models::save_model(*model, m);
    tok.save(m / "tokenizer.json");
    out.push_back(m);
  }
  return out;
}

}  // namespace w2s::test
