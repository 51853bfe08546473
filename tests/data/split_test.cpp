// Tests for data/split: determinism, group integrity, no text overlap, balance, caps, validation
// from half 2, and the length policy with a fake token counter.
#include "w2s/data/split.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "w2s/core/error.h"

namespace w2s::data {
namespace {

// n examples in groups of 1..3; label 1 for about `frac1` of them; text = "text <i> ..." with
// (i % 7) + 1 words after the number, so a word counter sees different lengths.
Task make_task(size_t n, double frac1 = 0.5, bool with_test = false) {
  Task t;
  t.name = "synthetic";
  size_t group = 0, in_group = 0, group_size = 1;
  for (size_t i = 0; i < n; ++i) {
    if (in_group == group_size) {
      ++group;
      in_group = 0;
      group_size = 1 + group % 3;
    }
    ++in_group;
    Example e;
    e.id = fmt::format("s/{}", i);
    e.text = fmt::format("text {}", i);
    for (size_t w = 0; w < i % 7 + 1; ++w) e.text += " w";
    e.label = (i * 7919 % 1000) < frac1 * 1000 ? 1 : 0;
    e.group = fmt::format("g{}", group);
    t.train.push_back(e);
  }
  if (with_test) {
    for (size_t i = 0; i < n / 5; ++i)
      t.test.push_back({fmt::format("t/{}", i), fmt::format("test {}", i), int(i % 2), "", {}});
  }
  return t;
}

std::vector<std::string> ids(const std::vector<Example>& v) {
  std::vector<std::string> out;
  for (const auto& e : v) out.push_back(e.id);
  return out;
}

std::vector<const std::vector<Example>*> parts(const Split& s) { return {&s.train1, &s.train2, &s.val, &s.test}; }

size_t max_group_size(const Task& t) {
  std::map<std::string, size_t> sizes;
  for (const auto& e : t.train) ++sizes[group_of(e)];
  size_t m = 0;
  for (const auto& [g, n] : sizes) m = std::max(m, n);
  return m;
}

TEST(Split, SameSeedSameIdsDifferentSeedDifferentIds) {
  const Task t = make_task(300);
  SplitOptions o;
  o.seed = 11;
  o.val_fraction = 0.1;
  const Split a = make_split(t, o), b = make_split(t, o);
  for (size_t k = 0; k < 4; ++k) EXPECT_EQ(ids(*parts(a)[k]), ids(*parts(b)[k]));
  o.seed = 12;
  const Split c = make_split(t, o);
  EXPECT_NE(ids(a.train1), ids(c.train1));
  EXPECT_NE(ids(a.test), ids(c.test));
}

TEST(Split, InputOrderDoesNotMatter) {
  const Task t = make_task(120);
  Task reversed = t;
  std::reverse(reversed.train.begin(), reversed.train.end());
  SplitOptions o;
  o.seed = 3;
  o.val_fraction = 0.2;
  const Split a = make_split(t, o), b = make_split(reversed, o);
  for (size_t k = 0; k < 4; ++k) EXPECT_EQ(ids(*parts(a)[k]), ids(*parts(b)[k]));
}

TEST(Split, PinnedAssignmentIsStableAcrossPlatforms) {
  // splitmix64 + FNV-1a ranks: these ids must not change on another compiler or library.
  // A change here changes every experiment's split; update only on purpose.
  SplitOptions o;
  o.seed = 2024;
  const Split s = make_split(make_task(20), o);
  EXPECT_EQ(ids(s.test), (std::vector<std::string>{"s/6", "s/12", "s/18", "s/19"}));
  EXPECT_EQ(ids(s.train1),
            (std::vector<std::string>{"s/2", "s/8", "s/14", "s/17", "s/16", "s/1", "s/13", "s/15", "s/7"}));
}

TEST(Split, GroupsNeverStraddleParts) {
  const Task t = make_task(400);
  for (uint64_t seed : {0, 1, 2}) {
    SplitOptions o;
    o.seed = seed;
    o.val_fraction = 0.25;
    const Split s = make_split(t, o);
    std::map<std::string, size_t> part_of;
    size_t total = 0;
    const auto ps = parts(s);
    for (size_t k = 0; k < ps.size(); ++k) {
      for (const auto& e : *ps[k]) {
        auto [it, inserted] = part_of.emplace(e.group, k);
        EXPECT_EQ(it->second, k) << "group " << e.group << " in parts " << it->second << " and " << k;
        ++total;
      }
    }
    EXPECT_EQ(total, t.train.size());  // nothing lost without duplicates, balance or caps
    EXPECT_TRUE(s.report.test_carved);
    EXPECT_NEAR(static_cast<double>(s.test.size()) / total, 0.2, 0.02);
  }
}

TEST(Split, HalvesAreEqualWithinOneGroupAndValComesFromHalfTwo) {
  const Task t = make_task(301);
  SplitOptions o;
  o.seed = 5;
  const Split no_val = make_split(t, o);
  const long diff = static_cast<long>(no_val.train1.size()) - static_cast<long>(no_val.train2.size());
  EXPECT_LE(std::labs(diff), static_cast<long>(max_group_size(t)));

  o.val_fraction = 0.3;
  const Split with_val = make_split(t, o);
  EXPECT_EQ(ids(with_val.train1), ids(no_val.train1));  // half 1 untouched by the val slice
  EXPECT_EQ(ids(with_val.test), ids(no_val.test));
  const std::vector<std::string> half2_ids = ids(no_val.train2);
  const std::set<std::string> half2(half2_ids.begin(), half2_ids.end());
  std::set<std::string> rejoined;
  for (const auto* v : {&with_val.train2, &with_val.val}) {
    for (const auto& e : *v) rejoined.insert(e.id);
  }
  EXPECT_EQ(rejoined, half2);
  EXPECT_NEAR(static_cast<double>(with_val.val.size()) / half2.size(), 0.3, 0.03);
  // Validation keeps ground truth in the Example; labels are the caller's business.
  std::map<std::string, int> gt;
  for (const auto& e : t.train) gt[e.id] = e.label;
  for (const auto& e : with_val.val) EXPECT_EQ(e.label, gt[e.id]);
}

TEST(Split, NoTextInTwoPartsEvenWithInjectedDuplicates) {
  Task t = make_task(200, 0.5, /*with_test=*/true);
  // Duplicates in other groups: 30 copies of train texts, and 10 copies of test texts.
  for (size_t i = 0; i < 30; ++i) {
    Example e = t.train[i * 5];
    e.id = fmt::format("dup/{}", i);
    e.group = fmt::format("dupgroup{}", i);
    t.train.push_back(e);
  }
  for (size_t i = 0; i < 10; ++i) t.train.push_back({fmt::format("tdup/{}", i), t.test[i].text, 1, "", {}});
  SplitOptions o;
  o.seed = 9;
  o.val_fraction = 0.2;
  const Split s = make_split(t, o);
  std::map<std::string, size_t> part_of;
  const auto ps = parts(s);
  for (size_t k = 0; k < ps.size(); ++k) {
    for (const auto& e : *ps[k]) {
      auto [it, inserted] = part_of.emplace(e.text, k);
      EXPECT_EQ(it->second, k) << "text '" << e.text << "' in parts " << it->second << " and " << k;
    }
  }
  EXPECT_EQ(ids(s.test).size(), t.test.size());  // the fixed test set is never altered
  EXPECT_FALSE(s.report.test_carved);
  EXPECT_GE(s.report.n_duplicates, 10u);  // every test copy at least
  size_t n_out = 0;
  for (const auto* p : ps) n_out += p->size();
  EXPECT_EQ(n_out + s.report.n_duplicates, t.train.size() + t.test.size());
  EXPECT_EQ(s.report.n_duplicates + s.report.n_duplicates_within, 40u);
}

TEST(Split, BalanceDownsamplesTheMajorityInEveryPart) {
  const Task t = make_task(500, 0.75);
  SplitOptions o;
  o.seed = 1;
  o.val_fraction = 0.2;
  o.balance = true;
  const Split s = make_split(t, o);
  size_t n_out = 0;
  for (const auto* p : parts(s)) {
    size_t n1 = 0;
    for (const auto& e : *p) n1 += e.label;
    EXPECT_EQ(2 * n1, p->size());
    EXPECT_GT(p->size(), 0u);
    n_out += p->size();
  }
  EXPECT_EQ(n_out + s.report.n_balanced_away, t.train.size());
  EXPECT_DOUBLE_EQ(s.report.train1.frac_label1(), 0.5);
}

TEST(Split, CapsLimitEachPart) {
  const Task t = make_task(400, 0.5, true);
  SplitOptions o;
  o.seed = 4;
  o.val_fraction = 0.2;
  o.n_train1 = 50;
  o.n_train2 = 40;
  o.n_val = 10;
  o.n_test = 30;
  const Split s = make_split(t, o);
  EXPECT_EQ(s.train1.size(), 50u);
  EXPECT_EQ(s.train2.size(), 40u);
  EXPECT_EQ(s.val.size(), 10u);
  EXPECT_EQ(s.test.size(), 30u);
  EXPECT_EQ(s.report.train1.n, 50u);
  EXPECT_EQ(s.report.n_capped_away, t.train.size() + t.test.size() - 130);
  // Caps take a prefix of the uncapped part's order.
  SplitOptions uncapped = o;
  uncapped.n_train1 = uncapped.n_train2 = uncapped.n_val = uncapped.n_test = -1;
  const Split u = make_split(t, uncapped);
  EXPECT_TRUE(std::equal(s.train1.begin(), s.train1.end(), u.train1.begin(),
                         [](const Example& a, const Example& b) { return a.id == b.id; }));
  o.n_train1 = 100000;  // larger than the part: all of it
  EXPECT_EQ(make_split(t, o).train1.size(), u.train1.size());
}

TEST(Split, DropVersusTruncateWithAFakeTokenCounter) {
  const Task t = make_task(70);  // text "text <i>" + (i % 7 + 1) words: 3..9 "tokens"
  TokenFns fns;
  fns.count = [](const std::string& s) {
    std::istringstream in(s);
    size_t n = 0;
    for (std::string w; in >> w;) ++n;
    return n;
  };
  fns.truncate = [](const std::string& s, size_t n) {
    std::istringstream in(s);
    std::string out, w;
    for (size_t k = 0; k < n && in >> w; ++k) out += (k ? " " : "") + w;
    return out;
  };
  SplitOptions o;
  o.max_tokens = 6;  // words 3..6 fit: i % 7 in {0,1,2,3} → 40 of 70; 30 are too long
  const Split dropped = make_split(t, o, &fns);
  EXPECT_EQ(dropped.report.n_dropped_long, 30u);
  EXPECT_EQ(dropped.report.n_truncated, 0u);
  size_t n = 0;
  for (const auto* p : parts(dropped)) {
    for (const auto& e : *p) EXPECT_LE(fns.count(e.text), 6u);
    n += p->size();
  }
  EXPECT_EQ(n, 40u);

  o.length_policy = LengthPolicy::truncate;
  const Split truncated = make_split(t, o, &fns);
  EXPECT_EQ(truncated.report.n_truncated, 30u);
  EXPECT_EQ(truncated.report.n_dropped_long, 0u);
  n = 0;
  for (const auto* p : parts(truncated)) {
    for (const auto& e : *p) EXPECT_LE(fns.count(e.text), 6u);
    n += p->size();
  }
  EXPECT_EQ(n, 70u);

  TokenFns bad = fns;
  bad.truncate = [](const std::string& s, size_t) { return s; };
  EXPECT_THROW(make_split(t, o, &bad), Error);
  EXPECT_THROW(make_split(t, o, nullptr), Error);  // max_tokens without a counter
}

TEST(Split, ComparisonOrderIsDrawnPerSeedAndDuplicatesIncludeTheCompletions) {
  Task t;
  t.name = "prefs";
  t.kind = TaskKind::comparison;
  for (int i = 0; i < 400; ++i)  // every source row lists the preferred completion first
    t.train.push_back(
        {fmt::format("p/{}", i), fmt::format("prompt {}", i % 200), 0, "", {fmt::format(" good {}", i), " bad"}});
  SplitOptions o;
  o.seed = 3;
  const Split s = make_split(t, o);
  size_t n = 0, first_preferred = 0;
  for (const auto* part : parts(s))
    for (const auto& e : *part) {
      ++n;
      ASSERT_EQ(e.completions.size(), 2u);
      EXPECT_EQ(e.completions[e.label].substr(0, 5), " good") << e.id;  // the label follows the swap
      first_preferred += e.label == 0;
    }
  EXPECT_EQ(n, 400u);  // same prompts, other completions: not duplicates
  EXPECT_GT(first_preferred, 160u);
  EXPECT_LT(first_preferred, 240u);
  // Another seed draws other orders; the same seed the same.
  o.seed = 4;
  const Split s4 = make_split(t, o);
  o.seed = 3;
  EXPECT_EQ(make_split(t, o).test.front().label, s.test.front().label);
  size_t differ = 0;
  for (const auto& a : s.test)
    for (const auto* part : parts(s4))
      for (const auto& b : *part) differ += a.id == b.id && a.label != b.label;
  EXPECT_GT(differ, 0u);
  // Identical content (prompt and both completions) across parts is a duplicate.
  Task d = t;
  d.train.clear();
  for (int i = 0; i < 50; ++i) d.train.push_back({fmt::format("d/{}", i), "same", 0, "", {" a", " b"}});
  EXPECT_EQ(make_split(d, o).report.n_duplicates + make_split(d, o).report.n_duplicates_within, 49u);
  // A comparison needs two completions; a classification none.
  d.train.front().completions = {" only"};
  EXPECT_THROW(make_split(d, o), Error);
  Task c = make_task(10);
  c.train.front().completions = {" x", " y"};
  EXPECT_THROW(make_split(c, o), Error);
}

TEST(Split, BadInputsAreErrors) {
  Task t = make_task(10);
  SplitOptions o;
  t.train[3].label = 2;
  EXPECT_THROW(make_split(t, o), Error);
  t = make_task(10);
  t.train[4].id = t.train[2].id;
  try {
    make_split(t, o);
    FAIL() << "expected a duplicate id error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("duplicate example id 's/2'"), std::string::npos) << e.what();
  }
  t = make_task(10);
  o.val_fraction = 1.0;
  EXPECT_THROW(make_split(t, o), Error);
  o.val_fraction = 0;
  o.test_fraction = -0.1;
  EXPECT_THROW(make_split(t, o), Error);
  EXPECT_EQ(parse_length_policy("truncate"), LengthPolicy::truncate);
  EXPECT_THROW(parse_length_policy("cut"), Error);
}

TEST(Split, ReportSerializes) {
  SplitOptions o;
  o.val_fraction = 0.5;
  const Split s = make_split(make_task(50), o);
  const auto j = s.report.to_json();
  EXPECT_EQ(j["train1"]["n"], s.train1.size());
  EXPECT_EQ(j["val"]["n"], s.val.size());
  EXPECT_EQ(j["n_input"], 50);
  EXPECT_EQ(j["test_carved"], true);
  EXPECT_NE(s.report.summary().find(fmt::format("train1 {}", s.train1.size())), std::string::npos);
}

}  // namespace
}  // namespace w2s::data
