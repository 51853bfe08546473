// Built-in comparison tasks: continuations, minimal pairs, definition pairs.
#include "w2s/data/builtin/preferences.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "w2s/core/error.h"
#include "w2s/core/rng.h"
#include "w2s/core/text.h"

namespace w2s::data {
namespace {

constexpr std::string_view kDocumentEnd = "\n<|endoftext|>\n";  // corpus/corpus.h's document format

size_t n_words(std::string_view s) {
  size_t n = 0;
  bool in = false;
  for (char c : s) {
    const bool space = is_ascii_space(c);
    n += !space && !in;
    in = !space;
  }
  return n;
}

bool keep_line(std::string_view line) {
  line = strip_view(line);
  if (line.empty()) return true;
  if (line.front() == '>' || line.find("http") != std::string_view::npos || line.find('@') != std::string_view::npos)
    return false;
  // "Header: value" lines (mail headers, dictionary fields)
  const auto colon = line.find(':');
  return !(colon != std::string_view::npos && colon < 24 && line.find(' ') > colon);
}

/// Runs of consecutive kept sentences of one paragraph (already joined into one line): a sentence
/// that is dropped ends a run, so sentences of one run follow each other in the text.
std::vector<std::vector<std::string>> sentence_runs(const std::string& para) {
  // Not sentence ends: titles and common abbreviations, and initials ("J. Smith").
  static const std::vector<std::string_view> kAbbreviations = {"Mr",  "Mrs",  "Ms",  "Dr",   "St", "Jr",  "Sr", "Col",
                                                               "Gen", "Capt", "Rev", "Prof", "vs", "etc", "No", "Co"};
  auto abbreviation_before = [&](size_t dot) {
    size_t a = dot;
    while (a > 0 && std::isalpha(static_cast<unsigned char>(para[a - 1]))) --a;
    const std::string_view word(para.data() + a, dot - a);
    if (word.size() == 1 && std::isupper(static_cast<unsigned char>(word[0]))) return true;
    return std::find(kAbbreviations.begin(), kAbbreviations.end(), word) != kAbbreviations.end();
  };
  std::vector<std::string> all;
  size_t start = 0;
  for (size_t i = 0; i + 2 < para.size(); ++i) {
    const char c = para[i];
    if ((c == '.' || c == '!' || c == '?') && para[i + 1] == ' ' && !(c == '.' && abbreviation_before(i))) {
      const unsigned char next = static_cast<unsigned char>(para[i + 2]);
      if (std::isupper(next) || next == '"' || next == '\'') {
        all.push_back(para.substr(start, i + 1 - start));
        start = i + 2;
      }
    }
  }
  all.push_back(para.substr(start));
  std::vector<std::vector<std::string>> runs(1);
  for (auto& s : all) {
    s = collapse_whitespace(s);
    const size_t w = n_words(s);
    if (w >= 4 && w <= 60 && s.size() >= 20 && s.size() <= 300) {
      runs.back().push_back(std::move(s));
    } else if (!runs.back().empty()) {
      runs.emplace_back();
    }
  }
  if (runs.back().empty()) runs.pop_back();
  return runs;
}

Example comparison(std::string id, std::string prompt, std::string preferred, std::string other, std::string group) {
  Example e;
  e.id = std::move(id);
  e.text = std::move(prompt);
  e.completions = {std::move(preferred), std::move(other)};
  e.label = 0;
  e.group = std::move(group);
  return e;
}

/// `paras` without the sentences in `exclude` (each splits its run, as sentence_runs does).
std::vector<Paragraph> without(std::vector<Paragraph> paras, const std::unordered_set<uint64_t>* exclude,
                               size_t* n_excluded) {
  *n_excluded = 0;
  if (!exclude) return paras;
  std::vector<Paragraph> out;
  for (auto& p : paras) {
    out.push_back(Paragraph{p.document, {}});
    for (auto& s : p.sentences) {
      if (exclude->count(hash_bytes(s))) {
        ++*n_excluded;
        if (!out.back().sentences.empty()) out.push_back(Paragraph{p.document, {}});
      } else {
        out.back().sentences.push_back(std::move(s));
      }
    }
    if (out.back().sentences.empty()) out.pop_back();
  }
  return out;
}

/// Which documents form the fixed test split: documents in an order drawn from the seed, taken
/// until they hold `fraction` of the kept sentences. Indexed by document.
std::vector<bool> test_documents(const std::vector<Paragraph>& paras, uint64_t seed, double fraction) {
  check(fraction >= 0.0 && fraction < 1.0, "preference tasks: test_fraction must be in [0, 1), not {}", fraction);
  size_t n_docs = 0, total = 0;
  std::vector<size_t> sentences;
  for (const auto& p : paras) {
    n_docs = std::max(n_docs, p.document + 1);
    sentences.resize(n_docs);
    sentences[p.document] += p.sentences.size();
    total += p.sentences.size();
  }
  std::vector<size_t> order(n_docs);
  for (size_t d = 0; d < n_docs; ++d) order[d] = d;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const uint64_t ha = mix_seed(seed, a), hb = mix_seed(seed, b);
    return ha != hb ? ha < hb : a < b;
  });
  std::vector<bool> test(n_docs, false);
  size_t taken = 0;
  for (size_t d : order) {
    if (static_cast<double>(taken) >= fraction * static_cast<double>(total)) break;
    if (sentences[d] == 0) continue;
    test[d] = true;
    taken += sentences[d];
  }
  return test;
}

}  // namespace

std::vector<Paragraph> prose_paragraphs(std::string_view text) {
  std::vector<Paragraph> out;
  size_t doc = 0;
  for (size_t pos = 0; pos < text.size(); ++doc) {
    size_t end = text.find(kDocumentEnd, pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view document = text.substr(pos, end - pos);
    pos = end + kDocumentEnd.size();
    std::string para;
    auto flush = [&] {
      if (!para.empty())
        for (auto& run : sentence_runs(para)) out.push_back(Paragraph{doc, std::move(run)});
      para.clear();
    };
    size_t line_start = 0;
    while (line_start <= document.size()) {
      size_t nl = document.find('\n', line_start);
      if (nl == std::string_view::npos) nl = document.size();
      const std::string_view line = document.substr(line_start, nl - line_start);
      line_start = nl + 1;
      if (strip_view(line).empty()) {
        flush();
      } else if (keep_line(line)) {
        para += (para.empty() ? "" : " ") + std::string(strip_view(line));
      } else {
        flush();
      }
      if (nl == document.size()) break;
    }
    flush();
  }
  return out;
}

std::unordered_set<uint64_t> sentence_hashes(std::string_view text) {
  // Mail quotes ("> text") count too: without their markers, as text a reply repeats.
  std::string unquoted;
  unquoted.reserve(text.size());
  for (size_t a = 0; a < text.size();) {
    size_t b = text.find('\n', a);
    if (b == std::string_view::npos) b = text.size();
    size_t k = a;
    while (k < b && (text[k] == '>' || text[k] == ' ' || text[k] == '\t')) ++k;
    unquoted.append(text.substr(k, b - k));
    unquoted += '\n';
    a = b + 1;
  }
  std::unordered_set<uint64_t> out;
  for (const auto& p : prose_paragraphs(unquoted))
    for (const auto& s : p.sentences) out.insert(hash_bytes(s));
  return out;
}

Task build_continuations(std::string_view heldout_text, const PreferenceOptions& o, nlohmann::json* notes) {
  size_t n_excluded = 0;
  const auto paras = without(prose_paragraphs(heldout_text), o.exclude, &n_excluded);
  const auto is_test = test_documents(paras, o.seed, o.test_fraction);
  // Every kept sentence of each side (train, test), for distractors: (its document, the sentence).
  std::vector<std::pair<size_t, const std::string*>> pools[2];
  for (const auto& p : paras)
    for (const auto& s : p.sentences) pools[is_test[p.document]].emplace_back(p.document, &s);
  const size_t n_sentences = pools[0].size() + pools[1].size();
  check(n_sentences >= 100, "continuations: only {} held-out sentences (is data/corpus/heldout.txt complete?)",
        n_sentences);
  Task task;
  size_t n_no_distractor = 0;
  for (size_t pi = 0; pi < paras.size(); ++pi) {
    const auto& p = paras[pi];
    const bool test = is_test[p.document];
    const auto& pool = pools[test];
    auto& out = test ? task.test : task.train;
    const std::string group = fmt::format("continuations/{}", p.document);
    for (size_t i = 1; i < p.sentences.size(); ++i) {
      if (o.max_pairs > 0 && task.train.size() + task.test.size() >= o.max_pairs) break;
      std::string prompt = i >= 2 && p.sentences[i - 2].size() + p.sentences[i - 1].size() <= 300
                               ? p.sentences[i - 2] + " " + p.sentences[i - 1]
                               : p.sentences[i - 1];
      const std::string& real = p.sentences[i];
      // A sentence of another document within ±40 % of the real one's length.
      Rng rng(mix_seed(o.seed, hash_bytes(fmt::format("{}/{}/{}", group, pi, i))));
      const std::string* other = nullptr;
      for (int tries = 0; tries < 200 && !other; ++tries) {
        const auto& [doc, s] = pool[rng.below(pool.size())];
        const double ratio = static_cast<double>(s->size()) / static_cast<double>(real.size());
        if (doc != p.document && ratio >= 0.6 && ratio <= 1.4 && *s != real) other = s;
      }
      if (!other) {
        ++n_no_distractor;
        continue;
      }
      out.push_back(
          comparison(fmt::format("{}/{}/{}", group, pi, i), std::move(prompt), " " + real, " " + *other, group));
    }
  }
  if (notes) {
    (*notes)["paragraphs"] = paras.size();
    (*notes)["sentences"] = n_sentences;
    (*notes)["pairs_train"] = task.train.size();
    (*notes)["pairs_test"] = task.test.size();
    (*notes)["test_documents"] = std::count(is_test.begin(), is_test.end(), true);
    (*notes)["no_distractor"] = n_no_distractor;
    (*notes)["excluded_sentences"] = n_excluded;
  }
  return task;
}

Task build_minimal_pairs(std::string_view heldout_text, const PreferenceOptions& o, nlohmann::json* notes) {
  size_t n_excluded = 0;
  const auto paras = without(prose_paragraphs(heldout_text), o.exclude, &n_excluded);
  const auto is_test = test_documents(paras, o.seed, o.test_fraction);
  Task task;
  size_t n_skipped = 0;
  for (size_t pi = 0; pi < paras.size(); ++pi) {
    const auto& p = paras[pi];
    auto& out = is_test[p.document] ? task.test : task.train;
    const std::string group = fmt::format("minimal_pairs/{}", p.document);
    for (size_t i = 0; i < p.sentences.size(); ++i) {
      if (o.max_pairs > 0 && task.train.size() + task.test.size() >= o.max_pairs) break;
      const std::string& s = p.sentences[i];
      std::vector<std::string> words;
      for (size_t a = 0; a < s.size();) {
        const size_t b = std::min(s.find(' ', a), s.size());
        words.emplace_back(s.substr(a, b - a));
        a = b + 1;
      }
      // Two adjacent, different words, chosen from the seed.
      std::vector<size_t> spots;
      for (size_t k = 0; k + 1 < words.size(); ++k)
        if (words[k] != words[k + 1]) spots.push_back(k);
      if (spots.empty()) {
        ++n_skipped;
        continue;
      }
      Rng rng(mix_seed(o.seed, hash_bytes(fmt::format("{}/{}/{}", group, pi, i))));
      const size_t k = spots[rng.below(spots.size())];
      std::swap(words[k], words[k + 1]);
      std::string swapped;
      for (const auto& w : words) swapped += (swapped.empty() ? "" : " ") + w;
      out.push_back(comparison(fmt::format("{}/{}/{}", group, pi, i), "", s, swapped, group));
    }
  }
  if (notes) {
    (*notes)["paragraphs"] = paras.size();
    (*notes)["pairs_train"] = task.train.size();
    (*notes)["pairs_test"] = task.test.size();
    (*notes)["test_documents"] = std::count(is_test.begin(), is_test.end(), true);
    (*notes)["no_swap"] = n_skipped;
    (*notes)["excluded_sentences"] = n_excluded;
  }
  return task;
}

Task build_definition_pairs(const Task& definitions) {
  Task task;
  auto convert = [](const std::vector<Example>& xs, std::vector<Example>& out) {
    for (size_t i = 0; i + 1 < xs.size(); ++i) {
      const Example& pos = xs[i];
      const Example& neg = xs[i + 1];
      if (pos.label != 1 || neg.label != 0 || pos.group != neg.group) continue;
      const auto good = definitions_definition(pos.text), bad = definitions_definition(neg.text);
      const auto cut = pos.text.find("\nDefinition:");
      check(good && bad && cut != std::string::npos, "definition_pairs: unexpected definitions text '{}'", pos.text);
      out.push_back(comparison(pos.id.substr(0, pos.id.size() - 2),
                               pos.text.substr(0, cut) + "\nDefinition:", " " + *good, " " + *bad, pos.group));
      ++i;
    }
  };
  convert(definitions.train, task.train);
  convert(definitions.test, task.test);
  return task;
}

}  // namespace w2s::data
