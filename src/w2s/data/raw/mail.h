// RFC 822 / MIME mail to plain body text (the `spam` task and the corpus's email bodies): headers
// dropped, multipart walked, quoted-printable and base64 decoded, Latin-1 / Windows-1252 turned
// into UTF-8, HTML stripped. Never throws on malformed mail: what cannot be decoded is dropped.
//
// Which parts make the body: every text/plain leaf that is not an attachment, in order; when a
// mail has none, its text/html leaves converted to text. Parts in other types (images, zip,
// application/*) and parts in charsets other than us-ascii, utf-8, iso-8859-1/-15, windows-1252
// are dropped (counted). A message/rfc822 part is walked like a mail. A text/plain part whose
// content looks like HTML is converted too (spam often mislabels its HTML). A plain-text part that
// begins with a pasted header block (a forwarded or bounced mail: two or more header lines, one of
// them Received / Return-Path / Message-Id / Delivered-To / MIME-Version) loses that block too.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace w2s::data {

/// A header block: (lowercase name, unfolded value) in order of appearance.
using MailHeaders = std::vector<std::pair<std::string, std::string>>;

/// Split a mail (LF or CRLF line ends) into headers and body at the first blank line. The leading
/// mbox "From " line is skipped; continuation lines (starting with space or tab) are unfolded.
/// A mail without a blank line is all headers (empty body).
std::pair<MailHeaders, std::string> split_mail(std::string_view mail);

/// Value of the first header `name` (case-insensitive), or "".
std::string header_value(const MailHeaders& headers, std::string_view name);

/// A structured header value `type/subtype; key=value; key="quoted value"`: the main value
/// lowercased and the parameters (keys lowercased, quotes removed).
struct HeaderParams {
  std::string value;                                        // e.g. "text/plain"
  std::vector<std::pair<std::string, std::string>> params;  // e.g. {"charset", "iso-8859-1"}
  std::string get(std::string_view key) const;              // "" when absent
};
HeaderParams parse_header_params(std::string_view value);

/// Quoted-printable (RFC 2045 6.7): "=XX" bytes, "=" soft line breaks; stray "=" kept literally.
std::string decode_quoted_printable(std::string_view s);

/// Base64 (RFC 2045 6.8): characters outside the alphabet are ignored; stops at padding.
std::string decode_base64(std::string_view s);

/// Bytes in `charset` as UTF-8. utf-8 / us-ascii / "" keep valid UTF-8 (invalid bytes are read as
/// Windows-1252); iso-8859-1, iso-8859-15, latin1, windows-1252, cp1252 map through Windows-1252.
/// Returns false (and leaves `out` empty) for any other charset.
bool charset_to_utf8(std::string_view bytes, std::string_view charset, std::string& out);

/// Options for mail_body().
struct MailBodyOptions {
  size_t max_bytes = 0;  // cut the body to at most this many bytes, at a code-point boundary and
                         // preferably at whitespace; 0 = no limit
};

/// The plain text of a mail's body.
struct MailBody {
  std::string text;         // normalized body text (valid UTF-8, LF line ends, stripped)
  std::string subject;      // the Subject header, decoded where it is plain (kept for callers)
  size_t n_text_parts = 0;  // parts that contributed text
  size_t n_dropped = 0;     // parts dropped (attachments, other types, unknown charsets)
  bool from_html = false;   // some text came from HTML
  bool truncated = false;   // max_bytes cut the text
};

/// Headers stripped, MIME decoded, HTML removed, text normalized (see the file comment).
MailBody mail_body(std::string_view mail, const MailBodyOptions& options = {});

/// Cut `text` to at most `max_bytes` bytes at a code-point boundary, at the last whitespace in the
/// final quarter when there is one; trailing whitespace removed.
std::string truncate_text(std::string_view text, size_t max_bytes);

}  // namespace w2s::data
