// Readers of the packaged pretraining sources into corpus documents.
#include "w2s/corpus/sources.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/core/text.h"
#include "w2s/data/builtin/spam.h"
#include "w2s/data/raw/mail.h"

namespace w2s::corpus {
namespace fs = std::filesystem;
namespace {

// Lines of `text` (without '\n'; a final line without newline included).
std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out.push_back(line);
    pos = nl + 1;
  }
  return out;
}

// Accumulates paragraphs into documents of about target_bytes.
class DocGrouper {
 public:
  DocGrouper(std::string source, std::string name, size_t target, std::vector<CorpusDocument>& out)
      : source_(std::move(source)), name_(std::move(name)), target_(target), out_(out) {}
  ~DocGrouper() { flush(); }
  void add(std::string_view paragraph, std::string_view separator = "\n\n") {
    if (paragraph.empty()) return;
    if (!text_.empty() && text_.size() + paragraph.size() > target_) flush();
    if (!text_.empty()) text_ += separator;
    text_ += paragraph;
  }
  void flush() {
    if (text_.empty()) return;
    out_.push_back({source_, fmt::format("{}/{}", name_, n_++), std::move(text_)});
    text_.clear();
  }

 private:
  std::string source_, name_;
  size_t target_;
  std::vector<CorpusDocument>& out_;
  std::string text_;
  size_t n_ = 0;
};

struct Escape {
  const char* code;
  const char* text;
};

// GCIDE character escapes that are not "accent mark + letters" (those are handled by rule).
constexpr Escape kGcideEscapes[] = {
    {"imac", "i"},       {"aum", "a"},        {"ae", "ae"},        {"AE", "AE"},        {"oe", "oe"},
    {"OE", "OE"},        {"eth", "th"},       {"thorn", "th"},     {"ng", "ng"},        {"asl", "a"},
    {"add", "a"},        {"udd", "u"},        {"root", ""},        {"deg", "\u00b0"},   {"sect", "\u00a7"},
    {"yogh", "y"},       {"dsdot", "d"},      {"lsdot", "l"},      {"zdot", "z"},       {"tsdo", "t"},
    {"alpha", "\u03b1"}, {"beta", "\u03b2"},  {"gamma", "\u03b3"}, {"Gamma", "\u0393"}, {"delta", "\u03b4"},
    {"Delta", "\u0394"}, {"phi", "\u03c6"},   {"pi", "\u03c0"},    {"Pi", "\u03a0"},    {"theta", "\u03b8"},
    {"tau", "\u03c4"},   {"iota", "\u03b9"},  {"rho", "\u03c1"},   {"kappa", "\u03ba"}, {"eta", "\u03b7"},
    {"chi", "\u03c7"},   {"Chi", "\u03a7"},   {"mu", "\u03bc"},    {"nu", "\u03bd"},    {"xi", "\u03be"},
    {"sigma", "\u03c3"}, {"times", "\u00d7"}, {"divby", "\u00f7"}, {"div", "\u00f7"},   {"sharp", "\u266f"},
    {"flat", "\u266d"},  {"nbsp", " "},       {"ldqo", "\u201c"},  {"rdqo", "\u201d"},  {"rarr", "\u2192"},
    {"para", "\u00b6"},  {"dag", "\u2020"},   {"hand", "\u261e"},  {"break", ""},       {"th", "th"},
    {"min", "\u2032"},   {"sec", "\u2033"},   {"filig", "fi"},     {"asper", ""},
};

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Replacement of a bracket escape's content, or nullptr when it is not an escape.
bool gcide_escape(std::string_view code, std::string& out) {
  for (const Escape& e : kGcideEscapes) {
    if (code == e.code) {
      out = e.text;
      return true;
    }
  }
  // Mark + 1-2 letters ([=a], ['e], [.a], [~n], [-o], ["o], [`e], [^o], [,c], [*a], [=oo]).
  if (code.size() >= 2 && code.size() <= 3 && std::string_view("='.~-\"`^,*").find(code[0]) != std::string_view::npos &&
      std::all_of(code.begin() + 1, code.end(), is_letter)) {
    out = std::string(code.substr(1));
    return true;
  }
  // 1-2 letters + circumflex ([i^], [oo^]).
  if (code.size() >= 2 && code.size() <= 3 && code.back() == '^' &&
      std::all_of(code.begin(), code.end() - 1, is_letter)) {
    out = std::string(code.substr(0, code.size() - 1));
    return true;
  }
  return false;
}

bool is_source_tag(std::string_view content) {
  static constexpr std::string_view kMarks[] = {"Webster", "WordNet", "PJC", "Century Dict", "RHUD",
                                                "MW10",    "MI11",    "WE1", "RDH",          "wn1"};
  if (content.size() > 60) return false;
  for (std::string_view m : kMarks) {
    if (content.find(m) != std::string_view::npos) return true;
  }
  return false;
}

// One pass over `s` replacing innermost [...] groups: escapes → letters, source tags → nothing.
std::string replace_brackets(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] == '[') {
      const size_t close = s.find(']', i + 1);
      const size_t inner_open = s.find('[', i + 1);
      if (close != std::string_view::npos && (inner_open == std::string_view::npos || inner_open > close)) {
        const std::string_view content = s.substr(i + 1, close - i - 1);
        std::string repl;
        if (gcide_escape(content, repl)) {
          out += repl;
          i = close + 1;
          continue;
        }
        if (is_source_tag(content)) {
          i = close + 1;
          continue;
        }
      }
    }
    out += s[i++];
  }
  return out;
}

}  // namespace

std::string unwrap_paragraphs(std::string_view text) {
  std::string out;
  std::string para;
  auto flush = [&] {
    if (para.empty()) return;
    if (!out.empty()) out += "\n\n";
    out += para;
    para.clear();
  };
  for (std::string_view line : lines_of(text)) {
    const std::string_view t = strip_view(line);
    if (t.empty()) {
      flush();
      continue;
    }
    if (!para.empty()) para += ' ';
    para += t;
  }
  flush();
  return out;
}

uint64_t dictd_number(std::string_view digits) {
  static constexpr std::string_view kDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  uint64_t v = 0;
  for (char c : digits) {
    const size_t d = kDigits.find(c);
    check(d != std::string_view::npos, "dictd index: bad base64 digit '{}' in '{}'", c, digits);
    v = v * 64 + d;
  }
  return v;
}

std::string gcide_entry_text(std::string_view raw) {
  std::string out;
  std::string block;
  auto flush = [&] {
    // Pronunciations \...\ are dropped, then brackets, then braces; spaces collapsed.
    std::string no_pron;
    bool in_pron = false;
    for (char c : block) {
      if (c == '\\') {
        in_pron = !in_pron;
        continue;
      }
      if (!in_pron) no_pron += c;
    }
    std::string text = replace_brackets(replace_brackets(no_pron));
    text.erase(std::remove_if(text.begin(), text.end(), [](char c) { return c == '{' || c == '}'; }), text.end());
    text = collapse_whitespace(text);
    // A headword line loses its pronunciation: "Affect , v. t." → "Affect, v. t.".
    for (size_t p = text.find(" ,"); p != std::string::npos; p = text.find(" ,", p)) text.erase(p, 1);
    if (!text.empty()) {
      if (!out.empty()) out += '\n';
      out += text;
    }
    block.clear();
  };
  for (std::string_view line : lines_of(raw)) {
    const std::string_view t = strip_view(line);
    if (t.empty()) {
      flush();
      continue;
    }
    if (!block.empty()) block += ' ';
    block += t;
  }
  flush();
  return out;
}

std::vector<CorpusDocument> gcide_documents(const fs::path& dict, const fs::path& index, size_t target_bytes) {
  const std::string text = read_file(dict);
  const std::string idx = read_file(index);
  std::vector<std::pair<uint64_t, uint64_t>> ranges;  // (offset, length)
  size_t line_no = 0;
  for (std::string_view line : lines_of(idx)) {
    ++line_no;
    if (line.empty()) continue;
    const size_t t1 = line.find('\t');
    const size_t t2 = t1 == std::string_view::npos ? t1 : line.find('\t', t1 + 1);
    check(t2 != std::string_view::npos, "{}:{}: expected 'headword<TAB>offset<TAB>length'", index.string(), line_no);
    if (line.substr(0, t1).rfind("00-", 0) == 0) continue;  // 00-database-info, 00-gcide-url, ...
    const uint64_t off = dictd_number(line.substr(t1 + 1, t2 - t1 - 1));
    const uint64_t len = dictd_number(line.substr(t2 + 1));
    check(off + len <= text.size(), "{}:{}: entry past the end of {}", index.string(), line_no, dict.string());
    ranges.emplace_back(off, len);
  }
  std::sort(ranges.begin(), ranges.end());
  ranges.erase(std::unique(ranges.begin(), ranges.end()), ranges.end());
  std::vector<CorpusDocument> docs;
  {
    DocGrouper group("gcide", "gcide", target_bytes, docs);
    uint64_t covered = 0;
    for (const auto& [off, len] : ranges) {
      if (off + len <= covered) continue;  // nested in an entry already taken
      group.add(gcide_entry_text(std::string_view(text).substr(off, len)));
      covered = off + len;
    }
  }
  return docs;
}

std::vector<CorpusDocument> wordnet_documents(const std::vector<data::Synset>& synsets,
                                              const std::unordered_set<std::string>& excluded, size_t target_bytes,
                                              size_t* n_excluded) {
  std::vector<CorpusDocument> docs;
  size_t n_out = 0;
  {
    DocGrouper group("wordnet", "wordnet", target_bytes, docs);
    for (const data::Synset& s : synsets) {
      if (s.definition.empty()) continue;
      if (excluded.count(s.definition)) {
        ++n_out;
        continue;
      }
      std::string line;
      for (const std::string& lemma : s.lemmas) {
        if (!line.empty()) line += ", ";
        line += data::lemma_text(lemma);
      }
      line += fmt::format(" ({}): {}", data::pos_name(s.pos), s.definition);
      for (const std::string& ex : s.examples) line += fmt::format("; \"{}\"", ex);
      group.add(line, "\n");
    }
  }
  if (n_excluded) *n_excluded = n_out;
  return docs;
}

std::vector<CorpusDocument> kjv_documents(const fs::path& kjv_txt) {
  const std::string text = read_file(kjv_txt);
  std::vector<CorpusDocument> docs;
  std::string current_key, body;
  auto flush = [&] {
    if (!body.empty()) docs.push_back({"kjv", "kjv/" + current_key, body});
    body.clear();
  };
  for (std::string_view line : lines_of(text)) {
    const size_t space = line.find(' ');
    if (space == std::string_view::npos) continue;
    const std::string_view ref = line.substr(0, space);  // "Ge1:1"
    const size_t colon = ref.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string key(ref.substr(0, colon));  // book + chapter, "Ge1"
    if (key != current_key) {
      flush();
      current_key = key;
    }
    const std::string_view verse = strip_view(line.substr(space + 1));
    if (verse.empty()) continue;
    if (!body.empty()) body += '\n';
    body += verse;
  }
  flush();
  return docs;
}

std::vector<CorpusDocument> fortune_documents(const fs::path& dir, size_t target_bytes) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().filename() != "ascii-art") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<CorpusDocument> docs;
  for (const fs::path& f : files) {
    DocGrouper group("fortunes", "fortunes/" + f.filename().string(), target_bytes, docs);
    std::string fortune;
    auto flush = [&] {
      const std::string t = normalize_text(fortune);
      // A fortune's own blank lines would split it into paragraphs: keep it one paragraph.
      std::string one;
      for (std::string_view l : lines_of(t)) {
        if (strip_view(l).empty()) continue;
        if (!one.empty()) one += '\n';
        one += l;
      }
      group.add(one);
      fortune.clear();
    };
    const std::string content = read_file(f);  // lines_of() returns views into it
    for (std::string_view line : lines_of(content)) {
      if (line == "%") {
        flush();
      } else {
        fortune += line;
        fortune += '\n';
      }
    }
    flush();
  }
  return docs;
}

std::vector<CorpusDocument> austen_documents(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".txt") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<CorpusDocument> docs;
  for (const fs::path& f : files) {
    const std::string book = f.stem().string();
    std::string chunk;
    size_t n = 0;
    auto flush = [&] {
      const std::string t = unwrap_paragraphs(chunk);
      if (!t.empty()) docs.push_back({"austen", fmt::format("austen/{}/{}", book, n++), t});
      chunk.clear();
    };
    const std::string content = read_file(f);  // lines_of() returns views into it
    for (std::string_view line : lines_of(content)) {
      if (line.rfind("CHAPTER", 0) == 0 || line.rfind("Chapter", 0) == 0) flush();
      chunk += line;
      chunk += '\n';
    }
    flush();
  }
  return docs;
}

std::vector<CorpusDocument> moby_dick_documents(const fs::path& data_dir) {
  std::vector<std::pair<int, fs::path>> files;  // (order, path)
  for (const auto& e : fs::directory_iterator(data_dir)) {
    const std::string stem = e.path().stem().string();
    if (!e.is_regular_file() || e.path().extension() != ".txt") continue;
    if (stem == "etymology") files.emplace_back(-2, e.path());
    if (stem == "extracts") files.emplace_back(-1, e.path());
    if (stem == "epilogue") files.emplace_back(100000, e.path());
    if (stem.rfind("chapter_", 0) == 0) files.emplace_back(std::stoi(stem.substr(8)), e.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<CorpusDocument> docs;
  for (const auto& [order, path] : files) {
    const std::string t = unwrap_paragraphs(read_file(path));
    if (!t.empty()) docs.push_back({"moby-dick", "moby-dick/" + path.stem().string(), t});
  }
  return docs;
}

std::vector<CorpusDocument> sotu_documents(const fs::path& data_dir) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(data_dir)) {
    if (e.is_regular_file() && e.path().extension() == ".txt") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<CorpusDocument> docs;
  for (const fs::path& f : files) {
    const std::string t = unwrap_paragraphs(read_file(f));
    if (!t.empty()) docs.push_back({"sotu", "sotu/" + f.stem().string(), t});
  }
  return docs;
}

std::vector<CorpusDocument> email_documents(const fs::path& data_dir,
                                            const std::unordered_set<std::string>& excluded_ids, size_t max_bytes,
                                            size_t* n_excluded) {
  std::vector<CorpusDocument> docs;
  size_t n_out = 0;
  data::MailBodyOptions o;
  o.max_bytes = max_bytes;
  for (const data::SpamMail& m : data::list_spam_mails(data_dir)) {
    if (excluded_ids.count(m.id)) {
      ++n_out;
      continue;
    }
    data::MailBody body = data::mail_body(read_file(m.path), o);
    if (!body.text.empty()) docs.push_back({"email", m.id, std::move(body.text)});
  }
  if (n_excluded) *n_excluded = n_out;
  return docs;
}

}  // namespace w2s::corpus
