// WordNet data files and sense counts, on checked-in fixtures.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "test_support.h"
#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/data/raw/wordnet.h"

namespace fs = std::filesystem;
using namespace w2s::data;

using w2s::test::data_fixture;
using w2s::test::read_data_fixture;

TEST(WordNet, ParsesDataLinesGlossesAndMarkers) {
  const auto synsets = read_wordnet(data_fixture("wordnet"));
  ASSERT_EQ(synsets.size(), 16u + 11u + 6u + 5u);
  const auto it = std::find_if(synsets.begin(), synsets.end(), [](const Synset& s) { return s.id == "n/09213565"; });
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
  const auto counts = read_sense_counts(data_fixture("wordnet/cntlist.rev"));
  EXPECT_EQ(counts.at("bank%1:17:01"), 25);
  EXPECT_EQ(counts.at("happy%5:00:00"), 1 + 2 + 7);  // satellites summed over head words
}
