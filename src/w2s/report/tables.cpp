// PGR and run tables (md, csv, json, text) and the pairs × losses PGR grid.
#include "w2s/report/tables.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include "w2s/core/error.h"
#include "w2s/report/aggregate.h"

namespace w2s::report {
namespace {

using nlohmann::json;

json num(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }
std::string csv_num(double v) { return std::isfinite(v) ? fmt::format("{:.6g}", v) : ""; }

size_t task_rank(const std::vector<std::string>& tasks, const std::string& t) {
  return size_t(std::find(tasks.begin(), tasks.end(), t) - tasks.begin());
}

/// PGR rows ordered by task, loss (xent, logconf, ...), weak size, strong size.
std::vector<const PgrRow*> sorted_pgr(const Results& r) {
  const auto tasks = task_names(r);
  std::vector<const PgrRow*> rows;
  for (const PgrRow& p : r.pgr) rows.push_back(&p);
  std::map<std::string, std::vector<LossKey>> keys_of;
  for (const std::string& t : tasks) keys_of[t] = loss_keys(r, t);
  auto rank = [&](const PgrRow* p) {
    const auto& keys = keys_of[p->task];
    const LossKey k{p->loss, p->method};
    const size_t li = size_t(std::find(keys.begin(), keys.end(), k) - keys.begin());
    return std::tuple(task_rank(tasks, p->task), li, p->weak_params, p->weak, p->strong_params, p->strong);
  };
  std::stable_sort(rows.begin(), rows.end(), [&](const PgrRow* a, const PgrRow* b) { return rank(a) < rank(b); });
  return rows;
}

/// Stages ordered by task, gt before students, model size, supervisor, loss, seed.
std::vector<const StageRecord*> sorted_stages(const Results& r) {
  const auto tasks = task_names(r);
  std::vector<const StageRecord*> rows;
  for (const StageRecord& s : r.stages) rows.push_back(&s);
  auto rank = [&](const StageRecord* s) {
    return std::tuple(task_rank(tasks, s->task), s->kind != methods::StageKind::gt, s->model_params, s->model,
                      s->supervisor, s->loss != "xent", s->loss, s->method, s->seed);
  };
  std::stable_sort(rows.begin(), rows.end(),
                   [&](const StageRecord* a, const StageRecord* b) { return rank(a) < rank(b); });
  return rows;
}

bool many_methods(const Results& r) {
  for (const PgrRow& p : r.pgr)
    if (p.method != r.pgr.front().method) return true;
  return false;
}

std::string pad(const std::string& s, size_t width, bool right) {
  const size_t w = display_width(s);
  const std::string fill(w < width ? width - w : 0, ' ');
  return right ? fill + s : s + fill;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string md_field(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n')
      out += ' ';
    else
      out += c;
  }
  return out.empty() ? " " : out;
}

}  // namespace

TableFormat parse_table_format(const std::string& name) {
  if (name == "md" || name == "markdown") return TableFormat::md;
  if (name == "csv") return TableFormat::csv;
  if (name == "json") return TableFormat::json;
  if (name == "text" || name == "txt") return TableFormat::text;
  fail("unknown table format '{}' (md, csv, json, text)", name);
}

size_t display_width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string render_table(const Table& t, TableFormat format) {
  const size_t n = t.headers.size();
  auto right = [&](size_t i) { return i < t.right.size() && t.right[i]; };
  std::string out;
  switch (format) {
    case TableFormat::csv: {
      auto line = [&](const std::vector<std::string>& cells) {
        for (size_t i = 0; i < cells.size(); ++i) {
          if (i) out += ',';
          out.append(csv_field(cells[i]));
        }
        out += "\n";
      };
      line(t.headers);
      for (const auto& row : t.rows) line(row);
      return out;
    }
    case TableFormat::md: {
      auto line = [&](const std::vector<std::string>& cells) {
        out += "|";
        for (const auto& c : cells) {
          out += ' ';
          out.append(md_field(c));
          out += " |";
        }
        out += "\n";
      };
      line(t.headers);
      out += "|";
      for (size_t i = 0; i < n; ++i) out += right(i) ? " ---: |" : " --- |";
      out += "\n";
      for (const auto& row : t.rows) line(row);
      return out;
    }
    case TableFormat::text: {
      std::vector<size_t> width(n, 0);
      for (size_t i = 0; i < n; ++i) width[i] = display_width(t.headers[i]);
      for (const auto& row : t.rows)
        for (size_t i = 0; i < n && i < row.size(); ++i) width[i] = std::max(width[i], display_width(row[i]));
      auto line = [&](const std::vector<std::string>& cells) {
        std::string l;
        for (size_t i = 0; i < n; ++i) l += (i ? "  " : "") + pad(i < cells.size() ? cells[i] : "", width[i], right(i));
        while (!l.empty() && l.back() == ' ') l.pop_back();
        out += l + "\n";
      };
      line(t.headers);
      std::vector<std::string> rule;
      for (size_t i = 0; i < n; ++i) {
        std::string dash;
        for (size_t k = 0; k < width[i]; ++k) dash += "─";
        rule.push_back(dash);
      }
      line(rule);
      for (const auto& row : t.rows) line(row);
      return out;
    }
    case TableFormat::json:
      break;
  }
  fail("render_table: json needs typed values (use format_pgr_table / format_runs_table)");
}

std::string format_pgr_table(const Results& r, TableFormat format) {
  const auto rows = sorted_pgr(r);
  if (format == TableFormat::json) {
    json out = json::array();
    for (const PgrRow* p : rows) {
      const bool ok = has_pgr(*p);
      out.push_back({{"task", p->task},
                     {"weak", p->weak},
                     {"strong", p->strong},
                     {"loss", p->loss},
                     {"method", p->method},
                     {"weak_params", p->weak_params},
                     {"strong_params", p->strong_params},
                     {"n_seeds", p->n_seeds},
                     {"weak_acc", num(p->weak_acc)},
                     {"weak_se", num(p->weak_se)},
                     {"ceiling_acc", num(p->ceiling_acc)},
                     {"ceiling_se", num(p->ceiling_se)},
                     {"student_acc", num(p->student_acc)},
                     {"student_se", num(p->student_se)},
                     {"pgr", ok ? num(p->pgr) : json(nullptr)},
                     {"pgr_se", ok ? num(p->pgr_se) : json(nullptr)},
                     {"pgr_lo", ok ? num(p->pgr_lo) : json(nullptr)},
                     {"pgr_hi", ok ? num(p->pgr_hi) : json(nullptr)},
                     {"status", p->status}});
      if (std::isfinite(p->zeroshot_acc))
        out.back()["zeroshot_acc"] = num(p->zeroshot_acc), out.back()["zeroshot_se"] = num(p->zeroshot_se);
      out.back()["misfit"] = num(p->misfit);
      out.back()["error_consistency"] = num(p->error_consistency);
      out.back()["pgr_auroc"] = num(p->pgr_auroc);
      out.back()["pgr_auroc_lo"] = num(p->pgr_auroc_lo);
      out.back()["pgr_auroc_hi"] = num(p->pgr_auroc_hi);
    }
    return out.dump(1) + "\n";
  }
  Table t;
  if (format == TableFormat::csv) {
    t.headers = {
        "task",      "weak",         "strong",      "loss",        "method",     "weak_params", "strong_params",
        "n_seeds",   "weak_acc",     "weak_se",     "ceiling_acc", "ceiling_se", "student_acc", "student_se",
        "pgr",       "pgr_se",       "pgr_lo",      "pgr_hi",      "status",     "misfit",      "error_consistency",
        "pgr_auroc", "pgr_auroc_lo", "pgr_auroc_hi"};
    for (const PgrRow* p : rows) {
      const bool ok = has_pgr(*p);
      t.rows.push_back({p->task,
                        p->weak,
                        p->strong,
                        p->loss,
                        p->method,
                        std::to_string(p->weak_params),
                        std::to_string(p->strong_params),
                        std::to_string(p->n_seeds),
                        csv_num(p->weak_acc),
                        csv_num(p->weak_se),
                        csv_num(p->ceiling_acc),
                        csv_num(p->ceiling_se),
                        csv_num(p->student_acc),
                        csv_num(p->student_se),
                        ok ? csv_num(p->pgr) : "",
                        ok ? csv_num(p->pgr_se) : "",
                        ok ? csv_num(p->pgr_lo) : "",
                        ok ? csv_num(p->pgr_hi) : "",
                        p->status,
                        csv_num(p->misfit),
                        csv_num(p->error_consistency),
                        csv_num(p->pgr_auroc),
                        csv_num(p->pgr_auroc_lo),
                        csv_num(p->pgr_auroc_hi)});
    }
    return render_table(t, format);
  }
  const bool method = many_methods(r);
  bool zeroshot = false;  // the strong model's zero-shot accuracy beside each PGR, when measured
  for (const PgrRow* p : rows) zeroshot |= std::isfinite(p->zeroshot_acc);
  // misfit and error consistency, when the stages' files allowed them
  const bool diagnostics = std::any_of(rows.begin(), rows.end(), [](const PgrRow* p) { return has_diagnostics(*p); });
  // PGR on AUROC, where the tasks define one (binary and comparison tasks)
  const bool auroc =
      std::any_of(rows.begin(), rows.end(), [](const PgrRow* p) { return std::isfinite(p->weak_auroc); });
  t.headers = {"task", "weak", "strong", "loss"};
  if (method) t.headers.push_back("method");
  for (const char* h : {"seeds", "weak acc", "ceiling acc", "student acc", "PGR"}) t.headers.push_back(h);
  if (zeroshot) t.headers.push_back("strong 0-shot");
  if (diagnostics) t.headers.push_back("misfit"), t.headers.push_back("err κ");
  if (auroc) t.headers.push_back("PGR AUROC");
  t.right.assign(t.headers.size(), true);
  for (size_t i = 0; i < 4 + size_t(method); ++i) t.right[i] = false;
  const auto shown = task_display_names(r);
  for (const PgrRow* p : rows) {
    std::vector<std::string> row = {shown.at(p->task), p->weak, p->strong, p->loss};
    if (method) row.push_back(p->method);
    row.push_back(std::to_string(p->n_seeds));
    row.push_back(format_mean_se(p->weak_acc, p->weak_se, 3));
    row.push_back(format_mean_se(p->ceiling_acc, p->ceiling_se, 3));
    row.push_back(format_mean_se(p->student_acc, p->student_se, 3));
    row.push_back(format_pgr_cell(*p));
    if (zeroshot) row.push_back(format_mean_se(p->zeroshot_acc, p->zeroshot_se, 3));
    if (diagnostics) row.push_back(format_fixed(p->misfit, 3)), row.push_back(format_fixed(p->error_consistency, 2));
    if (auroc) row.push_back(format_pgr_auroc_cell(*p));
    t.rows.push_back(std::move(row));
  }
  return render_table(t, format);
}

std::string format_gt_table(const Results& r, TableFormat format) {
  json out = json::array();
  Table t;
  const bool typed = format == TableFormat::csv || format == TableFormat::json;
  // Zero-shot and few-shot columns when the sweep evaluated readouts without training.
  bool zeroshot = false, fewshot = false;
  std::set<int64_t> shots;
  for (const std::string& task : task_names(r)) {
    zeroshot |= !zeroshot_curve(r, task).empty();
    int64_t k = 0;
    const bool any = !fewshot_curve(r, task, &k).empty();
    fewshot |= any;
    if (any) shots.insert(k);
  }
  const std::string fewshot_header =
      shots.size() == 1 && *shots.begin() > 0 ? fmt::format("{}-shot %", *shots.begin()) : "few-shot %";
  t.headers = {"task", "model", "params", "seeds", typed ? "accuracy" : "accuracy %"};
  if (typed) t.headers.push_back("accuracy_se");
  if (zeroshot) t.headers.push_back(typed ? "zeroshot" : "zero-shot %");
  if (zeroshot && typed) t.headers.push_back("zeroshot_se");
  if (fewshot) t.headers.push_back(typed ? "fewshot" : fewshot_header);
  if (fewshot && typed) t.headers.push_back("fewshot_se");
  t.right.assign(t.headers.size(), true);
  t.right[0] = t.right[1] = false;
  auto acc_of = [](const std::vector<ModelPoint>& curve, const std::string& model) {
    for (const ModelPoint& z : curve)
      if (z.model == model) return z.acc;
    return Stat{NAN, NAN, 0};
  };
  for (const std::string& task : task_names(r)) {
    const auto zs = zeroshot_curve(r, task);
    const auto fs = fewshot_curve(r, task);
    for (const ModelPoint& m : ceiling_curve(r, task)) {
      if (m.acc.n == 0) continue;
      const Stat z = acc_of(zs, m.model), f = acc_of(fs, m.model);
      if (format == TableFormat::json) {
        json row = {{"task", task},
                    {"model", m.model},
                    {"params", m.params},
                    {"n_seeds", m.acc.n},
                    {"accuracy", num(m.acc.mean)},
                    {"accuracy_se", num(m.acc.se)}};
        if (zeroshot) row["zeroshot"] = num(z.mean), row["zeroshot_se"] = num(z.se);
        if (fewshot) row["fewshot"] = num(f.mean), row["fewshot_se"] = num(f.se);
        out.push_back(std::move(row));
      } else if (typed) {
        t.rows.push_back(
            {task, m.model, std::to_string(m.params), std::to_string(m.acc.n), csv_num(m.acc.mean), csv_num(m.acc.se)});
        if (zeroshot) t.rows.back().push_back(csv_num(z.mean)), t.rows.back().push_back(csv_num(z.se));
        if (fewshot) t.rows.back().push_back(csv_num(f.mean)), t.rows.back().push_back(csv_num(f.se));
      } else {
        t.rows.push_back({task_display_names(r).at(task), m.model, std::to_string(m.params), std::to_string(m.acc.n),
                          format_mean_se(100 * m.acc.mean, 100 * m.acc.se, 1)});
        if (zeroshot) t.rows.back().push_back(format_mean_se(100 * z.mean, 100 * z.se, 1));
        if (fewshot) t.rows.back().push_back(format_mean_se(100 * f.mean, 100 * f.se, 1));
      }
    }
  }
  if (format == TableFormat::json) return out.dump(1) + "\n";
  return render_table(t, format);
}

std::string format_runs_table(const Results& r, TableFormat format) {
  const auto rows = sorted_stages(r);
  if (format == TableFormat::json) {
    json out = json::array();
    for (const StageRecord* s : rows)
      out.push_back({{"key", s->key},
                     {"kind", methods::to_string(s->kind)},
                     {"task", s->task},
                     {"model", s->model},
                     {"model_params", s->model_params},
                     {"supervisor", s->supervisor},
                     {"loss", s->loss},
                     {"method", s->method},
                     {"seed", s->seed},
                     {"test_accuracy", num(s->test_accuracy)},
                     {"commit", s->commit},
                     {"wall_seconds", num(s->wall_seconds)},
                     {"peak_rss_mb", num(s->peak_rss_mb)}});
    return out.dump(1) + "\n";
  }
  Table t;
  t.headers = {"key",    "kind", "task",     "model",  "supervisor", "loss",
               "method", "seed", "accuracy", "commit", "wall",       "peak mem"};
  t.right = {false, false, false, false, false, false, false, true, true, false, true, true};
  const bool csv = format == TableFormat::csv;
  if (csv) {
    t.headers[10] = "wall_seconds";
    t.headers[11] = "peak_rss_mb";
  }
  const auto shown = task_display_names(r);
  for (const StageRecord* s : rows) {
    const std::string sup = s->supervisor.empty() && !csv ? "-" : s->supervisor;
    t.rows.push_back({csv ? s->key : s->key.substr(0, 10), methods::to_string(s->kind),
                      csv ? s->task : shown.at(s->task), s->model, sup, s->loss, s->method, std::to_string(s->seed),
                      csv ? csv_num(s->test_accuracy) : format_fixed(s->test_accuracy, 3), s->commit,
                      csv ? csv_num(s->wall_seconds) : format_duration(s->wall_seconds),
                      csv ? csv_num(s->peak_rss_mb) : format_memory_mb(s->peak_rss_mb)});
  }
  return render_table(t, format);
}

std::string format_pgr_grid(const Results& r) {
  std::string out;
  for (const std::string& task : task_names(r)) {
    const auto keys = loss_keys(r, task);
    const auto weak = weak_models(r, task);
    const auto strong = strong_models(r, task);
    Table t;
    t.headers = {"pair"};
    for (const LossKey& k : keys) t.headers.push_back(loss_label(k, keys));
    t.right.assign(t.headers.size(), true);
    t.right[0] = false;
    for (const ModelName& w : weak) {
      for (const ModelName& s : strong) {
        std::vector<std::string> row = {w.name + " → " + s.name};
        bool any = false;
        for (const LossKey& k : keys) {
          const PgrRow* p = find_pgr(r, task, w.name, s.name, k);
          any = any || p != nullptr;
          row.push_back(p ? format_pgr_cell(*p) : "-");
        }
        if (any) t.rows.push_back(std::move(row));
      }
    }
    if (!out.empty()) out += "\n";
    out += fmt::format("task {}: PGR (ratio of mean accuracies over seeds [95 % paired bootstrap interval])\n",
                       task_display_names(r).at(task));
    if (t.rows.empty()) {
      out += "  no PGR rows\n";
      continue;
    }
    out += render_table(t, TableFormat::text);
    std::string med;
    for (const LossKey& k : keys) {
      const double m = median_pgr(r, task, k);
      med += fmt::format("{}{} {}", med.empty() ? "" : " · ", loss_label(k, keys),
                         std::isfinite(m) ? fmt::format("{:.2f}", m) : "n/a");
    }
    out += "median PGR over pairs, per loss: " + med + "\n";
  }
  if (task_names(r).size() > 1) {
    std::vector<LossKey> keys;  // over every task, in first-seen order
    for (const std::string& task : task_names(r))
      for (const LossKey& k : loss_keys(r, task))
        if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
    // The paper's summary: per (weak, strong) pair, the median over tasks of that pair's PGR.
    std::vector<std::pair<ModelName, ModelName>> pairs;
    {
      std::set<std::pair<std::string, std::string>> seen;
      for (const PgrRow& p : r.pgr) {
        if (seen.insert({p.weak, p.strong}).second)
          pairs.push_back({{p.weak, p.weak_params}, {p.strong, p.strong_params}});
      }
      std::stable_sort(pairs.begin(), pairs.end(), [](const auto& a, const auto& b) {
        return std::pair{a.first.params, a.second.params} < std::pair{b.first.params, b.second.params};
      });
    }
    Table t;
    t.headers = {"pair"};
    for (const LossKey& k : keys) t.headers.push_back(loss_label(k, keys));
    t.right.assign(t.headers.size(), true);
    t.right[0] = false;
    for (const auto& [w, s] : pairs) {
      std::vector<std::string> row = {w.name + " → " + s.name};
      for (const LossKey& k : keys) {
        int n = 0;
        const double m = median_pgr_over_tasks(r, w.name, s.name, k, &n);
        row.push_back(std::isfinite(m) ? fmt::format("{:.2f} ({} task{})", m, n, n == 1 ? "" : "s") : "-");
      }
      t.rows.push_back(std::move(row));
    }
    out += "\nmedian PGR over tasks, per pair and loss (the paper's summary; in parentheses the tasks with a PGR):\n";
    out += render_table(t, TableFormat::text);
    std::string med;
    for (const LossKey& k : keys) {
      const double m = median_pgr_over_tasks(r, k);
      med += fmt::format("{}{} {}", med.empty() ? "" : " · ", loss_label(k, keys),
                         std::isfinite(m) ? fmt::format("{:.2f}", m) : "n/a");
    }
    out += "median over tasks of each task's median PGR over pairs, per loss: " + med + "\n";
  }
  return out.empty() ? "no results\n" : out;
}

}  // namespace w2s::report
