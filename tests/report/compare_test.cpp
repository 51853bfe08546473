// The method comparison: pairs matched across losses, differences A − B in points, paired tests
// across pairs and across tasks, one-sided pairs counted, bad requests named.
#include "w2s/report/compare.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_support.h"
#include "w2s/core/error.h"
#include "w2s/eval/paired_tests.h"
#include "w2s/report/aggregate.h"
#include "w2s/report/tables.h"

namespace w2s::report {
namespace {

PgrRow row(const std::string& task, const std::string& weak, const std::string& strong, const std::string& loss,
           double student) {
  PgrRow p;
  p.task = task, p.weak = weak, p.strong = strong, p.loss = loss, p.method = "finetune";
  p.weak_params = weak == "s" ? 10 : 1, p.strong_params = strong == "m" ? 100 : 10;
  p.n_seeds = 3;
  p.weak_acc = 0.7, p.ceiling_acc = 0.9, p.student_acc = student;
  p.pgr = (student - 0.7) / 0.2;
  p.status = "ok";
  return p;
}

Results fixture() {
  Results r;
  // Task a: logconf − xent = −2, −4, +1 points; task b: −3, −1 points; task b's s→m has no xent.
  for (auto [task, weak, strong, x, l] :
       std::vector<std::tuple<const char*, const char*, const char*, double, double>>{{"a", "xs", "s", 0.80, 0.78},
                                                                                      {"a", "xs", "m", 0.84, 0.80},
                                                                                      {"a", "s", "m", 0.85, 0.86},
                                                                                      {"b", "xs", "s", 0.75, 0.72},
                                                                                      {"b", "xs", "m", 0.77, 0.76}}) {
    r.pgr.push_back(row(task, weak, strong, "xent", x));
    r.pgr.push_back(row(task, weak, strong, "logconf", l));
  }
  r.pgr.push_back(row("b", "s", "m", "logconf", 0.9));
  return r;
}

TEST(Compare, PairsDifferencesAndTests) {
  const auto r = fixture();
  const auto j = nlohmann::json::parse(format_compare(r, "logconf", "xent", TableFormat::json));
  ASSERT_EQ(j["rows"].size(), 5u);
  EXPECT_EQ(j["one_sided"], 1);
  EXPECT_NEAR(j["rows"][0]["diff_points"].get<double>(), -2.0, 1e-9);  // task a, xs → s first
  const auto want = eval::paired_tests({-2, -4, 1, -3, -1});
  EXPECT_NEAR(j["over_pairs"]["mean_diff_points"].get<double>(), -1.8, 1e-9);
  EXPECT_NEAR(j["over_pairs"]["t_p"].get<double>(), want.t_p, 1e-12);
  EXPECT_NEAR(j["over_pairs"]["wilcoxon_p"].get<double>(), want.w_p, 1e-12);
  EXPECT_EQ(j["over_pairs"]["wins"], 1);
  EXPECT_EQ(j["over_pairs"]["losses"], 4);
  // Across tasks: each task's mean difference (−5/3 and −2).
  EXPECT_EQ(j["over_tasks"]["n"], 2);
  EXPECT_NEAR(j["over_tasks"]["mean_diff_points"].get<double>(), (-5.0 / 3 - 2.0) / 2, 1e-9);
  // The text names both and says what was left out; B − A flips the sign.
  const auto text = format_compare(r, "logconf", "xent", TableFormat::text);
  EXPECT_NE(text.find("logconf − xent over 5 pairs: mean -1.80 points"), std::string::npos) << text;
  EXPECT_NE(text.find("over 2 tasks"), std::string::npos) << text;
  EXPECT_NE(text.find("1 pairs have only one"), std::string::npos) << text;
  EXPECT_NE(format_compare(r, "xent", "logconf", TableFormat::text).find("mean +1.80 points"), std::string::npos);
  EXPECT_EQ(format_compare(r, "logconf", "xent", TableFormat::csv).find("Wilcoxon"), std::string::npos);
}

TEST(Compare, BadRequestsAreNamed) {
  const auto r = fixture();
  EXPECT_NE(test::error_of([&] {
              format_compare(r, "logconf", "product", TableFormat::text);
            }).find("the results have the losses logconf, xent"),
            std::string::npos);
  EXPECT_THROW(format_compare(r, "xent", "xent", TableFormat::text), Error);
}

}  // namespace
}  // namespace w2s::report

namespace w2s::report {
namespace {

TEST(TaskDisplayNames, FileStemsOrNamesAndFullSpecsWhereTheyCollide) {
  Results r;
  for (const char* t : {"jsonl:/data/x.jsonl?text=question", "csv:/data/y.csv?name=mine", "spam", "jsonl:/c/z.jsonl",
                        "jsonl:/d/z.jsonl"})
    r.pgr.push_back(row(t, "xs", "s", "xent", 0.8));
  const auto shown = task_display_names(r);
  EXPECT_EQ(shown.at("jsonl:/data/x.jsonl?text=question"), "x");
  EXPECT_EQ(shown.at("csv:/data/y.csv?name=mine"), "mine");
  EXPECT_EQ(shown.at("spam"), "spam");
  EXPECT_EQ(shown.at("jsonl:/c/z.jsonl"), "jsonl:/c/z.jsonl");  // two tasks would show "z"
  EXPECT_EQ(shown.at("jsonl:/d/z.jsonl"), "jsonl:/d/z.jsonl");
  // Text tables show the short name; CSV keeps the spec (it is the key).
  const auto text = format_pgr_table(r, TableFormat::text);
  EXPECT_EQ(text.find("text=question"), std::string::npos) << text;
  EXPECT_NE(text.find("mine"), std::string::npos) << text;
  EXPECT_NE(format_pgr_table(r, TableFormat::csv).find("jsonl:/data/x.jsonl?text=question"), std::string::npos);
}

}  // namespace
}  // namespace w2s::report
