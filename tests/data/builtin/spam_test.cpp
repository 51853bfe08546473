// The spam task builder on small mail-folder fixtures.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "test_support.h"
#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/data/builtin/spam.h"

namespace fs = std::filesystem;
using namespace w2s::data;

using w2s::test::data_fixture;
using w2s::test::read_data_fixture;

TEST(Spam, FoldersGiveLabelsBodiesDedupAndFixedTest) {
  w2s::test::TempDir dir;
  const std::string plain = read_data_fixture("mail/plain.txt");
  auto put = [&](const std::string& folder, const std::string& name, const std::string& text) {
    w2s::write_file_atomic(dir / "data" / folder / (name + ".txt"), text);
  };
  put("easy-ham-1", "00001.aaaa", plain);
  put("easy-ham-1", "00002.bbbb", "From: x@example.org\nSubject: hi\n\nMeeting moved to 3pm.\n");
  put("easy-ham-2", "00001.cccc", plain);  // same body as easy-ham-1/00001: dropped
  put("hard-ham-1", "00001.dddd", "From: y@example.org\n\nNewsletter: kernel 2.4.19 released.\n");
  put("spam-1", "00001.eeee", read_data_fixture("mail/multipart_qp.txt"));
  put("spam-1", "00002.ffff", read_data_fixture("mail/attachment_only.txt"));  // empty body: dropped
  put("spam-2", "00001.gggg", read_data_fixture("mail/html_base64.txt"));
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
