// Mail bodies: headers, MIME parts, transfer encodings and charsets, on checked-in fixtures.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "test_support.h"
#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/data/raw/mail.h"

namespace fs = std::filesystem;
using namespace w2s::data;

using w2s::test::data_fixture;
using w2s::test::read_data_fixture;

TEST(Mail, PlainMailKeepsBodyOnlyAndUnfoldsHeaders) {
  const std::string mail = read_data_fixture("mail/plain.txt");
  const auto [headers, body] = split_mail(mail);
  EXPECT_EQ(header_value(headers, "subject"), "Lunch on Friday?");
  EXPECT_EQ(header_value(headers, "RECEIVED").substr(0, 17), "from relay.exampl");
  EXPECT_EQ(body.substr(0, 7), "Hi Bob,");

  const MailBody b = mail_body(mail);
  EXPECT_EQ(b.text, "Hi Bob,\n\nAre we still on for lunch on Friday?   The usual place at noon.\n\nAlice");
  EXPECT_EQ(b.subject, "Lunch on Friday?");
  EXPECT_EQ(b.text.find("Subject"), std::string::npos);
  EXPECT_EQ(b.text.find("Received"), std::string::npos);
  EXPECT_FALSE(b.from_html);
}

TEST(Mail, MultipartPrefersPlainTextAndDecodesQuotedPrintableLatin1) {
  const MailBody b = mail_body(read_data_fixture("mail/multipart_qp.txt"));
  // =E9 in iso-8859-1 is é; "=3D" is '='; the soft line break "=\n" joins the lines.
  EXPECT_EQ(b.text, "Save up to 70% on life insurance. Caf\u00e9 owners welcome = good value.\nCall now!");
  EXPECT_EQ(b.n_text_parts, 1u);
  EXPECT_FALSE(b.from_html);
  EXPECT_EQ(b.text.find("This is a multi-part"), std::string::npos);  // preamble dropped
}

TEST(Mail, HtmlOnlyBase64IsDecodedAndStripped) {
  const MailBody b = mail_body(read_data_fixture("mail/html_base64.txt"));
  EXPECT_TRUE(b.from_html);
  EXPECT_EQ(b.text, "You have won & a prize!\n\nClick here now.");
}

TEST(Mail, AttachmentsAndUnknownCharsetsAreDropped) {
  const MailBody b = mail_body(read_data_fixture("mail/attachment_only.txt"));
  EXPECT_EQ(b.text, "");
  EXPECT_EQ(b.n_dropped, 2u);  // the image and the gb2312 text
}

TEST(Mail, PastedHeaderBlockOfAForwardedMailIsDropped) {
  const std::string mail =
      "From: a@example.org\nSubject: fwd\n\n"
      "Return-Path: <spammer@example.com>\nReceived: from relay\n  by mx.example.net\n"
      "Subject: Hello\n\nMake money fast.\n";
  EXPECT_EQ(mail_body(mail).text, "Make money fast.");
  // One header-like line, or no transport header, is ordinary text.
  EXPECT_EQ(mail_body("Subject: s\n\nNote: bring snacks.\n\nSee you.\n").text, "Note: bring snacks.\n\nSee you.");
  EXPECT_EQ(mail_body("Subject: s\n\nTo: all\nFrom: me\n\nHi.\n").text, "To: all\nFrom: me\n\nHi.");
}

TEST(Mail, DecodersHandleEdgeCases) {
  EXPECT_EQ(decode_quoted_printable("a=3Db=\r\nc = d=\n"), "a=bc = d");
  EXPECT_EQ(decode_quoted_printable("50=25 off =ZZ"), "50% off =ZZ");
  EXPECT_EQ(decode_base64("aGVs\nbG8="), "hello");
  EXPECT_EQ(decode_base64("!!aGk="), "hi");
  std::string out;
  EXPECT_TRUE(charset_to_utf8("caf\xe9 \x93quoted\x94", "windows-1252", out));
  EXPECT_EQ(out, "caf\u00e9 \u201cquoted\u201d");
  EXPECT_TRUE(charset_to_utf8("ok \xc3\xa9 bad \xe9", "utf-8", out));  // valid kept, stray byte as 1252
  EXPECT_EQ(out, "ok \u00e9 bad \u00e9");
  EXPECT_FALSE(charset_to_utf8("x", "koi8-r", out));
  const HeaderParams p = parse_header_params("Text/Plain; charset=\"ISO-8859-1\"; format=flowed");
  EXPECT_EQ(p.value, "text/plain");
  EXPECT_EQ(p.get("charset"), "ISO-8859-1");
  EXPECT_EQ(p.get("format"), "flowed");
}

TEST(Mail, TruncationKeepsCodePointsWhole) {
  EXPECT_EQ(truncate_text("abcdefg\u00e9", 8), "abcdefg");                         // 'é' is 2 bytes: not split
  EXPECT_EQ(truncate_text("hello world again", 14), "hello world");                // cut at a space
  EXPECT_EQ(truncate_text("abcdefghijkl mnopqrstu", 20), "abcdefghijkl mnopqrs");  // no space near the end
  EXPECT_EQ(truncate_text("short", 100), "short");
  MailBodyOptions o;
  o.max_bytes = 20;
  const MailBody b = mail_body(read_data_fixture("mail/plain.txt"), o);
  EXPECT_TRUE(b.truncated);
  EXPECT_LE(b.text.size(), 20u);
}
