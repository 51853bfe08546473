// WordNet 3.0 data file parser.
#include "w2s/data/raw/wordnet.h"

#include <cctype>
#include <charconv>

#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/core/text.h"

namespace w2s::data {
namespace {

// Whitespace-separated tokens of `s`.
std::vector<std::string_view> tokens(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    size_t j = i;
    while (j < s.size() && s[j] != ' ') ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

bool parse_int(std::string_view s, int base, long& out) {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out, base);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

}  // namespace

std::string_view pos_name(char pos) {
  switch (pos) {
    case 'n':
      return "noun";
    case 'v':
      return "verb";
    case 'a':
      return "adjective";
    case 'r':
      return "adverb";
    default:
      return "?";
  }
}

void split_gloss(std::string_view gloss, std::string& definition, std::vector<std::string>& examples) {
  examples.clear();
  size_t cut = std::string_view::npos;
  for (size_t i = 0; i < gloss.size(); ++i) {
    if (gloss[i] != '"') continue;
    size_t k = i;
    while (k > 0 && gloss[k - 1] == ' ') --k;
    if (k == 0 || gloss[k - 1] == ';') {
      cut = i;
      break;
    }
  }
  std::string_view def = gloss.substr(0, cut);
  def = strip_view(def);
  while (!def.empty() && (def.back() == ';' || def.back() == ' ')) def.remove_suffix(1);
  definition = std::string(def);
  if (cut == std::string_view::npos) return;
  // Examples: every "..." segment of the rest.
  std::string_view rest = gloss.substr(cut);
  size_t i = 0;
  while (i < rest.size()) {
    const size_t open = rest.find('"', i);
    if (open == std::string_view::npos) break;
    const size_t close = rest.find('"', open + 1);
    if (close == std::string_view::npos) break;
    const std::string_view ex = strip_view(rest.substr(open + 1, close - open - 1));
    if (!ex.empty()) examples.emplace_back(ex);
    i = close + 1;
  }
}

std::string lemma_text(std::string_view lemma) {
  std::string out(lemma);
  for (char& c : out) {
    if (c == '_') c = ' ';
  }
  return out;
}

std::vector<Synset> parse_wordnet_data(std::string_view text, char pos, std::string_view where) {
  std::vector<Synset> out;
  size_t pos_in = 0;
  size_t line_no = 0;
  while (pos_in < text.size()) {
    size_t nl = text.find('\n', pos_in);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos_in, nl - pos_in);
    pos_in = nl + 1;
    ++line_no;
    if (line.empty() || line.rfind("  ", 0) == 0) continue;  // license header
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const size_t bar = line.find(" | ");
    const std::string_view head = line.substr(0, bar);
    const std::vector<std::string_view> t = tokens(head);
    auto bad = [&](std::string_view what) { fail("{}:{}: malformed WordNet synset line: {}", where, line_no, what); };
    if (t.size() < 4) bad("fewer than 4 fields");
    Synset s;
    long lex = 0, w_cnt = 0;
    if (!parse_int(t[1], 10, lex)) bad("lex_filenum is not a number");
    if (t[2].size() != 1) bad("ss_type is not one letter");
    const char ss = t[2][0];
    const char norm = ss == 's' ? 'a' : ss;
    if (norm != pos) bad(fmt::format("ss_type '{}' in a '{}' file", ss, pos));
    if (!parse_int(t[3], 16, w_cnt) || w_cnt <= 0) bad("w_cnt is not a positive hex number");
    if (t.size() < size_t(4 + 2 * w_cnt)) bad("fewer words than w_cnt");
    s.pos = pos;
    s.ss_type = ss;
    s.lex_filenum = int(lex);
    s.id = fmt::format("{}/{}", pos, t[0]);
    for (long w = 0; w < w_cnt; ++w) {
      std::string_view lemma = t[4 + 2 * w];
      if (pos == 'a' && !lemma.empty() && lemma.back() == ')') {
        const size_t paren = lemma.rfind('(');
        if (paren != std::string_view::npos && paren > 0) lemma = lemma.substr(0, paren);
      }
      s.lemmas.emplace_back(lemma);
      long lex_id = 0;
      if (!parse_int(t[5 + 2 * w], 16, lex_id)) bad("lex_id is not a hex number");
      s.lex_ids.push_back(int(lex_id));
    }
    if (bar != std::string_view::npos) {
      split_gloss(strip_view(line.substr(bar + 3)), s.definition, s.examples);
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<std::string> wordnet_files() { return {"data.noun", "data.verb", "data.adj", "data.adv"}; }

std::vector<Synset> read_wordnet(const std::filesystem::path& dir) {
  const char kPos[] = {'n', 'v', 'a', 'r'};
  std::vector<Synset> all;
  const auto files = wordnet_files();
  for (size_t i = 0; i < files.size(); ++i) {
    const auto path = dir / files[i];
    const std::string text = read_file(path);
    auto part = parse_wordnet_data(text, kPos[i], path.string());
    for (auto& s : part) all.push_back(std::move(s));
  }
  return all;
}

}  // namespace w2s::data

namespace w2s::data {

std::unordered_map<std::string, int> read_sense_counts(const std::filesystem::path& cntlist) {
  const std::string text = read_file(cntlist);
  std::unordered_map<std::string, int> counts;
  size_t pos = 0, line_no = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    const std::string_view line = std::string_view(text).substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (strip_view(line).empty()) continue;
    const std::vector<std::string_view> t = tokens(line);
    long count = 0;
    check(t.size() == 3 && parse_int(t[2], 10, count), "{}:{}: expected 'sense_key sense_number tag_cnt'",
          cntlist.string(), line_no);
    // Keep "lemma%ss:ff:ii" (drop ":head_word:head_id").
    const std::string_view key = t[0];
    size_t colons = 0, cut = key.size();
    for (size_t i = key.find('%'); i < key.size(); ++i) {
      if (key[i] == ':' && ++colons == 3) {
        cut = i;
        break;
      }
    }
    counts[std::string(key.substr(0, cut))] += int(count);
  }
  return counts;
}

std::string sense_key_prefix(const Synset& s, size_t i) {
  int ss = 1;
  switch (s.ss_type) {
    case 'n':
      ss = 1;
      break;
    case 'v':
      ss = 2;
      break;
    case 'a':
      ss = 3;
      break;
    case 'r':
      ss = 4;
      break;
    case 's':
      ss = 5;
      break;
  }
  const std::string lemma = lower_ascii(s.lemmas.at(i));
  return fmt::format("{}%{}:{:02d}:{:02d}", lemma, ss, s.lex_filenum, s.lex_ids.at(i));
}

int sense_count(const std::unordered_map<std::string, int>& counts, const Synset& s, size_t i) {
  auto it = counts.find(sense_key_prefix(s, i));
  return it == counts.end() ? 0 : it->second;
}

}  // namespace w2s::data
