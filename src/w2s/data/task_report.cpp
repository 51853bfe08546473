// Plain-text task reports for the data commands.
#include "w2s/data/task_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "w2s/core/error.h"
#include "w2s/core/text.h"

namespace w2s::data {

PartStats part_stats(const std::string& part, const std::vector<Example>& examples) {
  PartStats s;
  s.part = part;
  std::set<std::string> groups;
  double chars = 0;
  for (const Example& e : examples) {
    ++s.n;
    s.n_label1 += e.label == 1 ? 1 : 0;
    groups.insert(group_of(e));
    chars += double(utf8_length(e.text));
  }
  s.n_groups = groups.size();
  if (s.n > 0) {
    s.mean_chars = chars / double(s.n);
    s.majority_rate = double(std::max(s.n_label1, s.n - s.n_label1)) / double(s.n);
  }
  return s;
}

std::vector<PartStats> split_stats(const Split& split) {
  return {part_stats("train1", split.train1), part_stats("train2", split.train2), part_stats("val", split.val),
          part_stats("test", split.test)};
}

const std::vector<Example>& split_part(const Split& split, const std::string& part) {
  if (part == "train1") return split.train1;
  if (part == "train2") return split.train2;
  if (part == "val") return split.val;
  if (part == "test") return split.test;
  fail("unknown split part '{}' (train1, train2, val, test)", part);
}

std::string format_task_table(const std::vector<TaskListing>& tasks) {
  std::string out = fmt::format("{:<20} {:<9} {:>7} {:>6} {:>8} {:>8}  {}\n", "task", "prepared", "train", "test",
                                "train %1", "test %1", "description");
  for (const TaskListing& t : tasks) {
    if (t.manifest && has_completions(t.manifest->kind)) {  // comparisons: labels balanced per seed by the split
      const TaskManifest& m = *t.manifest;
      const char* what = m.kind == TaskKind::comparison ? "pairs" : "choices";
      out += fmt::format("{:<20} {:<9} {:>7} {:>6} {:>8} {:>8}  {}\n", t.name, "yes", m.train.n,
                         m.test.n == 0 ? "carved" : std::to_string(m.test.n), what, what, t.description);
    } else if (t.manifest) {
      const TaskManifest& m = *t.manifest;
      out += fmt::format("{:<20} {:<9} {:>7} {:>6} {:>7.1f}% {:>7.1f}%  {}\n", t.name, "yes", m.train.n, m.test.n,
                         100 * m.train.frac_label1(), 100 * m.test.frac_label1(), t.description);
    } else {
      out += fmt::format("{:<20} {:<9} {:>7} {:>6} {:>8} {:>8}  {}\n", t.name, t.kind == "builtin" ? "no" : "-", "-",
                         "-", "-", "-", t.description);
    }
  }
  return out;
}

std::string format_part_stats(const std::vector<PartStats>& stats) {
  std::string out =
      fmt::format("{:<7} {:>7} {:>7} {:>8} {:>10} {:>9}\n", "part", "n", "groups", "label 1", "mean chars", "majority");
  for (const PartStats& s : stats) {
    out += fmt::format("{:<7} {:>7} {:>7} {:>7.1f}% {:>10.1f} {:>8.1f}%\n", s.part, s.n, s.n_groups,
                       s.n == 0 ? 0.0 : 100.0 * double(s.n_label1) / double(s.n), s.mean_chars, 100 * s.majority_rate);
  }
  return out;
}

std::string format_examples(const std::vector<Example>& examples, size_t n, size_t max_chars) {
  std::string out;
  for (size_t i = 0; i < std::min(n, examples.size()); ++i) {
    const Example& e = examples[i];
    auto cut = [&](const std::string& s) {
      std::string t(utf8_prefix(s, max_chars));
      return t.size() < s.size() ? t + "\u2026" : t;
    };
    if (e.completions.empty()) {
      out += fmt::format("--- {} (label {}, group {})\n{}\n", e.id, e.label, group_of(e), cut(e.text));
    } else {
      out += fmt::format("--- {} (preferred: completion {}, group {})\nprompt: {}\n", e.id, e.label, group_of(e),
                         cut(e.text));
      for (size_t k = 0; k < e.completions.size(); ++k)
        out += fmt::format("completion {}{}: {}\n", k, static_cast<int>(k) == e.label ? " (preferred)" : "",
                           cut(e.completions[k]));
    }
  }
  return out;
}

}  // namespace w2s::data
