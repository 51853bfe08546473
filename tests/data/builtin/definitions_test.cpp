// The definitions task builder on WordNet fixtures.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "test_support.h"
#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/data/builtin/definitions.h"
#include "w2s/data/raw/wordnet.h"

namespace fs = std::filesystem;
using namespace w2s::data;

using w2s::test::data_fixture;
using w2s::test::read_data_fixture;

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
  const auto synsets = read_wordnet(data_fixture("wordnet"));
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
        EXPECT_EQ(definitions_of[word].count(*def) > 0, e.label == 1) << "seed " << seed << ": " << e.text;
        auto [it, inserted] = part_of_group.emplace(e.group, name);
        EXPECT_EQ(it->second, name) << e.group << " is in both parts";
      }
    }
    EXPECT_EQ(2 * n1, n) << "balanced";
  }
}

TEST(Definitions, DeterministicAndSenseCountFilter) {
  const auto synsets = read_wordnet(data_fixture("wordnet"));
  DefinitionsOptions o;
  o.n_test = 4;
  const Task a = build_definitions(synsets, {}, o);
  const Task b = build_definitions(synsets, {}, o);
  ASSERT_EQ(a.train.size(), b.train.size());
  for (size_t i = 0; i < a.train.size(); ++i) EXPECT_EQ(a.train[i].text, b.train[i].text);

  // With sense counts only tagged senses are used: bank%1:17:01 (sloping land) is; bank%1:17:02
  // (a slope in the turn of a road) and bank%1:04:00 (a flight maneuver) are not.
  const auto counts = read_sense_counts(data_fixture("wordnet/cntlist.rev"));
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
    EXPECT_TRUE(word == "bank" || word == "steep" || word == "quickly" || word == "river" || word == "money" ||
                word == "swim" || word == "slowly" || word == "happy")
        << word;
  }
  EXPECT_TRUE(saw_sloping);
}
