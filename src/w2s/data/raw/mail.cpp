// RFC 822 / MIME body extraction: header split and unfolding, multipart walk, transfer decodings,
// charsets, HTML stripping.
#include "w2s/data/raw/mail.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

#include "w2s/core/text.h"
#include "w2s/data/raw/html_text.h"

namespace w2s::data {
namespace {

constexpr int kMaxDepth = 8;  // nested multiparts deeper than this are dropped

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// Windows-1252 bytes 0x80..0x9F (0 = undefined: dropped); other bytes map to U+00xx.
constexpr char16_t kCp1252High[32] = {0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                      0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
                                      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                      0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

void append_cp1252(std::string& out, unsigned char b) {
  if (b < 0x80) {
    out += char(b);
  } else if (b < 0xA0) {
    if (kCp1252High[b - 0x80] != 0) append_utf8(out, kCp1252High[b - 0x80]);
  } else {
    append_utf8(out, char32_t(b));
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A header line "Name: value" with a plausible header name (letters, digits, '-').
bool is_header_line(std::string_view line) {
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 40) return false;
  for (size_t i = 0; i < colon; ++i) {
    const char c = line[i];
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-')) return false;
  }
  return colon + 1 == line.size() || line[colon + 1] == ' ' || line[colon + 1] == '\t';
}

// A forwarded or bounced mail pasted as text starts with its own header block: drop it when the
// text begins with at least two header lines, one of them a transport header, up to a blank line.
std::string strip_embedded_headers(std::string text) {
  for (int round = 0; round < 3; ++round) {
    const std::string_view t = text;
    size_t pos = 0, n_headers = 0;
    bool transport = false;
    while (pos < t.size()) {
      size_t nl = t.find('\n', pos);
      if (nl == std::string_view::npos) nl = t.size();
      const std::string_view line = t.substr(pos, nl - pos);
      if (strip_view(line).empty()) break;
      if ((line[0] == ' ' || line[0] == '\t') && n_headers > 0) {
        pos = nl + 1;
        continue;  // folded continuation
      }
      if (!is_header_line(line)) return text;
      ++n_headers;
      const std::string name = lower_ascii(line.substr(0, line.find(':')));
      transport |= name == "received" || name == "return-path" || name == "message-id" || name == "delivered-to" ||
                   name == "mime-version";
      pos = nl + 1;
    }
    if (n_headers < 2 || !transport || pos >= t.size()) return text;
    text = text.substr(pos);
    const size_t first = text.find_first_not_of(" \t\n");
    text = first == std::string::npos ? std::string() : text.substr(first);
  }
  return text;
}

struct Collected {
  std::vector<std::string> plain;  // text/plain leaves, decoded
  std::vector<std::string> html;   // text/html leaves, converted to text
  size_t n_dropped = 0;
  size_t n_plain_html = 0;  // text/plain leaves that held HTML
};

void walk(std::string_view headers_and_body, bool has_headers, int depth, Collected& out);

// The parts of a multipart body between "--boundary" lines (preamble and epilogue dropped).
std::vector<std::string_view> split_multipart(std::string_view body, std::string_view boundary) {
  std::vector<std::string_view> parts;
  const std::string delim = "--" + std::string(boundary);
  size_t pos = 0;
  size_t part_start = std::string_view::npos;
  while (pos <= body.size()) {
    size_t nl = body.find('\n', pos);
    if (nl == std::string_view::npos) nl = body.size();
    std::string_view line = body.substr(pos, nl - pos);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    if (line.size() >= delim.size() && line.compare(0, delim.size(), delim) == 0) {
      const std::string_view rest = line.substr(delim.size());
      if (rest.empty() || rest == "--") {
        if (part_start != std::string_view::npos && pos > part_start) {
          parts.push_back(body.substr(part_start, pos - 1 - part_start));
        }
        if (rest == "--") return parts;
        part_start = nl + 1;
      }
    }
    pos = nl + 1;
  }
  if (part_start != std::string_view::npos && part_start < body.size()) {
    parts.push_back(body.substr(part_start));  // missing closing delimiter: keep the last part
  }
  return parts;
}

void walk(std::string_view text, bool has_headers, int depth, Collected& out) {
  if (depth > kMaxDepth) {
    ++out.n_dropped;
    return;
  }
  MailHeaders headers;
  std::string body;
  if (has_headers) {
    auto split = split_mail(text);
    headers = std::move(split.first);
    body = std::move(split.second);
  } else {
    body = std::string(text);
  }
  const HeaderParams type = parse_header_params(header_value(headers, "content-type"));
  const std::string mime = type.value.empty() ? "text/plain" : type.value;
  const std::string encoding = lower_ascii(header_value(headers, "content-transfer-encoding"));
  const std::string disposition = parse_header_params(header_value(headers, "content-disposition")).value;

  if (mime.rfind("multipart/", 0) == 0) {
    const std::string boundary = type.get("boundary");
    if (boundary.empty()) {
      ++out.n_dropped;
      return;
    }
    for (std::string_view part : split_multipart(body, boundary)) walk(part, true, depth + 1, out);
    return;
  }
  if (mime == "message/rfc822") {
    walk(body, true, depth + 1, out);
    return;
  }
  if ((mime != "text/plain" && mime != "text/html") || disposition == "attachment") {
    ++out.n_dropped;
    return;
  }
  std::string bytes;
  if (encoding.find("quoted-printable") != std::string::npos) {
    bytes = decode_quoted_printable(body);
  } else if (encoding.find("base64") != std::string::npos) {
    bytes = decode_base64(body);
  } else {
    bytes = std::move(body);
  }
  std::string utf8;
  if (!charset_to_utf8(bytes, type.get("charset"), utf8)) {
    ++out.n_dropped;
    return;
  }
  if (mime == "text/html") {
    out.html.push_back(html_to_text(utf8));
    return;
  }
  utf8 = strip_embedded_headers(std::move(utf8));
  if (looks_like_html(utf8)) {
    out.plain.push_back(html_to_text(utf8));
    ++out.n_plain_html;
  } else {
    out.plain.push_back(std::move(utf8));
  }
}

}  // namespace

std::pair<MailHeaders, std::string> split_mail(std::string_view mail) {
  const std::string text = normalize_newlines(mail);
  MailHeaders headers;
  size_t pos = 0;
  if (text.rfind("From ", 0) == 0) {  // mbox separator line
    const size_t nl = text.find('\n');
    pos = nl == std::string::npos ? text.size() : nl + 1;
  }
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    const std::string_view line = std::string_view(text).substr(pos, nl - pos);
    if (line.empty()) return {std::move(headers), text.substr(std::min(nl + 1, text.size()))};
    if ((line[0] == ' ' || line[0] == '\t') && !headers.empty()) {
      headers.back().second += ' ';
      headers.back().second += strip(line);
    } else {
      const size_t colon = line.find(':');
      if (colon != std::string_view::npos && colon > 0) {
        headers.emplace_back(lower_ascii(strip(line.substr(0, colon))), strip(line.substr(colon + 1)));
      } else if (headers.empty()) {
        // No header block at all: the whole thing is body.
        return {std::move(headers), text.substr(pos)};
      }
    }
    pos = nl + 1;
  }
  return {std::move(headers), std::string()};
}

std::string header_value(const MailHeaders& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return "";
}

std::string HeaderParams::get(std::string_view key) const {
  for (const auto& [k, v] : params) {
    if (k == key) return v;
  }
  return "";
}

HeaderParams parse_header_params(std::string_view value) {
  HeaderParams out;
  size_t pos = value.find(';');
  out.value = lower_ascii(strip(value.substr(0, pos)));
  while (pos != std::string_view::npos && pos < value.size()) {
    ++pos;  // past ';'
    while (pos < value.size() && is_ascii_space(value[pos])) ++pos;
    const size_t eq = value.find('=', pos);
    if (eq == std::string_view::npos) break;
    std::string key = lower_ascii(strip(value.substr(pos, eq - pos)));
    size_t v = eq + 1;
    while (v < value.size() && is_ascii_space(value[v])) ++v;
    std::string val;
    if (v < value.size() && value[v] == '"') {
      size_t end = v + 1;
      for (; end < value.size() && value[end] != '"'; ++end) {
        if (value[end] == '\\' && end + 1 < value.size()) ++end;
        val += value[end];
      }
      pos = value.find(';', end);
    } else {
      const size_t end = value.find(';', v);
      val = strip(value.substr(v, end == std::string_view::npos ? std::string_view::npos : end - v));
      pos = end;
    }
    out.params.emplace_back(std::move(key), std::move(val));
  }
  return out;
}

std::string decode_quoted_printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '=') {
      out += s[i];
      continue;
    }
    // Soft line break: "=" followed by optional spaces then a newline.
    size_t j = i + 1;
    while (j < s.size() && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r')) ++j;
    if (j < s.size() && s[j] == '\n') {
      i = j;
      continue;
    }
    if (j == s.size()) break;
    if (i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += char(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += '=';
    }
  }
  return out;
}

std::string decode_base64(std::string_view s) {
  std::string out;
  out.reserve(s.size() * 3 / 4);
  uint32_t acc = 0;
  int n_bits = 0;
  for (char c : s) {
    int v;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      v = c - '0' + 52;
    else if (c == '+')
      v = 62;
    else if (c == '/')
      v = 63;
    else if (c == '=')
      break;
    else
      continue;
    acc = (acc << 6) | uint32_t(v);
    n_bits += 6;
    if (n_bits >= 8) {
      n_bits -= 8;
      out += char((acc >> n_bits) & 0xFF);
    }
  }
  return out;
}

bool charset_to_utf8(std::string_view bytes, std::string_view charset_in, std::string& out) {
  out.clear();
  const std::string charset = lower_ascii(strip(charset_in));
  const bool unicode = charset.empty() || charset == "utf-8" || charset == "utf8" || charset == "us-ascii" ||
                       charset == "ascii" || charset == "default" || charset == "default_charset";
  const bool western = charset == "iso-8859-1" || charset == "iso8859-1" || charset == "iso-8859-15" ||
                       charset == "latin1" || charset == "latin-1" || charset == "windows-1252" || charset == "cp1252";
  if (!unicode && !western) return false;
  out.reserve(bytes.size());
  if (western) {
    for (unsigned char b : bytes) append_cp1252(out, b);
    return true;
  }
  // Valid UTF-8 runs are copied; each byte that breaks the encoding is read as Windows-1252.
  size_t pos = 0;
  while (pos < bytes.size()) {
    const std::string_view rest = bytes.substr(pos);
    const size_t bad = find_invalid_utf8(rest);
    if (bad == std::string_view::npos) {
      out.append(rest);
      break;
    }
    out.append(rest.substr(0, bad));
    append_cp1252(out, static_cast<unsigned char>(rest[bad]));
    pos += bad + 1;
  }
  return true;
}

std::string truncate_text(std::string_view text, size_t max_bytes) {
  if (max_bytes == 0 || text.size() <= max_bytes) return std::string(strip_view(text));
  std::string_view cut = utf8_prefix(text, max_bytes);
  const size_t space = cut.find_last_of(" \t\n");
  if (space != std::string_view::npos && space >= cut.size() * 3 / 4) cut = cut.substr(0, space);
  return std::string(strip_view(cut));
}

MailBody mail_body(std::string_view mail, const MailBodyOptions& options) {
  MailBody result;
  Collected parts;
  walk(mail, true, 0, parts);
  const auto headers = split_mail(mail).first;
  result.subject = header_value(headers, "subject");
  const bool use_html = parts.plain.empty();
  const std::vector<std::string>& chosen = use_html ? parts.html : parts.plain;
  std::string joined;
  for (const std::string& p : chosen) {
    const std::string t = normalize_text(p);
    if (t.empty()) continue;
    if (!joined.empty()) joined += "\n\n";
    joined += t;
    ++result.n_text_parts;
  }
  result.from_html = (use_html && result.n_text_parts > 0) || parts.n_plain_html > 0;
  result.n_dropped = parts.n_dropped + (use_html ? 0 : parts.html.size());
  const std::string normalized = normalize_text(joined);
  result.text = truncate_text(normalized, options.max_bytes);
  result.truncated = result.text.size() < normalized.size();
  return result;
}

}  // namespace w2s::data
