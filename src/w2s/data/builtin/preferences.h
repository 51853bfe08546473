// The built-in comparison tasks (reward modeling), ground truth by construction. Each example is a
// prompt and two completions, the first preferred as built (splits draw the order per seed):
//   continuations     one or two held-out sentences, then the real next sentence vs a sentence of
//                     similar length from another held-out document;
//   minimal_pairs     a held-out sentence vs the same sentence with two adjacent words swapped
//                     (empty prompt);
//   definition_pairs  "Word: bank (noun)\nDefinition:" then the word's gloss vs the gloss of
//                     another word of the same part of speech (the `definitions` task's senses,
//                     words, negatives and test words, paired).
// Continuations and minimal pairs read the pretraining corpus's held-out documents
// (<data root>/corpus/heldout.txt, written by `w2s corpus build`): whole documents that
// corpus.txt, and so the built-in family, never saw. Both hold out a fixed test split of whole
// documents (about a fifth of the sentences); a continuation's distractor comes from another
// document of the same side, so no test sentence appears in a training pair. Examples of one
// document share a group, so seeds' train halves split by document too; generative finetuning
// reads the train split only. Sentences that also occur in the pretraining corpus are left out.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "w2s/data/builtin/definitions.h"
#include "w2s/data/example.h"

namespace w2s::data {

/// Consecutive sentences of one paragraph of prose.
struct Paragraph {
  size_t document = 0;                 // index of its document
  std::vector<std::string> sentences;  // in order
};

/// Paragraphs of the documents of a corpus text (documents end with a line "<|endoftext|>",
/// paragraphs with a blank line). Sentences end at . ! or ? followed by a space and a capital
/// letter or quote (not after a title such as "Mr." or an initial); only sentences of 4–60 words and 20–300 bytes are
/// kept, and lines that look like mail quotes, headers or URLs are dropped. A dropped sentence splits its paragraph, so
/// the sentences of each Paragraph follow each other in the text; empty ones are dropped.
std::vector<Paragraph> prose_paragraphs(std::string_view corpus_text);

/// Hashes (core/rng hash_bytes) of the sentences prose_paragraphs keeps from `text`.
std::unordered_set<uint64_t> sentence_hashes(std::string_view text);

struct PreferenceOptions {
  uint64_t seed = 0;           // distractors, swap positions
  size_t max_pairs = 0;        // cap on examples, train and test together (0 = all), in document order
  double test_fraction = 0.2;  // share of the kept sentences whose documents form the test split
  // Sentences never to use, as sentence_hashes (e.g. of the pretraining corpus: a held-out
  // document can quote text that other documents hold, such as a Bible verse repeated in two
  // books); null = none. Such a sentence is dropped as a filtered one is (it splits its run).
  const std::unordered_set<uint64_t>* exclude = nullptr;
};

/// The continuations task from the held-out documents' text. `notes` (if given) gets counts.
Task build_continuations(std::string_view heldout_text, const PreferenceOptions& options,
                         nlohmann::json* notes = nullptr);

/// The minimal-pairs task from the held-out documents' text.
Task build_minimal_pairs(std::string_view heldout_text, const PreferenceOptions& options,
                         nlohmann::json* notes = nullptr);

/// The definition-pairs task from the `definitions` task (built with the same options): each
/// word's senses paired with its negatives, train and test kept apart as there.
Task build_definition_pairs(const Task& definitions);

}  // namespace w2s::data
