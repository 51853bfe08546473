// HTML to plain text: a small tolerant tag stripper with entity decoding.
#include "w2s/data/raw/html_text.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <utility>

#include "w2s/core/text.h"

namespace w2s::data {
namespace {

struct Entity {
  const char* name;
  char32_t cp;
};

// Named references seen in mails and reviews (and the Latin-1 letters); others are kept verbatim.
constexpr Entity kEntities[] = {
    {"amp", '&'},      {"lt", '<'},       {"gt", '>'},       {"quot", '"'},      {"apos", '\''},    {"nbsp", ' '},
    {"copy", 0xA9},    {"reg", 0xAE},     {"trade", 0x2122}, {"hellip", 0x2026}, {"mdash", 0x2014}, {"ndash", 0x2013},
    {"lsquo", 0x2018}, {"rsquo", 0x2019}, {"ldquo", 0x201C}, {"rdquo", 0x201D},  {"bull", 0x2022},  {"middot", 0xB7},
    {"deg", 0xB0},     {"pound", 0xA3},   {"euro", 0x20AC},  {"cent", 0xA2},     {"yen", 0xA5},     {"sect", 0xA7},
    {"para", 0xB6},    {"laquo", 0xAB},   {"raquo", 0xBB},   {"times", 0xD7},    {"divide", 0xF7},  {"frac12", 0xBD},
    {"frac14", 0xBC},  {"frac34", 0xBE},  {"iexcl", 0xA1},   {"iquest", 0xBF},   {"shy", 0xAD},     {"szlig", 0xDF},
    {"agrave", 0xE0},  {"aacute", 0xE1},  {"acirc", 0xE2},   {"atilde", 0xE3},   {"auml", 0xE4},    {"aring", 0xE5},
    {"aelig", 0xE6},   {"ccedil", 0xE7},  {"egrave", 0xE8},  {"eacute", 0xE9},   {"ecirc", 0xEA},   {"euml", 0xEB},
    {"igrave", 0xEC},  {"iacute", 0xED},  {"icirc", 0xEE},   {"iuml", 0xEF},     {"ntilde", 0xF1},  {"ograve", 0xF2},
    {"oacute", 0xF3},  {"ocirc", 0xF4},   {"otilde", 0xF5},  {"ouml", 0xF6},     {"oslash", 0xF8},  {"ugrave", 0xF9},
    {"uacute", 0xFA},  {"ucirc", 0xFB},   {"uuml", 0xFC},    {"yacute", 0xFD},   {"yuml", 0xFF},    {"Agrave", 0xC0},
    {"Aacute", 0xC1},  {"Acirc", 0xC2},   {"Auml", 0xC4},    {"Aring", 0xC5},    {"Ccedil", 0xC7},  {"Egrave", 0xC8},
    {"Eacute", 0xC9},  {"Ntilde", 0xD1},  {"Ouml", 0xD6},    {"Uuml", 0xDC},
};

bool valid_scalar(uint64_t cp) { return cp > 0 && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF); }

// Case-insensitive search for `needle` (lowercase) in `hay` from `from`.
size_t ifind(std::string_view hay, std::string_view needle, size_t from) {
  if (needle.empty()) return from;
  for (size_t i = from; i + needle.size() <= hay.size(); ++i) {
    size_t k = 0;
    while (k < needle.size() && std::tolower(static_cast<unsigned char>(hay[i + k])) == needle[k]) {
      ++k;
    }
    if (k == needle.size()) return i;
  }
  return std::string_view::npos;
}

bool is_block_tag(std::string_view name) {
  static constexpr std::string_view kBlock[] = {
      "br", "p",          "div", "tr", "li",     "ul", "ol", "table", "h1",    "h2",   "h3",   "h4",  "h5",
      "h6", "blockquote", "pre", "hr", "center", "dl", "dt", "dd",    "title", "form", "body", "html"};
  return std::find(std::begin(kBlock), std::end(kBlock), name) != std::end(kBlock);
}

}  // namespace

std::string decode_html_entities(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] != '&') {
      out += s[i++];
      continue;
    }
    const size_t semi = s.find(';', i + 1);
    if (semi == std::string_view::npos || semi - i > 12) {
      out += s[i++];
      continue;
    }
    const std::string_view ref = s.substr(i + 1, semi - i - 1);
    bool done = false;
    if (ref.size() >= 2 && ref[0] == '#') {
      const bool hex = ref[1] == 'x' || ref[1] == 'X';
      const std::string_view digits = ref.substr(hex ? 2 : 1);
      uint64_t cp = 0;
      bool ok = !digits.empty() && digits.size() <= 8;
      for (char c : digits) {
        const int v = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                      : hex && std::isxdigit(static_cast<unsigned char>(c))
                          ? std::tolower(static_cast<unsigned char>(c)) - 'a' + 10
                          : -1;
        if (v < 0) ok = false;
        cp = cp * (hex ? 16 : 10) + uint64_t(std::max(v, 0));
      }
      if (ok && valid_scalar(cp)) {
        append_utf8(out, cp == 0xA0 ? U' ' : char32_t(cp));
        done = true;
      }
    } else {
      for (const Entity& e : kEntities) {
        if (ref == e.name) {
          append_utf8(out, e.cp);
          done = true;
          break;
        }
      }
    }
    if (done) {
      i = semi + 1;
    } else {
      out += s[i++];
    }
  }
  return out;
}

bool looks_like_html(std::string_view s) {
  for (std::string_view tag : {"<html", "<body", "<p>", "<br", "<div", "<table", "<font"}) {
    if (ifind(s, tag, 0) != std::string_view::npos) return true;
  }
  return false;
}

std::string html_to_text(std::string_view html) {
  std::string text;
  text.reserve(html.size());
  size_t i = 0;
  while (i < html.size()) {
    const char c = html[i];
    if (c != '<') {
      text += c;
      ++i;
      continue;
    }
    if (html.compare(i, 4, "<!--") == 0) {
      const size_t end = html.find("-->", i + 4);
      i = end == std::string_view::npos ? html.size() : end + 3;
      continue;
    }
    // A tag needs a letter, '/', or '!' after '<'; otherwise the '<' is text ("a < b").
    const char next = i + 1 < html.size() ? html[i + 1] : '\0';
    if (!(std::isalpha(static_cast<unsigned char>(next)) || next == '/' || next == '!' || next == '?')) {
      text += c;
      ++i;
      continue;
    }
    // Find the end of the tag, skipping quoted attribute values.
    size_t j = i + 1;
    char quote = 0;
    for (; j < html.size(); ++j) {
      const char d = html[j];
      if (quote) {
        if (d == quote) quote = 0;
      } else if (d == '"' || d == '\'') {
        // Only treat as a quote inside attribute values (after '='), so "<don't" cannot hide text.
        if (j > 0 && (html[j - 1] == '=' || html[j - 1] == ' ')) quote = d;
      } else if (d == '>') {
        break;
      }
    }
    if (j >= html.size()) {  // unterminated tag: drop the rest up to the next line end
      const size_t nl = html.find('\n', i);
      i = nl == std::string_view::npos ? html.size() : nl;
      continue;
    }
    size_t k = i + 1 + (next == '/' ? 1 : 0);
    size_t name_end = k;
    while (name_end < j && std::isalnum(static_cast<unsigned char>(html[name_end]))) ++name_end;
    const std::string name = lower_ascii(html.substr(k, name_end - k));
    i = j + 1;
    if (next != '/' && (name == "script" || name == "style" || name == "head")) {
      const size_t end = ifind(html, "</" + name, i);
      if (end == std::string_view::npos) {
        i = html.size();
      } else {
        const size_t gt = html.find('>', end);
        i = gt == std::string_view::npos ? html.size() : gt + 1;
      }
      continue;
    }
    if (is_block_tag(name)) {
      text += '\n';
    } else if (name == "td" || name == "th") {
      text += ' ';
    }
  }
  // Entities, then whitespace tidy per line: spaces collapsed, blank-line runs reduced to one.
  const std::string decoded = decode_html_entities(text);
  std::string out;
  out.reserve(decoded.size());
  size_t pos = 0;
  int blank_run = 0;
  while (pos <= decoded.size()) {
    size_t nl = decoded.find('\n', pos);
    if (nl == std::string::npos) nl = decoded.size();
    const std::string line = collapse_whitespace(std::string_view(decoded).substr(pos, nl - pos));
    if (line.empty()) {
      ++blank_run;
    } else {
      if (!out.empty()) out += blank_run > 0 ? "\n\n" : "\n";
      out += line;
      blank_run = 0;
    }
    pos = nl + 1;
  }
  return out;
}

}  // namespace w2s::data
