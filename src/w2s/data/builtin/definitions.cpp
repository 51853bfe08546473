// The `definitions` task: WordNet word/definition matching with same-part-of-speech distractors.
#include "w2s/data/builtin/definitions.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "w2s/core/error.h"
#include "w2s/core/rng.h"
#include "w2s/core/text.h"

namespace w2s::data {
namespace {

constexpr std::string_view kWordPrefix = "Word: ";
constexpr std::string_view kDefinitionPrefix = "\nDefinition: ";
constexpr std::string_view kQuestion = "\nIs this a meaning of the word?";
constexpr int kMaxNegativeTries = 200;

size_t count_words(std::string_view s) {
  size_t n = 0;
  bool in_word = false;
  for (char c : s) {
    const bool space = c == ' ' || c == '\t' || c == '\n';
    if (!space && !in_word) ++n;
    in_word = !space;
  }
  return n;
}

}  // namespace

std::string definitions_text(std::string_view word, std::string_view pos, std::string_view definition) {
  return fmt::format("{}{} ({}){}{}{}", kWordPrefix, word, pos, kDefinitionPrefix, definition, kQuestion);
}

std::optional<std::string> definitions_definition(std::string_view text) {
  if (text.rfind(kWordPrefix, 0) != 0) return std::nullopt;
  const size_t start = text.find(kDefinitionPrefix);
  if (start == std::string_view::npos) return std::nullopt;
  if (text.size() < kQuestion.size() ||
      text.compare(text.size() - kQuestion.size(), kQuestion.size(), kQuestion) != 0) {
    return std::nullopt;
  }
  const size_t begin = start + kDefinitionPrefix.size();
  const size_t end = text.size() - kQuestion.size();
  if (end < begin) return std::nullopt;
  return std::string(text.substr(begin, end - begin));
}

bool is_task_word(std::string_view lemma) {
  if (lemma.empty() || lemma.front() == '-' || lemma.back() == '-') return false;
  size_t letters = 0;
  char prev = 0;
  for (char c : lemma) {
    if (c >= 'a' && c <= 'z') {
      ++letters;
    } else if (c != '-' || prev == '-') {
      return false;
    }
    prev = c;
  }
  return letters >= 3;
}

Task build_definitions(const std::vector<Synset>& synsets, const std::unordered_map<std::string, int>& sense_counts,
                       const DefinitionsOptions& options, nlohmann::json* notes) {
  check(options.max_senses_per_word > 0, "definitions: max_senses_per_word must be > 0");
  // Every sense of every (lowercased) lemma, and every definition text of each lemma, so that a
  // negative is never a true sense by synset nor by identical wording.
  std::unordered_map<std::string, std::unordered_set<size_t>> senses_of;
  std::unordered_map<std::string, std::unordered_set<std::string>> definitions_of;
  for (size_t i = 0; i < synsets.size(); ++i) {
    for (const std::string& lemma : synsets[i].lemmas) {
      const std::string key = lower_ascii(lemma);
      senses_of[key].insert(i);
      definitions_of[key].insert(synsets[i].definition);
    }
  }
  // Usable synsets per part of speech (the negative pools), and the task words' usable senses.
  std::map<char, std::vector<size_t>> pool;
  std::map<std::string, std::vector<size_t>> word_senses;  // ordered: deterministic iteration
  const bool by_count = !sense_counts.empty() && options.min_sense_count > 0;
  for (size_t i = 0; i < synsets.size(); ++i) {
    const Synset& s = synsets[i];
    if (count_words(s.definition) < options.min_gloss_words) continue;
    bool used = false;
    for (size_t k = 0; k < s.lemmas.size(); ++k) {
      if (by_count && sense_count(sense_counts, s, k) < options.min_sense_count) continue;
      used = true;
      if (is_task_word(s.lemmas[k])) word_senses[s.lemmas[k]].push_back(i);
    }
    if (used) pool[s.pos].push_back(i);
  }
  std::vector<std::string> words;
  words.reserve(word_senses.size());
  for (const auto& [w, senses] : word_senses) words.push_back(w);
  Rng order(mix_seed(options.seed, hash_bytes("definitions/words")));
  shuffle_in_place(words, order);

  Task task;
  task.name = "definitions";
  task.description = "WordNet: is this a meaning of the word? (correct vs other-word definition)";
  size_t n_skipped_senses = 0;
  size_t n_words_test = 0, n_words_train = 0;
  for (const std::string& word : words) {
    const bool to_test = task.test.size() < options.n_test;
    if (!to_test && task.train.size() >= options.n_train) break;
    Rng rng(mix_seed(options.seed, hash_bytes(word)));
    std::vector<size_t> senses = word_senses[word];
    std::sort(senses.begin(), senses.end());
    senses.erase(std::unique(senses.begin(), senses.end()), senses.end());
    shuffle_in_place(senses, rng);
    if (senses.size() > options.max_senses_per_word) senses.resize(options.max_senses_per_word);
    std::sort(senses.begin(), senses.end());  // file order inside the word

    const auto& true_senses = senses_of[word];
    const auto& true_definitions = definitions_of[word];
    std::vector<Example> group;
    for (size_t si : senses) {
      const Synset& s = synsets[si];
      const std::vector<size_t>& candidates = pool[s.pos];
      std::optional<size_t> negative;
      for (int tries = 0; tries < kMaxNegativeTries && !negative; ++tries) {
        const size_t ci = candidates[rng.below(candidates.size())];
        if (true_senses.count(ci) || true_definitions.count(synsets[ci].definition)) continue;
        negative = ci;
      }
      if (!negative) {
        ++n_skipped_senses;
        continue;
      }
      const std::string display = lemma_text(word);
      const std::string pos = std::string(pos_name(s.pos));
      Example pos_ex;
      pos_ex.id = fmt::format("definitions/{}/{}/1", word, s.id);
      pos_ex.text = definitions_text(display, pos, s.definition);
      pos_ex.label = 1;
      pos_ex.group = "definitions/" + word;
      Example neg_ex;
      neg_ex.id = fmt::format("definitions/{}/{}/0", word, s.id);
      neg_ex.text = definitions_text(display, pos, synsets[*negative].definition);
      neg_ex.label = 0;
      neg_ex.group = pos_ex.group;
      group.push_back(std::move(pos_ex));
      group.push_back(std::move(neg_ex));
    }
    if (group.empty()) continue;
    std::vector<Example>& dest = to_test ? task.test : task.train;
    if (!to_test && dest.size() + group.size() > options.n_train) continue;
    (to_test ? n_words_test : n_words_train) += 1;
    for (Example& e : group) dest.push_back(std::move(e));
  }
  if (notes) {
    (*notes)["n_synsets"] = synsets.size();
    (*notes)["n_candidate_words"] = words.size();
    (*notes)["n_words_test"] = n_words_test;
    (*notes)["n_words_train"] = n_words_train;
    (*notes)["n_senses_without_negative"] = n_skipped_senses;
    (*notes)["max_senses_per_word"] = options.max_senses_per_word;
    (*notes)["min_sense_count"] = by_count ? options.min_sense_count : 0;
    (*notes)["negative_pool"] = {{"noun", pool['n'].size()},
                                 {"verb", pool['v'].size()},
                                 {"adjective", pool['a'].size()},
                                 {"adverb", pool['r'].size()}};
    (*notes)["template"] = definitions_text("WORD", "POS", "DEFINITION");
  }
  return task;
}

}  // namespace w2s::data
