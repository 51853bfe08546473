// The self-contained HTML report: page layout, header, tables; figures come from figures.cpp.
#include "w2s/report/html_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <set>
#include <tuple>

#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/core/time.h"
#include "w2s/core/version.h"
#include "w2s/report/aggregate.h"
#include "w2s/report/figures.h"
#include "w2s/report/svg.h"

namespace w2s::report {
namespace {

using svg::escape;

constexpr const char* kCss = R"css(
*{box-sizing:border-box}
body{margin:0;background:#f6f7f9;color:#1f2328;
  font-family:-apple-system,"Segoe UI",Helvetica,Arial,"Liberation Sans","DejaVu Sans",sans-serif;
  font-size:14px;line-height:1.45}
main{max-width:1400px;margin:0 auto;padding:22px 28px 48px}
header{display:flex;align-items:baseline;gap:18px;flex-wrap:wrap;
  border-bottom:1px solid #d9dce1;padding-bottom:10px;margin-bottom:6px}
h1{font-size:22px;margin:0;font-weight:650;letter-spacing:-.01em}
.meta{color:#57606a;font-size:13px}
.meta b{color:#1f2328;font-weight:600}
nav{font-size:13px;color:#57606a;margin:6px 0 4px}
nav a{color:#0969da;text-decoration:none;margin-right:12px}
h2{font-size:18px;margin:22px 0 2px;font-weight:650}
h3{font-size:14.5px;margin:18px 0 6px;font-weight:600;color:#333}
.summary{color:#57606a;font-size:13px;margin:0 0 10px}
.row{display:flex;flex-wrap:wrap;gap:14px;align-items:flex-start}
figure{margin:0;background:#fff;border:1px solid #e1e4e8;border-radius:6px;padding:8px 10px 6px}
figure .figs{display:flex;flex-wrap:wrap;gap:6px;align-items:flex-start}
figure.grid{width:100%}
.row>figure.grow{flex:1 1 0;min-width:540px}
figcaption{font-size:12px;color:#57606a;max-width:700px;margin:4px 2px 2px}
svg.fig{display:block}
.note{color:#6e7781;font-style:italic;font-size:13px;margin:6px 0}
table{border-collapse:collapse;font-size:12.5px;background:#fff;font-variant-numeric:tabular-nums}
th,td{padding:3px 10px;border-bottom:1px solid #eaecef;text-align:left;white-space:nowrap}
th{background:#f0f2f5;font-weight:600;position:sticky;top:0}
td.num{text-align:right}
td.status{color:#b35900}
tr:hover td{background:#f6f8fa}
.tablewrap{max-height:520px;overflow:auto;border:1px solid #e1e4e8;border-radius:6px;display:inline-block;max-width:100%}
code{font-family:"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:12px}
footer{margin-top:30px;color:#8c959f;font-size:12px}
@media print{body{background:#fff}.tablewrap{max-height:none;overflow:visible}
  figure,section h3{break-inside:avoid}}
)css";

std::string anchor(const std::string& task) {
  std::string out = "task-";
  for (char c : task) out += std::isalnum(static_cast<unsigned char>(c)) ? char(std::tolower(c)) : '-';
  return out;
}

std::string note(const std::string& text) { return "<p class=\"note\">" + escape(text) + "</p>\n"; }

std::string figure(const std::vector<std::string>& svgs, const std::string& caption, const std::string& cls = "") {
  std::string s = cls.empty() ? "<figure>" : "<figure class=\"" + cls + "\">";
  s += "<div class=\"figs\">";
  for (const std::string& x : svgs) s += x;
  s += "</div>";
  if (!caption.empty()) s += "<figcaption>" + caption + "</figcaption>";
  return s + "</figure>\n";
}

std::string td(const std::string& text, const char* cls = nullptr) {
  return cls ? fmt::format("<td class=\"{}\">{}</td>", cls, escape(text)) : "<td>" + escape(text) + "</td>";
}

std::string pgr_table_html(const Results& r, const std::string& task) {
  const auto keys = loss_keys(r, task);
  std::vector<const PgrRow*> rows;
  for (const PgrRow& p : r.pgr)
    if (p.task == task) rows.push_back(&p);
  if (rows.empty()) return note("no PGR rows for this task");
  std::stable_sort(rows.begin(), rows.end(), [&](const PgrRow* a, const PgrRow* b) {
    const auto ka = std::find(keys.begin(), keys.end(), LossKey{a->loss, a->method});
    const auto kb = std::find(keys.begin(), keys.end(), LossKey{b->loss, b->method});
    return std::tie(ka, a->weak_params, a->strong_params) < std::tie(kb, b->weak_params, b->strong_params);
  });
  // misfit and error consistency, when the stages' files allowed them
  const bool diagnostics = std::any_of(rows.begin(), rows.end(), [](const PgrRow* p) { return has_diagnostics(*p); });
  std::string s =
      "<div class=\"tablewrap\"><table class=\"pgr\"><thead><tr><th>weak</th>"
      "<th>strong</th><th>loss</th><th>seeds</th><th>weak acc</th><th>ceiling acc</th>"
      "<th>student acc</th><th>PGR</th>";
  if (diagnostics)
    s += "<th title=\"share of its weak training labels the student's predictions contradict\">misfit</th>"
         "<th title=\"error consistency (Cohen's κ) of the weak model's and the ceiling's test errors\">err κ</th>";
  s += "</tr></thead><tbody>\n";
  for (const PgrRow* p : rows) {
    s += "<tr>" + td(p->weak) + td(p->strong) + td(loss_label({p->loss, p->method}, keys)) +
         td(std::to_string(p->n_seeds), "num") + td(format_mean_se(p->weak_acc, p->weak_se, 3), "num") +
         td(format_mean_se(p->ceiling_acc, p->ceiling_se, 3), "num") +
         td(format_mean_se(p->student_acc, p->student_se, 3), "num") +
         td(format_pgr_cell(*p), has_pgr(*p) ? "num" : "status");
    if (diagnostics) s += td(format_fixed(p->misfit, 3), "num") + td(format_fixed(p->error_consistency, 2), "num");
    s += "</tr>\n";
  }
  return s + "</tbody></table></div>\n";
}

std::string runs_table_html(const Results& r) {
  if (r.stages.empty()) return note("no runs recorded");
  std::vector<const StageRecord*> rows;
  for (const StageRecord& s : r.stages) rows.push_back(&s);
  const auto tasks = task_names(r);
  auto rank = [&](const StageRecord* s) {
    return std::tuple(std::find(tasks.begin(), tasks.end(), s->task) - tasks.begin(), s->kind != methods::StageKind::gt,
                      s->model_params, s->model, s->supervisor, s->loss != "xent", s->loss, s->method, s->seed);
  };
  std::stable_sort(rows.begin(), rows.end(),
                   [&](const StageRecord* a, const StageRecord* b) { return rank(a) < rank(b); });
  std::string s =
      "<div class=\"tablewrap\"><table class=\"runs\"><thead><tr><th>key</th>"
      "<th>kind</th><th>task</th><th>model</th><th>supervisor</th><th>loss</th>"
      "<th>method</th><th>seed</th><th>accuracy</th><th>commit</th><th>wall time</th>"
      "<th>peak memory</th></tr></thead><tbody>\n";
  for (const StageRecord* st : rows) {
    s += fmt::format("<tr><td><code title=\"{}\">{}</code></td>", escape(st->key), escape(st->key.substr(0, 10)));
    s += td(methods::to_string(st->kind)) + td(st->task) + td(st->model) +
         td(st->supervisor.empty() ? "-" : st->supervisor) + td(st->loss) + td(st->method) +
         td(std::to_string(st->seed), "num") +
         td(std::isfinite(st->test_accuracy) ? fmt::format("{:.3f}", st->test_accuracy) : "-", "num") + "<td><code>" +
         escape(st->commit) + "</code></td>" + td(format_duration(st->wall_seconds), "num") +
         td(format_memory_mb(st->peak_rss_mb), "num") + "</tr>\n";
  }
  return s + "</tbody></table></div>\n";
}

std::string task_section(const Results& r, const std::string& task) {
  std::string s = fmt::format("<section id=\"{}\">\n<h2>Task: {}</h2>\n", anchor(task), escape(task));
  // Summary line.
  std::set<int64_t> seeds;
  size_t n_runs = 0;
  for (const StageRecord& st : r.stages)
    if (st.task == task) seeds.insert(st.seed), ++n_runs;
  const auto ceiling = ceiling_curve(r, task);
  std::string models;
  for (const ModelPoint& m : ceiling)
    models += (models.empty() ? "" : ", ") + m.model + " (" + svg::format_si(double(m.params)) + ")";
  const auto keys = loss_keys(r, task);
  std::string losses;
  for (const LossKey& k : keys) losses += (losses.empty() ? "" : ", ") + loss_label(k, keys);
  s += "<p class=\"summary\">" +
       escape(fmt::format("{} runs · {} seeds · models {} · losses {}", n_runs, seeds.size(),
                          models.empty() ? "-" : models, losses.empty() ? "-" : losses)) +
       "</p>\n";

  // (1) accuracy vs size and (2) PGR side by side.
  s += "<div class=\"row\">\n";
  const std::string main_fig = accuracy_vs_size_figure(r, task);
  if (main_fig.empty()) {
    s += note("no accuracies to plot");
  } else {
    s += figure({main_fig},
                "Test accuracy of strong students trained on weak labels, by strong-student size "
                "(color: weak supervisor; dash: loss). Each line starts at its supervisor's own "
                "accuracy. Black: the strong model trained on ground truth (ceiling). Bands and "
                "tooltips: mean ± standard error over seeds.");
  }
  std::vector<std::string> pgr_figs = pgr_heatmaps(r, task);
  const std::string median = median_pgr_chart(r, task);
  if (!median.empty()) pgr_figs.push_back(median);
  if (pgr_figs.empty()) {
    s += note("no PGR rows");
  } else {
    s += figure(pgr_figs,
                "Performance gap recovered, PGR = (student − weak) / (ceiling − weak) of the mean "
                "accuracies over seeds, with a 95 % paired bootstrap interval over seeds and test "
                "examples; n.s.: the ceiling−weak gap is within noise. Grey cells: the ceiling is not "
                "above the weak supervisor (PGR undefined) or seeds are incomplete. Bars: median PGR "
                "over pairs per loss.",
                "grow");
  }
  s += "</div>\n";

  // (3) Training dynamics.
  s += "<h3>Training dynamics</h3>\n";
  std::string legend;
  const auto panels = dynamics_panels(r, task, &legend);
  if (panels.empty()) {
    s += note("no data: no student recorded training dynamics");
  } else {
    std::vector<std::string> all = {legend};
    all.insert(all.end(), panels.begin(), panels.end());
    s += figure(all,
                "Student test accuracy (blue) and agreement with the supervisor's labels on the "
                "test set (orange) during training, one panel per weak → strong pair, mean ± SE "
                "over seeds. Agreement far above the supervisor's accuracy means the student is "
                "imitating its errors. For the confidence loss, thin lines show what it did between "
                "evaluations: its weight α (pink) and the share of each batch it hardened to class 1 "
                "(light blue; the threshold hardens each batch's mean weak-positive rate to class 1).",
                "grid");
  }

  // (4) Agreement split by supervisor right / wrong.
  s += "<h3>Student–supervisor agreement</h3>\n";
  const auto agree = agreement_charts(r, task);
  if (agree.empty()) {
    s += note("no data: no student recorded agreement with its supervisor");
  } else {
    s += figure(agree,
                "Fraction of test examples where the student's prediction matches the weak "
                "supervisor's, split by whether the supervisor was right (green) or wrong "
                "(vermillion); mean ± SE over seeds. Low agreement where the supervisor is wrong "
                "is weak-to-strong generalization; high agreement there is imitation.");
  }

  // (5) Comparisons: accuracy by reward margin.
  const auto margins = reward_margin_figure(r, task);
  if (!margins.empty()) {
    s += "<h3>Reward margins</h3>\n";
    s += figure({margins},
                "Test accuracy in each fifth of the test pairs ordered by the model's margin "
                "|p₁ − ½| (the size of its reward difference), mean ± SE over seeds: models on "
                "ground truth solid, students dashed. A reward model that knows where it is sure "
                "rises to the right; a student that copied its supervisor's confident mistakes "
                "does not.");
  }

  // (6) Diagnostics: does the gain track how much the student refused to fit its labels?
  const auto misfit = misfit_figure(r, task);
  if (!misfit.empty()) {
    s += "<h3>Misfit</h3>\n";
    s += figure({misfit},
                "PGR of each weak → strong pair against the student's misfit: the share of the weak "
                "labels it trained on that its own final predictions contradict (mean over seeds). "
                "Charikar et al. (2024) show the gain over the supervisor grows with this misfit; a "
                "student at misfit 0 copied its labels. Tooltips add the error consistency κ of the "
                "weak model's and the ceiling's test errors (1: the same mistakes).");
  }

  s += "<h3>PGR table</h3>\n" + pgr_table_html(r, task);
  return s + "</section>\n";
}

}  // namespace

std::string render_html_report(const Results& results, const ReportOptions& options) {
  const auto tasks = task_names(results);
  std::set<std::string> commits;
  for (const StageRecord& s : results.stages)
    if (!s.commit.empty()) commits.insert(s.commit);
  std::string commit_list;
  for (const std::string& c : commits) commit_list += (commit_list.empty() ? "" : ", ") + c;

  std::string h =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  h += "<title>" + escape(options.title) + "</title>\n<style>" + kCss + "</style>\n</head>\n";
  h += "<body>\n<main>\n<header>\n<h1>" + escape(options.title) + "</h1>\n";
  h += fmt::format(
      "<div class=\"meta\">generated <b>{}</b> · w2s <b>{}</b> (commit <code>{}</code>) · "
      "<b>{}</b> runs · <b>{}</b> {}{}{}</div>\n</header>\n",
      escape(options.date.empty() ? format_time(std::time(nullptr), "%Y-%m-%d %H:%M", false) : options.date),
      escape(version()), escape(git_commit()), results.stages.size(), tasks.size(),
      tasks.size() == 1 ? "task" : "tasks", commit_list.empty() ? "" : " · runs from commit " + escape(commit_list),
      options.source.empty() ? "" : " · source <code>" + escape(options.source) + "</code>");
  if (tasks.size() > 1) {
    h += "<nav>tasks:";
    for (const std::string& t : tasks) h += fmt::format(" <a href=\"#{}\">{}</a>", anchor(t), escape(t));
    h += " <a href=\"#runs\">all runs</a></nav>\n";
  }
  if (tasks.empty()) h += note("no data: the results contain no runs");
  for (const std::string& t : tasks) h += task_section(results, t);
  if (options.runs_table) {
    h += "<section id=\"runs\">\n<h2>All runs</h2>\n";
    h += "<p class=\"summary\">One row per finished stage; the key is the run-store hash of the "
         "stage's resolved config and inputs (hover for the full key).</p>\n";
    h += runs_table_html(results) + "</section>\n";
  }
  h += "<footer>w2s report · self-contained HTML (inline CSS and SVG, no scripts)</footer>\n";
  return h + "</main>\n</body>\n</html>\n";
}

void write_html_report(const Results& results, const std::string& path, const ReportOptions& options) {
  const std::filesystem::path p(path);
  std::error_code ec;
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
  check(!ec, "{}: cannot create the folder: {}", path, ec.message());
  write_file_atomic(p, render_html_report(results, options));
}

}  // namespace w2s::report
