// Hugging Face dataset exports (JSONL, one row per line, the datasets' own column names) turned
// into binary examples the way the weak-to-strong reference implementation formats them
// (openai/weak-to-strong, weak_to_strong/datasets.py; anli-r2 as in EleutherAI/w2s).
//
// Each entry: name (HF dataset; columns used) → text; label.
//   amazon_polarity (amazon_polarity; title, content, label) → "{title} {content}"; label as given.
//   sciq (allenai/sciq; question, correct_answer, distractor1..3) → "Q: {question} A: {answer}";
//     with p = 0.5 the correct answer (1), else a random distractor (0). Distractors equal to the
//     correct answer are never shown as wrong (the reference does not check).
//   boolq (boolq; passage, question, answer: bool) → "Passage: {passage}\nQuestion: {question}";
//     the answer. The reference tests on the validation split.
//   cosmos_qa (cosmos_qa; context, question, answer0..3, label: 0..3) →
//     "Context: {context}\nQuestion: {question}\nAnswer: {answer}"; with p = 0.5 the true answer
//     (1), else a random different one (0). A true answer containing "None of the above choices ."
//     always shows a different answer (0). Tested on the validation split.
//   anli (facebook/anli, r2 splits; premise, hypothesis, label: 0 entailment, 1 neutral,
//     2 contradiction) → "Premise: {premise}\nHypothesis: {hypothesis}\n\nDoes the premise entail
//     the hypothesis?"; 1 iff entailment.
//   hh_rlhf (Anthropic/hh-rlhf; chosen, rejected) → both conversations as examples, chosen 1 and
//     rejected 0, sharing one group (the reference keeps one of the two at random), plus one
//     PairExample per row whose prompt is the shared prefix ending at the last shared
//     "\n\nAssistant:".
//   hh_rlhf_pairs (the same export) → a comparison task: per row the shared prompt and the two
//     replies (the chosen one preferred); rows with an empty or identical reply are skipped.
//   sciq_mc, cosmos_qa_mc (the same exports) → multiple choice, as the datasets pose it: the
//     prompt "Q: {question} A:" (cosmos: "Context: …\nQuestion: …\nAnswer:") and the four answers
//     as choices (each after a space, in an order drawn per row; an answer that repeats another is
//     shown once), the label the correct one's index.
//
// Randomness: each row draws from its own Rng seeded by (seed, name, split, row index), so row i
// is formatted the same whatever rows follow it, and the same seed gives the same examples on
// every platform (the draws differ from Python's random.Random; the distribution is the same).
// Ids are "{name}/{split}/{row}" (hh_rlhf: ".../chosen", ".../rejected"); every example derived
// from one source row has the group "{name}/{split}/{row}".
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "w2s/data/example.h"

namespace w2s::data {

/// A registered formatter's description.
struct HfFormatInfo {
  std::string name;                          // registry name, e.g. "sciq"
  std::string hf_dataset;                    // the Hugging Face dataset it reads, e.g. "allenai/sciq"
  std::string train_split;                   // HF split to export as the training file
  std::string test_split;                    // HF split the reference uses as test
  std::string description;                   // one line
  TaskKind kind = TaskKind::classification;  // what its examples are
};

/// All registered formatters, in name order.
const std::vector<HfFormatInfo>& hf_formats();

/// The registered names, in order.
std::vector<std::string> hf_format_names();

/// The examples (and pairs, for hh_rlhf) formatted from one exported file.
struct HfRows {
  std::vector<Example> examples;   // binary examples
  std::vector<PairExample> pairs;  // pairwise form (hh_rlhf only)
  size_t n_rows = 0;               // source rows read
  size_t n_skipped = 0;            // rows that could not be formatted (logged with a reason)
};

/// Format one exported split file. `split` tags ids and groups ("train", "test").
/// Unknown `name` throws listing the known names; a missing or mistyped column throws FILE:LINE.
HfRows format_hf_file(const std::string& name, const std::filesystem::path& path, uint64_t seed,
                      const std::string& split = "train");

/// A Task from an exported training file and, optionally, its test file (empty path = none: the
/// split carves a test set from train). Task::pairs holds the training file's pairs only (so test
/// pairs cannot leak into training); test pairs: format_hf_file(name, test_path, seed, "test").
///
///   Task t = format_hf("sciq", "data/sciq/train.jsonl", /*seed=*/0, "data/sciq/test.jsonl");
Task format_hf(const std::string& name, const std::filesystem::path& train_path, uint64_t seed,
               const std::filesystem::path& test_path = {});

}  // namespace w2s::data
