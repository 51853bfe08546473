// Fuzz target: the raw-text parsers behind the built-in tasks and corpus: mail (headers, MIME
// parts, quoted-printable, base64, charsets), HTML to text, and WordNet data lines.
#include <fmt/format.h>

#include "support.h"
#include "w2s/core/text.h"
#include "w2s/data/raw/html_text.h"
#include "w2s/data/raw/mail.h"
#include "w2s/data/raw/wordnet.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto text = w2s::fuzz::as_text(data, size);
  w2s::fuzz::expect_clean("mail", [&] {
    w2s::data::MailBodyOptions o;
    o.max_bytes = size % 97;
    const auto body = w2s::data::mail_body(text, o);
    if (o.max_bytes > 0 && body.text.size() > o.max_bytes)
      w2s::fuzz::property_failed("mail_body", fmt::format("{} bytes kept, limit {}", body.text.size(), o.max_bytes));
    const auto [headers, rest] = w2s::data::split_mail(text);
    (void)w2s::data::parse_header_params(w2s::data::header_value(headers, "content-type"));
    (void)w2s::data::decode_quoted_printable(text);
    (void)w2s::data::decode_base64(text);
    std::string out;
    for (const char* cs : {"utf-8", "iso-8859-1", "windows-1252", "us-ascii", "koi8-r"})
      (void)w2s::data::charset_to_utf8(text, cs, out);
    w2s::fuzz::require(w2s::is_valid_utf8(body.text), "mail_body", "text is not valid UTF-8");
    const size_t limit = size % 31 + 1;
    if (w2s::data::truncate_text(text, limit).size() > limit)
      w2s::fuzz::property_failed("truncate_text", fmt::format("longer than its limit {}", limit));
  });
  w2s::fuzz::expect_clean("html", [&] {
    (void)w2s::data::looks_like_html(text);
    (void)w2s::data::html_to_text(text);
    (void)w2s::data::decode_html_entities(text);
  });
  w2s::fuzz::expect_clean("wordnet", [&] { (void)w2s::data::parse_wordnet_data(text, 'n', "fuzz/data.noun"); });
  return 0;
}
