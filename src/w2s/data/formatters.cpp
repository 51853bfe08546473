// Formatters for Hugging Face dataset exports (sciq, boolq, cosmos_qa, amazon_polarity, anli,
// hh_rlhf), following the weak-to-strong reference implementation's text templates.
#include "w2s/data/formatters.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <nlohmann/json.hpp>

#include "w2s/core/error.h"
#include "w2s/core/log.h"
#include "w2s/core/rng.h"
#include "w2s/core/text.h"
#include "w2s/data/sources.h"
#include "w2s/io/json_read.h"
#include "w2s/io/jsonl.h"

namespace w2s::data {
namespace {

// Everything a formatter needs to turn one source row into examples.
struct RowContext {
  const nlohmann::json& row;
  std::string where;  // "FILE:LINE"
  std::string key;    // "{name}/{split}/{row}": id stem and group of everything from this row
  Rng rng;            // this row's own random stream
  HfRows& out;

  const std::string& str(const std::string& field) const {
    auto it = row.find(field);
    if (it == row.end()) fail("{}: missing field '{}' (fields: {})", where, field, field_names());
    check(it->is_string(), "{}: field '{}' must be a string, got {}", where, field, it->type_name());
    return it->get_ref<const std::string&>();
  }
  int64_t integer(const std::string& field) const {
    auto it = row.find(field);
    if (it == row.end()) fail("{}: missing field '{}' (fields: {})", where, field, field_names());
    if (it->is_number_integer() || it->is_number_unsigned()) return it->get<int64_t>();
    if (it->is_string()) {
      const std::string& s = it->get_ref<const std::string&>();
      try {
        size_t used = 0;
        const int64_t v = std::stoll(s, &used);
        if (used == s.size()) return v;
      } catch (const std::exception&) {
      }
    }
    fail("{}: field '{}' must be an integer, got {}", where, field, io::json_excerpt(*it));
  }
  int label(const std::string& field) const {
    auto it = row.find(field);
    if (it == row.end()) fail("{}: missing field '{}' (fields: {})", where, field, field_names());
    return parse_label(*it, field, where);
  }
  std::string field_names() const {
    std::string s;
    for (auto it = row.begin(); it != row.end(); ++it) s += (s.empty() ? "" : ", ") + it.key();
    return s;
  }
  void add(std::string text, int label, const std::string& id_suffix = "") {
    Example e;
    e.id = id_suffix.empty() ? key : key + "/" + id_suffix;
    e.text = std::move(text);
    e.label = label;
    e.group = key;
    out.examples.push_back(std::move(e));
  }
  void skip(const std::string& reason) {
    log::warn("{}: skipped: {}", where, reason);
    ++out.n_skipped;
  }
};

using FormatFn = std::function<void(RowContext&)>;

struct Formatter {
  HfFormatInfo info;
  FormatFn fn;
};

void format_amazon_polarity(RowContext& r) {
  r.add(fmt::format("{} {}", r.str("title"), r.str("content")), r.label("label"));
}

void format_sciq(RowContext& r) {
  const std::string& correct = r.str("correct_answer");
  // Distractors identical to the correct answer would make a "wrong" example that is right.
  std::vector<const std::string*> wrong;
  for (const char* f : {"distractor1", "distractor2", "distractor3"}) {
    const std::string& d = r.str(f);
    if (d != correct) wrong.push_back(&d);
  }
  const int label = r.rng.uniform() < 0.5 ? 1 : 0;
  if (label == 0 && wrong.empty()) return r.skip("every distractor equals the correct answer");
  const std::string& answer = label ? correct : *wrong[r.rng.below(wrong.size())];
  r.add(fmt::format("Q: {} A: {}", r.str("question"), answer), label);
}

void format_boolq(RowContext& r) {
  r.add(fmt::format("Passage: {}\nQuestion: {}", r.str("passage"), r.str("question")), r.label("answer"));
}

void format_cosmos_qa(RowContext& r) {
  const int64_t gold = r.integer("label");
  check(gold >= 0 && gold <= 3, "{}: field 'label' must be 0..3, got {}", r.where, gold);
  std::vector<const std::string*> answers;
  for (int k = 0; k < 4; ++k) answers.push_back(&r.str(fmt::format("answer{}", k)));
  const std::string& truth = *answers[gold];
  // As in the reference: when the true answer is "None of the above choices ." the row always
  // shows another answer, labelled 0.
  const bool none_of_above = truth.find("None of the above choices .") != std::string::npos;
  const int label = none_of_above ? 0 : (r.rng.uniform() < 0.5 ? 1 : 0);
  std::vector<const std::string*> wrong;
  for (const auto* a : answers) {
    if (*a != truth) wrong.push_back(a);
  }
  if (label == 0 && wrong.empty()) return r.skip("every answer equals the true answer");
  const std::string& answer = label ? truth : *wrong[r.rng.below(wrong.size())];
  r.add(fmt::format("Context: {}\nQuestion: {}\nAnswer: {}", r.str("context"), r.str("question"), answer), label);
}

// Multiple choice as the datasets pose it: the answers in an order drawn per row (sciq stores the
// correct one in its own column), each after a space; duplicate answers are shown once.
void add_question(RowContext& r, std::string prompt, const std::vector<const std::string*>& answers, size_t right) {
  std::vector<size_t> order(answers.size());
  for (size_t k = 0; k < order.size(); ++k) order[k] = k;
  shuffle_in_place(order, r.rng);
  Example e;
  e.id = r.key;
  e.text = std::move(prompt);
  e.group = r.key;
  for (size_t k : order) {
    const std::string choice = " " + std::string(strip_view(*answers[k]));
    if (k != right && (*answers[k] == *answers[right] ||
                       std::find(e.completions.begin(), e.completions.end(), choice) != e.completions.end()))
      continue;
    if (k == right) e.label = static_cast<int>(e.completions.size());
    e.completions.push_back(choice);
  }
  if (e.completions.size() < 2) return r.skip("fewer than two distinct answers");
  r.out.examples.push_back(std::move(e));
}

void format_sciq_mc(RowContext& r) {
  add_question(r, fmt::format("Q: {} A:", r.str("question")),
               {&r.str("correct_answer"), &r.str("distractor1"), &r.str("distractor2"), &r.str("distractor3")}, 0);
}

void format_cosmos_qa_mc(RowContext& r) {
  const int64_t gold = r.integer("label");
  check(gold >= 0 && gold <= 3, "{}: field 'label' must be 0..3, got {}", r.where, gold);
  std::vector<const std::string*> answers;
  for (int k = 0; k < 4; ++k) answers.push_back(&r.str(fmt::format("answer{}", k)));
  add_question(r, fmt::format("Context: {}\nQuestion: {}\nAnswer:", r.str("context"), r.str("question")), answers,
               static_cast<size_t>(gold));
}

void format_anli(RowContext& r) {
  const int64_t gold = r.integer("label");  // 0 entailment, 1 neutral, 2 contradiction
  check(gold >= 0 && gold <= 2,
        "{}: field 'label' must be 0 (entailment), 1 (neutral) or 2 "
        "(contradiction), got {}",
        r.where, gold);
  r.add(fmt::format("Premise: {}\nHypothesis: {}\n\nDoes the premise entail the hypothesis?", r.str("premise"),
                    r.str("hypothesis")),
        gold == 0 ? 1 : 0);
}

// hh-rlhf rows hold two whole conversations that share every turn but the last assistant reply.
// The pair's prompt is the longest shared prefix that ends with "\n\nAssistant:".
PairExample hh_pair(const RowContext& r) {
  const std::string& chosen = r.str("chosen");
  const std::string& rejected = r.str("rejected");
  static constexpr std::string_view kTurn = "\n\nAssistant:";
  size_t common = 0;
  while (common < chosen.size() && common < rejected.size() && chosen[common] == rejected[common]) {
    ++common;
  }
  size_t cut = 0;
  for (size_t pos = chosen.find(kTurn); pos != std::string::npos && pos + kTurn.size() <= common;
       pos = chosen.find(kTurn, pos + 1)) {
    cut = pos + kTurn.size();
  }
  PairExample p;
  p.id = r.key;
  p.prompt = chosen.substr(0, cut);
  p.chosen = chosen.substr(cut);
  p.rejected = rejected.substr(cut);
  p.group = r.key;
  return p;
}

void format_hh_rlhf(RowContext& r) {
  r.add(r.str("chosen"), 1, "chosen");
  r.add(r.str("rejected"), 0, "rejected");
  r.out.pairs.push_back(hh_pair(r));
}

// The same rows as comparisons: the shared prompt, the chosen and the rejected reply.
void format_hh_rlhf_pairs(RowContext& r) {
  PairExample p = hh_pair(r);
  if (strip_view(p.chosen).empty() || strip_view(p.rejected).empty()) return r.skip("an empty reply");
  if (p.chosen == p.rejected) return r.skip("identical replies");
  Example e;
  e.id = p.id;
  e.text = std::move(p.prompt);
  e.completions = {std::move(p.chosen), std::move(p.rejected)};
  e.label = 0;  // the chosen one (the split draws each pair's order)
  e.group = p.group;
  r.out.examples.push_back(std::move(e));
}

const std::vector<Formatter>& registry() {
  static const std::vector<Formatter> formatters = {
      {{"amazon_polarity", "amazon_polarity", "train", "test",
        "Amazon review polarity: \"{title} {content}\", label 1 = positive"},
       format_amazon_polarity},
      {{"anli", "facebook/anli", "train_r2", "test_r2",
        "Adversarial NLI round 2: does the premise entail the hypothesis (1) or not (0)"},
       format_anli},
      {{"boolq", "boolq", "train", "validation", "BoolQ: passage and yes/no question, label = the answer"},
       format_boolq},
      {{"cosmos_qa", "cosmos_qa", "train", "validation",
        "Cosmos QA: context, question and a shown answer, 1 iff it is the true answer"},
       format_cosmos_qa},
      {{"cosmos_qa_mc", "cosmos_qa", "train", "validation",
        "Cosmos QA as multiple choice: context and question, the four answers as choices", TaskKind::multiple_choice},
       format_cosmos_qa_mc},
      {{"hh_rlhf", "Anthropic/hh-rlhf", "train", "test",
        "Anthropic HH-RLHF: chosen (1) and rejected (0) conversations, one group per pair"},
       format_hh_rlhf},
      {{"hh_rlhf_pairs", "Anthropic/hh-rlhf", "train", "test",
        "Anthropic HH-RLHF as comparisons: the shared dialogue prompt, the chosen and the rejected reply",
        TaskKind::comparison},
       format_hh_rlhf_pairs},
      {{"sciq", "allenai/sciq", "train", "test",
        "SciQ: \"Q: {question} A: {answer}\", 1 iff the shown answer is correct"},
       format_sciq},
      {{"sciq_mc", "allenai/sciq", "train", "test",
        "SciQ as multiple choice: \"Q: {question} A:\", the correct answer and three distractors as choices",
        TaskKind::multiple_choice},
       format_sciq_mc},
  };
  return formatters;
}

const Formatter& find_formatter(const std::string& name) {
  static const std::vector<std::pair<std::string, std::string>> kAliases = {
      {"anthropic_hh", "hh_rlhf"}, {"hh-rlhf", "hh_rlhf"}, {"anli_r2", "anli"}, {"anli-r2", "anli"}};
  std::string canonical = name;
  for (const auto& [alias, target] : kAliases) {
    if (name == alias) canonical = target;
  }
  for (const auto& f : registry()) {
    if (f.info.name == canonical) return f;
  }
  std::string known;
  for (const auto& n : hf_format_names()) known += (known.empty() ? "" : ", ") + n;
  fail("unknown Hugging Face dataset format '{}' (known: {})", name, known);
}

}  // namespace

const std::vector<HfFormatInfo>& hf_formats() {
  static const std::vector<HfFormatInfo> infos = [] {
    std::vector<HfFormatInfo> v;
    for (const auto& f : registry()) v.push_back(f.info);
    return v;
  }();
  return infos;
}

std::vector<std::string> hf_format_names() {
  std::vector<std::string> names;
  for (const auto& f : registry()) names.push_back(f.info.name);
  return names;
}

HfRows format_hf_file(const std::string& name, const std::filesystem::path& path, uint64_t seed,
                      const std::string& split) {
  const Formatter& f = find_formatter(name);
  const std::string& canonical = f.info.name;
  const uint64_t file_seed = mix_seed(seed, hash_bytes(canonical + "/" + split));
  HfRows out;
  io::for_each_jsonl(path, [&](const nlohmann::json& row, size_t line) {
    const size_t index = out.n_rows++;
    const std::string where = fmt::format("{}:{}", path.string(), line);
    check(row.is_object(), "{}: expected a JSON object, got {}", where, row.type_name());
    RowContext ctx{row, where, fmt::format("{}/{}/{}", canonical, split, index), Rng(mix_seed(file_seed, index)), out};
    f.fn(ctx);
  });
  if (out.n_skipped > 0) {
    log::warn("{}: skipped {} of {} rows that could not be formatted as {}", path.string(), out.n_skipped, out.n_rows,
              canonical);
  }
  return out;
}

Task format_hf(const std::string& name, const std::filesystem::path& train_path, uint64_t seed,
               const std::filesystem::path& test_path) {
  const Formatter& f = find_formatter(name);
  Task task;
  task.name = f.info.name;
  task.description = f.info.description;
  task.kind = f.info.kind;
  HfRows train = format_hf_file(f.info.name, train_path, seed, "train");
  task.train = std::move(train.examples);
  if (!test_path.empty()) task.test = format_hf_file(f.info.name, test_path, seed, "test").examples;
  return task;
}

}  // namespace w2s::data
