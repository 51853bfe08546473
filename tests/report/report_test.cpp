// Results JSON round trip, tables, and the HTML report's figures: well-formed SVG and one marker
// per data point of the fixture (tests/report/data/results_fixture.json, see its script).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "test_support.h"
#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/core/version.h"
#include "w2s/report/aggregate.h"
#include "w2s/report/html_report.h"
#include "w2s/report/results.h"
#include "w2s/report/svg.h"
#include "w2s/report/tables.h"

namespace w2s::report {
namespace {

using nlohmann::json;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::filesystem::path fixture_path() { return test::source_dir() / "tests/report/data/results_fixture.json"; }
Results fixture() { return load_results(fixture_path()); }
json fixture_json() { return json::parse(read_file(fixture_path())); }

using test::error_of;

size_t count(const std::string& s, const std::string& needle) {
  size_t n = 0;
  for (size_t p = s.find(needle); p != std::string::npos; p = s.find(needle, p + needle.size())) ++n;
  return n;
}

// ---- A small XML well-formedness checker for the subset the report emits -----------------------
// Elements with attributes, self-closing tags, text, comments and the five entities plus numeric
// character references. Returns "" when well-formed, else what is wrong and where.
std::string xml_error(const std::string& x) {
  std::vector<std::string> stack;
  size_t i = 0, roots = 0;
  auto is_name_start = [](char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':'; };
  auto is_name = [&](char c) {
    return is_name_start(c) || std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '.';
  };
  auto at = [&](size_t p) { return "at byte " + std::to_string(p); };
  auto entity = [&](size_t p) -> size_t {  // length of a valid reference at p, 0 if none
    const size_t semi = x.find(';', p);
    if (semi == std::string::npos || semi - p > 10) return 0;
    const std::string e = x.substr(p + 1, semi - p - 1);
    static const std::set<std::string> named = {"amp", "lt", "gt", "quot", "apos"};
    if (named.count(e)) return semi - p + 1;
    if (e.size() > 1 && e[0] == '#') {
      const bool hex = e[1] == 'x';
      const std::string digits = e.substr(hex ? 2 : 1);
      if (digits.empty()) return 0;
      for (char c : digits)
        if (!(hex ? std::isxdigit(static_cast<unsigned char>(c)) : std::isdigit(static_cast<unsigned char>(c))))
          return 0;
      return semi - p + 1;
    }
    return 0;
  };
  while (i < x.size()) {
    const char c = x[i];
    if (c == '&') {
      const size_t n = entity(i);
      if (!n) return "bad entity " + at(i);
      i += n;
    } else if (c != '<') {
      if (stack.empty() && !std::isspace(static_cast<unsigned char>(c))) return "text outside the root " + at(i);
      ++i;
    } else if (x.compare(i, 4, "<!--") == 0) {
      const size_t end = x.find("-->", i + 4);
      if (end == std::string::npos) return "unterminated comment " + at(i);
      i = end + 3;
    } else if (i + 1 < x.size() && x[i + 1] == '/') {
      size_t j = i + 2;
      while (j < x.size() && is_name(x[j])) ++j;
      const std::string name = x.substr(i + 2, j - i - 2);
      while (j < x.size() && std::isspace(static_cast<unsigned char>(x[j]))) ++j;
      if (j >= x.size() || x[j] != '>') return "bad closing tag " + at(i);
      if (stack.empty() || stack.back() != name)
        return "closing </" + name + "> does not match <" + (stack.empty() ? "" : stack.back()) + "> " + at(i);
      stack.pop_back();
      i = j + 1;
    } else {
      size_t j = i + 1;
      if (j >= x.size() || !is_name_start(x[j])) return "bad tag name " + at(i);
      while (j < x.size() && is_name(x[j])) ++j;
      const std::string name = x.substr(i + 1, j - i - 1);
      std::set<std::string> attrs;
      bool self_closing = false;
      for (;;) {
        const size_t before = j;
        while (j < x.size() && std::isspace(static_cast<unsigned char>(x[j]))) ++j;
        if (j >= x.size()) return "unterminated tag <" + name + "> " + at(i);
        if (x[j] == '>') break;
        if (x.compare(j, 2, "/>") == 0) {
          self_closing = true;
          ++j;
          break;
        }
        if (j == before) return "no space before an attribute in <" + name + "> " + at(j);
        const size_t a0 = j;
        if (!is_name_start(x[j])) return "bad attribute name in <" + name + "> " + at(j);
        while (j < x.size() && is_name(x[j])) ++j;
        const std::string attr = x.substr(a0, j - a0);
        if (!attrs.insert(attr).second) return "duplicate attribute " + attr + " " + at(a0);
        if (j + 1 >= x.size() || x[j] != '=' || (x[j + 1] != '"' && x[j + 1] != '\''))
          return "unquoted attribute " + attr + " in <" + name + "> " + at(a0);
        const char q = x[j + 1];
        j += 2;
        while (j < x.size() && x[j] != q) {
          if (x[j] == '<') return "'<' in attribute " + attr + " " + at(j);
          if (x[j] == '&') {
            const size_t n = entity(j);
            if (!n) return "bad entity in attribute " + attr + " " + at(j);
            j += n;
          } else {
            ++j;
          }
        }
        if (j >= x.size()) return "unterminated attribute " + attr + " " + at(a0);
        ++j;
      }
      if (stack.empty()) ++roots;
      if (!self_closing) stack.push_back(name);
      i = j + 1;
    }
  }
  if (!stack.empty()) return "unclosed <" + stack.back() + ">";
  if (roots != 1) return std::to_string(roots) + " root elements";
  return "";
}

/// Every <svg ...>...</svg> block of a page, by its data-figure id (in page order).
std::vector<std::pair<std::string, std::string>> svg_blocks(const std::string& html) {
  std::vector<std::pair<std::string, std::string>> out;
  for (size_t p = html.find("<svg"); p != std::string::npos; p = html.find("<svg", p + 1)) {
    const size_t end = html.find("</svg>", p);
    if (end == std::string::npos) break;
    const std::string block = html.substr(p, end + 6 - p);
    const size_t id0 = block.find("data-figure=\"");
    const size_t id1 = id0 == std::string::npos ? id0 : block.find('"', id0 + 13);
    out.emplace_back(id0 == std::string::npos ? "" : block.substr(id0 + 13, id1 - id0 - 13), block);
  }
  return out;
}

// ---- JSON -------------------------------------------------------------------------------------

TEST(ResultsJson, FixtureLoads) {
  const Results r = fixture();
  EXPECT_EQ(r.stages.size(), 27u);  // 9 gt + 3 pairs x 2 losses x 3 seeds
  EXPECT_EQ(r.pgr.size(), 6u);
  EXPECT_TRUE(std::isnan(r.stages[0].agree_when_weak_right));  // gt: null
  EXPECT_EQ(r.stages[0].dynamics.size(), 5u);
  EXPECT_TRUE(std::isnan(r.stages[0].dynamics[0].weak_agreement));
}

TEST(ResultsJson, RoundTripIsExact) {
  const json j = to_json(fixture());
  const Results back = results_from_json(json::parse(j.dump()), "roundtrip");
  EXPECT_EQ(to_json(back), j);
  EXPECT_EQ(j, fixture_json());
}

TEST(ResultsJson, NaNWrittenAsNullAndReadBack) {
  Results r;
  StageRecord s;
  s.key = "k";
  s.kind = methods::StageKind::gt;
  s.test_accuracy = kNaN;
  s.agree_when_weak_wrong = std::numeric_limits<double>::infinity();
  s.dynamics.push_back({10, 0.75, kNaN});
  r.stages.push_back(s);
  PgrRow p;
  p.pgr = kNaN;
  p.status = "ceiling_not_above_weak";
  r.pgr.push_back(p);
  const json j = to_json(r);
  EXPECT_TRUE(j["stages"][0]["test_accuracy"].is_null());
  EXPECT_TRUE(j["stages"][0]["dynamics"][0]["weak_agreement"].is_null());
  EXPECT_TRUE(j["pgr"][0]["pgr"].is_null());
  const Results back = results_from_json(json::parse(j.dump()), "nan");
  EXPECT_TRUE(std::isnan(back.stages[0].test_accuracy));
  EXPECT_TRUE(std::isnan(back.stages[0].agree_when_weak_wrong));
  EXPECT_TRUE(std::isnan(back.stages[0].dynamics[0].weak_agreement));
  EXPECT_DOUBLE_EQ(back.stages[0].dynamics[0].test_accuracy, 0.75);
  EXPECT_EQ(back.stages[0].dynamics[0].step, 10);
  EXPECT_TRUE(std::isnan(back.pgr[0].pgr));
  EXPECT_EQ(back.pgr[0].status, "ceiling_not_above_weak");
}

TEST(ResultsJson, MissingFieldNamesSourceAndField) {
  json j = fixture_json();
  j["stages"][3].erase("seed");
  const std::string e = error_of([&] { results_from_json(j, "sweep/results.json"); });
  EXPECT_NE(e.find("sweep/results.json"), std::string::npos) << e;
  EXPECT_NE(e.find("stages[3]"), std::string::npos) << e;
  EXPECT_NE(e.find("'seed'"), std::string::npos) << e;

  json k = fixture_json();
  k["stages"][2]["dynamics"][1].erase("step");
  const std::string e2 = error_of([&] { results_from_json(k, "r.json"); });
  EXPECT_NE(e2.find("stages[2].dynamics[1]"), std::string::npos) << e2;
  EXPECT_NE(e2.find("'step'"), std::string::npos) << e2;

  json l = fixture_json();
  l.erase("pgr");
  EXPECT_NE(error_of([&] { results_from_json(l, "r.json"); }).find("'pgr'"), std::string::npos);
}

TEST(ResultsJson, MistypedFieldIsAnError) {
  json j = fixture_json();
  j["pgr"][1]["pgr"] = "high";
  const std::string e = error_of([&] { results_from_json(j, "r.json"); });
  EXPECT_NE(e.find("pgr[1]"), std::string::npos) << e;
  EXPECT_NE(e.find("'pgr'"), std::string::npos) << e;
  json k = fixture_json();
  k["stages"][0]["seed"] = 1.5;
  EXPECT_NE(error_of([&] { results_from_json(k, "r.json"); }).find("'seed'"), std::string::npos);
  EXPECT_NE(error_of([&] { results_from_json(json::array(), "r.json"); }), "<no error>");
}

TEST(ResultsJson, LoadAcceptsAFolderAndSaveRoundTrips) {
  test::TempDir dir;
  save_results(fixture(), dir / "results.json");
  EXPECT_EQ(to_json(load_results(dir.path())), fixture_json());
  EXPECT_NE(error_of([&] { load_results(dir / "nope.json"); }).find("nope.json"), std::string::npos);
  write_file_atomic(dir / "bad.json", "{ not json");
  EXPECT_NE(error_of([&] { load_results(dir / "bad.json"); }).find("bad.json"), std::string::npos);
}

// ---- Tables -----------------------------------------------------------------------------------

TEST(Tables, PgrMarkdownHasRowsAndStatuses) {
  const std::string md = format_pgr_table(fixture(), TableFormat::md);
  EXPECT_EQ(count(md, "\n"), 2u + 6u);  // header, rule, rows
  EXPECT_NE(md.find("| reviews | xs | s | xent | 3 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| 0.48 |"), std::string::npos) << md;  // xs→s xent: 0.4794 (no interval in the fixture)
  EXPECT_EQ(count(md, "ceiling_not_above_weak"), 2u);       // s→m, both losses
  // A row with a status never shows a ratio.
  for (size_t p = md.find("| s | m |"); p != std::string::npos; p = md.find("| s | m |", p + 1)) {
    const std::string row = md.substr(p, md.find('\n', p) - p);
    EXPECT_NE(row.find("ceiling_not_above_weak |"), std::string::npos) << row;
  }
}

TEST(Tables, PgrCsvAndJson) {
  const Results r = fixture();
  const std::string csv = format_pgr_table(r, TableFormat::csv);
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "task,weak,strong,loss,method,weak_params,strong_params,n_seeds,weak_acc,weak_se,"
            "ceiling_acc,ceiling_se,student_acc,student_se,pgr,pgr_se,pgr_lo,pgr_hi,status,misfit,error_consistency,"
            "pgr_auroc,pgr_auroc_lo,pgr_auroc_hi");
  EXPECT_EQ(count(csv, "\n"), 7u);
  EXPECT_NE(csv.find("reviews,xs,s,xent,finetune,812544,3211264,3,"), std::string::npos) << csv;
  // no diagnostics and no PGR on AUROC here
  EXPECT_NE(csv.find(",,,,,ceiling_not_above_weak,,,,,\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",0.4794,0.019,,,ok,,,,,\n"), std::string::npos) << csv;

  const json j = json::parse(format_pgr_table(r, TableFormat::json));
  ASSERT_EQ(j.size(), 6u);
  for (const json& row : j) EXPECT_EQ(row["pgr"].is_null(), row["status"] != "ok");
}

TEST(Tables, RunsTableAllFormats) {
  const Results r = fixture();
  const std::string md = format_runs_table(r, TableFormat::md);
  EXPECT_EQ(count(md, "\n"), 2u + 27u);
  EXPECT_NE(md.find("| key | kind | task | model | supervisor | loss | method | seed | accuracy |"), std::string::npos);
  EXPECT_EQ(count(md, "| student |"), 18u);
  const std::string csv = format_runs_table(r, TableFormat::csv);
  EXPECT_EQ(count(csv, "\n"), 28u);
  EXPECT_NE(csv.find(r.stages[0].key + ",gt,reviews,xs,,gt,finetune,0,0.702,3f2a9c1d7e4b,"), std::string::npos) << csv;
  EXPECT_EQ(json::parse(format_runs_table(r, TableFormat::json)).size(), 27u);
  const std::string text = format_runs_table(r, TableFormat::text);
  EXPECT_EQ(count(text, "\n"), 29u);
  // gt rows sort before students, smallest model first.
  EXPECT_LT(text.find(" gt "), text.find(" student "));
}

TEST(Tables, TextTableIsAligned) {
  const std::string text = format_pgr_table(fixture(), TableFormat::text);
  std::vector<std::string> lines;
  for (size_t p = 0, q; (q = text.find('\n', p)) != std::string::npos; p = q + 1)
    lines.push_back(text.substr(p, q - p));
  ASSERT_EQ(lines.size(), 8u);
  // The PGR column is right-aligned: every line ends at the same display column.
  for (const std::string& l : lines) EXPECT_EQ(display_width(l), display_width(lines[0])) << l;
}

TEST(Tables, PairsByLossGridAndMedians) {
  const std::string g = format_pgr_grid(fixture());
  EXPECT_NE(g.find("task reviews"), std::string::npos) << g;
  EXPECT_NE(g.find("xent"), std::string::npos);
  EXPECT_LT(g.find("xent"), g.find("logconf"));  // xent column first
  EXPECT_NE(g.find("xs → s"), std::string::npos) << g;
  EXPECT_NE(g.find("0.48"), std::string::npos) << g;
  EXPECT_EQ(count(g, "ceiling_not_above_weak"), 2u) << g;
  // Medians over the pairs with a PGR: xent (0.4794, 0.5178), logconf (0.5547, 0.6791).
  EXPECT_NE(g.find("median PGR over pairs, per loss: xent 0.50 · logconf 0.62"), std::string::npos) << g;
  EXPECT_EQ(g.find("median over tasks"), std::string::npos) << g;  // one task
  // With a second task, the paper's summary too: the median over tasks of each task's median.
  Results two = fixture();
  for (PgrRow p : fixture().pgr) {
    p.task = "spam";
    p.pgr += 0.2;
    two.pgr.push_back(p);
  }
  const std::string g2 = format_pgr_grid(two);
  EXPECT_NE(g2.find("median over tasks of each task's median PGR over pairs, per loss: xent 0.60 · logconf 0.72"),
            std::string::npos)
      << g2;
  // And the paper's own summary: per pair, the median over the tasks of that pair's PGR (xs → s
  // xent: 0.4794 on reviews, 0.6794 on spam); a pair with no PGR on any task shows "-".
  const auto per_pair = g2.find("median PGR over tasks, per pair and loss");
  ASSERT_NE(per_pair, std::string::npos) << g2;
  const auto xs_s = g2.find("xs → s", per_pair);
  ASSERT_NE(xs_s, std::string::npos) << g2;
  EXPECT_NE(g2.substr(xs_s, g2.find('\n', xs_s) - xs_s).find("0.58 (2 tasks)"), std::string::npos) << g2;
}

TEST(Tables, PgrCellsShowTheIntervalAndAGapWithinNoise) {
  PgrRow row;
  row.pgr = 0.4321, row.pgr_lo = 0.25, row.pgr_hi = 0.61, row.status = "ok";
  EXPECT_EQ(format_pgr_cell(row), "0.43 [0.25, 0.61]");
  row.status = "gap_not_significant";
  EXPECT_EQ(format_pgr_cell(row), "0.43 [0.25, 0.61] gap n.s.");
  EXPECT_TRUE(has_pgr(row));
  row.status = "ceiling_not_above_weak";
  EXPECT_EQ(format_pgr_cell(row), "ceiling_not_above_weak");
  EXPECT_FALSE(has_pgr(row));
  // Interval fields round-trip through results.json; rows without them stay without.
  Results r;
  row.status = "ok", row.pgr_over_examples = true;
  r.pgr.push_back(row);
  const json j = to_json(r);
  EXPECT_EQ(j["pgr"][0]["pgr_lo"], 0.25);
  EXPECT_EQ(j["pgr"][0]["pgr_over_examples"], true);
  const Results back = results_from_json(j, "mem");
  EXPECT_EQ(back.pgr[0].pgr_hi, 0.61);
  EXPECT_TRUE(back.pgr[0].pgr_over_examples);
  EXPECT_TRUE(std::isnan(back.pgr[0].pgr_auroc));  // not measured: absent from the file, NaN back
  EXPECT_FALSE(j["pgr"][0].contains("pgr_auroc"));
}

TEST(Tables, PgrOnAurocShowsItsSeedIntervalWhereMeasured) {
  PgrRow row;
  row.status = "ok", row.pgr = 0.5;
  EXPECT_EQ(format_pgr_auroc_cell(row), "-");  // no AUROC (multiple choice)
  row.weak_auroc = 0.8, row.ceiling_auroc = 0.78, row.student_auroc = 0.79;
  EXPECT_EQ(format_pgr_auroc_cell(row), "n/a");  // the ceiling's AUROC is not above the weak's
  row.ceiling_auroc = 0.9, row.pgr_auroc = 0.4123, row.pgr_auroc_lo = 0.1, row.pgr_auroc_hi = 0.7;
  EXPECT_EQ(format_pgr_auroc_cell(row), "0.41 [0.10, 0.70]");
  row.pgr_auroc_gap_ns = true;
  EXPECT_EQ(format_pgr_auroc_cell(row), "0.41 [0.10, 0.70] gap n.s.");
  EXPECT_TRUE(results_from_json(to_json(Results{{}, {row}}), "mem").pgr[0].pgr_auroc_gap_ns);
  row.pgr_auroc_gap_ns = false;
  Results r;
  r.pgr.push_back(row);
  const Results back = results_from_json(to_json(r), "mem");
  EXPECT_EQ(back.pgr[0].weak_auroc, 0.8);
  EXPECT_EQ(back.pgr[0].pgr_auroc, 0.4123);
  EXPECT_EQ(back.pgr[0].pgr_auroc_hi, 0.7);
  // The text table grows a column for it; a table with no AUROC has none.
  EXPECT_NE(format_pgr_table(r, TableFormat::text).find("PGR AUROC"), std::string::npos);
  EXPECT_NE(format_pgr_table(r, TableFormat::text).find("0.41 [0.10, 0.70]"), std::string::npos);
  EXPECT_NE(format_pgr_table(r, TableFormat::csv).find(",0.4123,0.1,0.7"), std::string::npos)
      << format_pgr_table(r, TableFormat::csv);
  r.pgr[0].weak_auroc = NAN;
  EXPECT_EQ(format_pgr_table(r, TableFormat::text).find("PGR AUROC"), std::string::npos);
}

TEST(Tables, GroundTruthTable) {
  Results r;
  auto gt = [&](const std::string& model, int64_t params, double acc, int64_t seed) {
    StageRecord s;
    s.kind = methods::StageKind::gt, s.task = "spam", s.model = model, s.model_params = params, s.loss = "gt";
    s.method = "finetune", s.seed = seed, s.test_accuracy = acc;
    r.stages.push_back(s);
  };
  gt("s", 600, 0.90, 0);
  gt("xs", 100, 0.80, 0);
  gt("xs", 100, 0.82, 1);
  gt("xs", 100, 0.84, 2);
  StageRecord student;  // students are not ground-truth runs: not in the table
  student.kind = methods::StageKind::student, student.task = "spam", student.model = "m", student.model_params = 2000;
  student.test_accuracy = 0.5;
  r.stages.push_back(student);
  const std::string text = format_gt_table(r, TableFormat::text);
  EXPECT_NE(text.find("82.0 ± 1.2"), std::string::npos) << text;  // sd 0.02 / √3 = 1.15 points
  EXPECT_NE(text.find("90.0 ± 0.0"), std::string::npos) << text;
  EXPECT_LT(text.find("xs"), text.find(" s "));  // sorted by size
  EXPECT_EQ(text.find(" m "), std::string::npos) << text;
  const std::string csv = format_gt_table(r, TableFormat::csv);
  EXPECT_NE(csv.find("spam,xs,100,3,0.82,0.011547"), std::string::npos) << csv;
  const json j = json::parse(format_gt_table(r, TableFormat::json));
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["model"], "xs");
  EXPECT_EQ(j[0]["n_seeds"], 3);
  EXPECT_NEAR(j[1]["accuracy"].get<double>(), 0.90, 1e-12);
}

TEST(Tables, FormatNames) {
  EXPECT_EQ(parse_table_format("md"), TableFormat::md);
  EXPECT_EQ(parse_table_format("text"), TableFormat::text);
  EXPECT_NE(error_of([] { parse_table_format("xlsx"); }).find("xlsx"), std::string::npos);
}

TEST(Aggregate, MeanSeAndMedian) {
  const Stat s = mean_se({1.0, 2.0, 3.0, kNaN});
  EXPECT_EQ(s.n, 3);
  EXPECT_DOUBLE_EQ(s.mean, 2.0);
  EXPECT_NEAR(s.se, 1.0 / std::sqrt(3.0), 1e-12);
  EXPECT_TRUE(std::isnan(mean_se({}).mean));
  EXPECT_DOUBLE_EQ(median({3, 1, kNaN, 2, 10}), 2.5);
  EXPECT_TRUE(std::isnan(median({kNaN})));
}

// ---- SVG and HTML -----------------------------------------------------------------------------

TEST(Svg, EscapesText) {
  EXPECT_EQ(svg::escape("a<b & \"c\" 'd'>"), "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;");
  EXPECT_EQ(xml_error("<svg a=\"1\"><text>x &amp; y</text><g/></svg>"), "");
  EXPECT_NE(xml_error("<svg><text>x & y</text></svg>"), "");  // the checker itself
  EXPECT_NE(xml_error("<svg a=1></svg>"), "");
  EXPECT_NE(xml_error("<svg><g></svg>"), "");
}

TEST(Svg, NiceTicksCoverTheRange) {
  const auto t = svg::nice_ticks(0.62, 0.81, 5);
  ASSERT_GE(t.size(), 3u);
  EXPECT_LE(t.front(), 0.62);
  EXPECT_GE(t.back(), 0.81);
  EXPECT_EQ(svg::format_si(12'623'872), "12.6M");
  EXPECT_EQ(svg::format_si(812'544), "813K");
  svg::Heatmap h;
  h.row_labels = {"a"};
  h.col_labels = {"b"};
  h.present = {{true}};
  h.values = {{0.5}};
  const std::string s = svg::heatmap(h);
  EXPECT_NE(s.find(">0.25<"), std::string::npos) << s;  // color bar ticks keep their decimals
  EXPECT_EQ(xml_error(s), "");
}

TEST(Svg, BarChartLegendThatWrapsStaysInsideTheFigure) {
  // The agreement chart of a one-pair sweep: 340 px wide, two series. Its legend needs two rows
  // at the width it is drawn at; both must lie inside the SVG's height (the second was clipped).
  svg::BarChart b;
  b.id = "agree";
  b.title = "student–supervisor agreement · xent";
  b.x_label = "weak supervisor → strong student";
  b.y_label = "agreement on test set";
  b.width = 340, b.height = 280;
  b.categories = {"w2s-xxs→w2s-s"};
  b.series.resize(2);
  b.series[0].label = "supervisor right", b.series[0].color = "#009e73", b.series[0].values = {0.96};
  b.series[1].label = "supervisor wrong", b.series[1].color = "#d55e00", b.series[1].values = {0.66};
  const std::string s = svg::bar_chart(b);
  ASSERT_EQ(xml_error(s), "");
  for (const std::string label : {">supervisor right<", ">supervisor wrong<"}) {
    const size_t at = s.find(label);
    ASSERT_NE(at, std::string::npos) << label;
    const size_t y_at = s.rfind(" y=\"", at);
    ASSERT_NE(y_at, std::string::npos);
    const double y = std::stod(s.substr(y_at + 4));
    EXPECT_LT(y, b.height) << label << " is drawn below the figure";
  }
}

TEST(HtmlReport, FiguresAreWellFormedAndCountDataPoints) {
  const Results r = fixture();
  ReportOptions o;
  o.date = "2024-01-02 03:04";
  const std::string html = render_html_report(r, o);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(count(html, "http://"), count(html, "xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_NE(html.find("2024-01-02 03:04"), std::string::npos);
  EXPECT_NE(html.find(std::string("w2s <b>") + version() + "</b>"), std::string::npos);
  EXPECT_NE(html.find(git_commit()), std::string::npos);
  EXPECT_NE(html.find("<b>27</b> runs"), std::string::npos);

  std::map<std::string, std::string> figs;
  for (const auto& [id, block] : svg_blocks(html)) {
    EXPECT_EQ(xml_error(block), "") << id;
    EXPECT_TRUE(figs.emplace(id, block).second) << "duplicate figure id " << id;
  }
  // (1) 6 (weak, strong, loss) student points + 3 ceiling models.
  ASSERT_TRUE(figs.count("accuracy-vs-size-reviews"));
  EXPECT_EQ(count(figs["accuracy-vs-size-reviews"], "<circle class=\"pt\""), 9u);
  // (2) one cell per PGR row (3 pairs per loss), one bar per loss with an ok pair.
  EXPECT_EQ(count(figs["pgr-heatmap-reviews-xent"], "<rect class=\"cell\""), 3u);
  EXPECT_EQ(count(figs["pgr-heatmap-reviews-logconf"], "<rect class=\"cell\""), 3u);
  EXPECT_EQ(count(figs["pgr-heatmap-reviews-xent"], "ceiling ≤ weak"), 1u);
  EXPECT_EQ(count(figs["median-pgr-reviews"], "<rect class=\"bar\""), 2u);
  // (3) per pair: 2 losses x 2 curves x 5 steps.
  for (const char* pair : {"xs-s", "xs-m", "s-m"})
    EXPECT_EQ(count(figs[std::string("dynamics-reviews-") + pair], "<circle class=\"pt\""), 20u) << pair;
  EXPECT_EQ(count(figs["dynamics-legend-reviews"], "class=\"pt\""), 0u);
  // (4) per loss: 3 pairs x (right, wrong).
  EXPECT_EQ(count(figs["agreement-reviews-xent"], "<rect class=\"bar\""), 6u);
  EXPECT_EQ(count(figs["agreement-reviews-logconf"], "<rect class=\"bar\""), 6u);
  EXPECT_EQ(figs.size(), 10u);
  // Every figure has a title and (except the legend strip) axis labels.
  for (const auto& [id, block] : figs) {
    if (id.rfind("dynamics-legend", 0) == 0) continue;
    EXPECT_GE(count(block, "font-weight=\"600\""), 1u) << id;
  }
  EXPECT_NE(figs["accuracy-vs-size-reviews"].find("ground truth (ceiling)"), std::string::npos);
  EXPECT_NE(figs["accuracy-vs-size-reviews"].find("stroke-dasharray=\"7 4\""), std::string::npos);
  // (5) the run table: one row per stage.
  const size_t runs = html.find("<table class=\"runs\">");
  ASSERT_NE(runs, std::string::npos);
  EXPECT_EQ(count(html.substr(runs, html.find("</table>", runs) - runs), "<tr>"), 1u + 27u);
}

TEST(HtmlReport, DiagnosticsShowWhenMeasured) {
  Results r = fixture();
  // No misfit in the fixture: no figure and no columns.
  std::string html = render_html_report(r);
  EXPECT_EQ(html.find("data-figure=\"misfit-"), std::string::npos);
  EXPECT_EQ(html.find("<th title=\"share of its weak"), std::string::npos);
  size_t n_ok = 0;
  for (PgrRow& p : r.pgr) {
    if (p.loss != "xent") continue;
    p.misfit = 0.05 * double(p.strong_params % 7 + 1);
    p.error_consistency = 0.25;
    n_ok += has_pgr(p);
  }
  ASSERT_GE(n_ok, 1u);
  html = render_html_report(r);
  std::map<std::string, std::string> figs;
  for (const auto& [id, block] : svg_blocks(html)) {
    EXPECT_EQ(xml_error(block), "") << id;
    figs[id] = block;
  }
  ASSERT_TRUE(figs.count("misfit-reviews"));
  // One marker per xent pair with a PGR (rows without one are not plotted), a legend sample.
  EXPECT_EQ(count(figs["misfit-reviews"], "<circle class=\"pt\""), n_ok);
  EXPECT_EQ(count(figs["misfit-reviews"], "<path class=\"line\""), 0u);
  EXPECT_NE(figs["misfit-reviews"].find("error consistency κ 0.25"), std::string::npos);
  // The PGR table gains two columns: every xent row has a misfit, logconf rows show "-".
  const size_t table = html.find("<table class=\"pgr\">");
  ASSERT_NE(table, std::string::npos);
  const std::string t = html.substr(table, html.find("</table>", table) - table);
  EXPECT_NE(t.find(">misfit</th>"), std::string::npos);
  EXPECT_EQ(count(t, "<td class=\"num\">0.25</td>"), 3u);
  EXPECT_EQ(count(t, "<td class=\"num\">-</td>"), 2u * 3u);
}

TEST(HtmlReport, TheConfidenceLossStateShowsInTheDynamicsPanels) {
  Results r = fixture();
  std::string html = render_html_report(r);
  EXPECT_EQ(html.find("confidence loss α"), std::string::npos);  // no loss state recorded: no lines
  // logconf students record α and the hardened share at each evaluation (dynamics.jsonl "loss").
  for (StageRecord& s : r.stages) {
    if (s.loss != "logconf") continue;
    for (size_t i = 0; i < s.dynamics.size(); ++i) {
      s.dynamics[i].alpha = 0.75 * double(i) / double(s.dynamics.size() - 1);
      s.dynamics[i].threshold = 0.1;
      s.dynamics[i].hardened_rate = 0.4;
    }
  }
  // They survive results.json.
  const Results back = results_from_json(json::parse(to_json(r).dump()), "mem");
  EXPECT_EQ(to_json(back), to_json(r));
  html = render_html_report(back);
  std::map<std::string, std::string> figs;
  for (const auto& [id, block] : svg_blocks(html)) {
    EXPECT_EQ(xml_error(block), "") << id;
    figs[id] = block;
  }
  // Per pair: 2 losses × 2 curves × 5 steps, and logconf's α and hardened share at 5 steps each.
  for (const char* pair : {"xs-s", "xs-m", "s-m"}) {
    const auto& fig = figs[std::string("dynamics-reviews-") + pair];
    EXPECT_EQ(count(fig, "<circle class=\"pt\""), 30u) << pair;
    EXPECT_EQ(count(fig, ": α "), 5u) << pair;
    EXPECT_NE(fig.find("step 0: α 0.000"), std::string::npos) << pair;
    EXPECT_EQ(count(fig, "hardened to class 1 0.400"), 5u) << pair;
  }
  EXPECT_NE(figs["dynamics-legend-reviews"].find("confidence loss α"), std::string::npos);
  EXPECT_NE(figs["dynamics-legend-reviews"].find("share hardened to class 1"), std::string::npos);
}

TEST(HtmlReport, EmptySectionsSayNoData) {
  Results r = fixture();
  for (StageRecord& s : r.stages) {
    s.dynamics.clear();
    s.agree_when_weak_right = s.agree_when_weak_wrong = kNaN;
  }
  const std::string html = render_html_report(r);
  EXPECT_NE(html.find("no data: no student recorded training dynamics"), std::string::npos);
  EXPECT_NE(html.find("no data: no student recorded agreement"), std::string::npos);
  EXPECT_EQ(html.find("data-figure=\"dynamics-"), std::string::npos);

  const std::string empty = render_html_report(Results{});
  EXPECT_NE(empty.find("no data"), std::string::npos);
  EXPECT_EQ(empty.find("<svg"), std::string::npos);
}

TEST(HtmlReport, HostileNamesStayWellFormed) {
  Results r = fixture();
  for (StageRecord& s : r.stages) {
    s.task = "a<b & \"c\"";
    if (s.supervisor == "xs") s.supervisor = "x's<";
    if (s.model == "xs") s.model = "x's<";
  }
  for (PgrRow& p : r.pgr) {
    p.task = "a<b & \"c\"";
    if (p.weak == "xs") p.weak = "x's<";
  }
  const std::string html = render_html_report(r);
  const auto blocks = svg_blocks(html);
  EXPECT_EQ(blocks.size(), 10u);
  for (const auto& [id, block] : blocks) EXPECT_EQ(xml_error(block), "") << id;
  EXPECT_EQ(html.find("a<b"), std::string::npos);
}

TEST(HtmlReport, PgrRowsWithoutStagesStillPlot) {
  Results r = fixture();
  r.stages.clear();
  const std::string html = render_html_report(r);
  std::map<std::string, std::string> figs;
  for (const auto& [id, block] : svg_blocks(html)) figs[id] = block;
  // Ceiling rebuilt from the rows: xs (weak of xs→*), s, m.
  EXPECT_EQ(count(figs["accuracy-vs-size-reviews"], "<circle class=\"pt\""), 9u);
  EXPECT_EQ(count(figs["pgr-heatmap-reviews-xent"], "<rect class=\"cell\""), 3u);
}

TEST(HtmlReport, TwoTasksAndABootstrapMethod) {
  Results r = fixture();
  const size_t n = r.stages.size();
  for (size_t i = 0; i < n; ++i) {  // a second task: a copy of the first
    StageRecord s = r.stages[i];
    s.task = "sciq";
    s.key += "-sciq";
    r.stages.push_back(s);
  }
  StageRecord boot = r.stages[n - 1];  // a bootstrapped student supervised by the chain xs>s
  boot.task = "sciq";
  boot.supervisor = "xs>s";
  boot.method = "bootstrap";
  boot.loss = "xent";
  r.stages.push_back(boot);
  const std::string html = render_html_report(r);
  EXPECT_NE(html.find("<nav>tasks:"), std::string::npos);
  std::set<std::string> ids;
  for (const auto& [id, block] : svg_blocks(html)) {
    EXPECT_EQ(xml_error(block), "") << id;
    EXPECT_TRUE(ids.insert(id).second) << "duplicate figure id " << id;
  }
  EXPECT_TRUE(ids.count("accuracy-vs-size-sciq"));
  EXPECT_NE(html.find("xent (bootstrap)"), std::string::npos);
  // sciq has no PGR rows: its students are plotted from the stages.
  std::string sciq;
  for (const auto& [id, block] : svg_blocks(html))
    if (id == "accuracy-vs-size-sciq") sciq = block;
  EXPECT_EQ(count(sciq, "<circle class=\"pt\""), 10u);
  // Short names: the legend sits right of the plot, in a 720 × 440 figure.
  EXPECT_NE(sciq.find("height=\"440.0\""), std::string::npos);
  // Long supervisor names (a bootstrap chain names every link) move the legend below the plot,
  // which keeps the figure's width; the figure grows instead.
  Results long_names = r;
  for (StageRecord& s : long_names.stages)
    if (s.supervisor == "xs>s") s.supervisor = "a-long-model-name-xs>a-long-model-name-s (cross-fit)";
  std::string sciq_long;
  for (const auto& [id, block] : svg_blocks(render_html_report(long_names)))
    if (id == "accuracy-vs-size-sciq") sciq_long = block;
  EXPECT_NE(sciq_long.find("width=\"720.0\""), std::string::npos);
  EXPECT_EQ(sciq_long.find("height=\"440.0\""), std::string::npos);
  EXPECT_EQ(xml_error(sciq_long), "");
  const std::string grid = format_pgr_grid(r);
  EXPECT_NE(grid.find("task sciq"), std::string::npos) << grid;
}

TEST(HtmlReport, WritesTheFile) {
  test::TempDir dir;
  const auto path = dir / "sub/report.html";
  write_html_report(fixture(), path.string());
  const std::string html = read_file(path);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("</html>"), std::string::npos);
}

}  // namespace
}  // namespace w2s::report
