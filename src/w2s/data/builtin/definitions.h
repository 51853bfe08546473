// The built-in `definitions` task: "is this a meaning of WORD?" from WordNet 3.0 glosses — a
// knowledge task in the spirit of sciq (correct answer vs a distractor).
//
// Senses used: a (lemma, synset) pair whose lemma is lowercase letters (and inner hyphens, at
// least 3 letters), whose definition has at least `min_gloss_words` words, and — when sense counts
// from cntlist.rev are given — whose tag count is at least `min_sense_count` (the sense occurs in
// the semantic concordance: common senses of common words, not "astrogate"). For each chosen word,
// up to `max_senses_per_word` of its senses (random, seeded) each give two examples:
//   positive (label 1): the word with the definition of that synset;
//   negative (label 0): the word with the definition of a random synset of the same part of
//   speech, drawn from the synsets that have a used sense (so negatives and positives come from
//   the same distribution of definitions: no "genus of plants" shortcut), that is not a sense of
//   the word in any part of speech and whose definition text differs from every definition of
//   the word.
// So the task is balanced (50 % label 1). All examples of a word share the group
// "definitions/<word>" and the same part (test or train). The text template (fixed):
//
//   Word: bank (noun)
//   Definition: sloping land (especially the slope beside a body of water)
//   Is this a meaning of the word?
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "w2s/data/example.h"
#include "w2s/data/raw/wordnet.h"

namespace w2s::data {

/// How the definitions task is drawn.
struct DefinitionsOptions {
  uint64_t seed = 0;               // word order, sense choice and negatives derive from this
  size_t n_test = 2000;            // test examples: whole words are added until at least this many
  size_t n_train = 20000;          // train pool cap: whole words are added while they fit
  size_t max_senses_per_word = 2;  // senses (each a positive + a negative) per word
  size_t min_gloss_words = 2;      // definitions with fewer words are not used
  int min_sense_count = 1;         // tag count a sense needs (when counts are given); 0 = any
};

/// The example text for `word` (display form), part of speech ("noun", ...) and definition.
std::string definitions_text(std::string_view word, std::string_view pos, std::string_view definition);

/// The definition inside a text made by definitions_text (nullopt when it does not match).
std::optional<std::string> definitions_definition(std::string_view text);

/// True when `lemma` qualifies as a task word (lowercase letters and inner hyphens, >= 3 letters).
bool is_task_word(std::string_view lemma);

/// Build the task from parsed synsets and (optionally; empty = no frequency filter) the sense
/// counts of read_sense_counts(). `notes` (if given) receives counts for the manifest.
Task build_definitions(const std::vector<Synset>& synsets, const std::unordered_map<std::string, int>& sense_counts,
                       const DefinitionsOptions& options, nlohmann::json* notes = nullptr);

}  // namespace w2s::data
