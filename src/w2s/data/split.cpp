// Deterministic group-aware splits: length policy, test carving, halves, validation slice,
// cross-part deduplication, class balance and caps.
#include "w2s/data/split.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "w2s/core/error.h"
#include "w2s/core/log.h"
#include "w2s/core/rng.h"

namespace w2s::data {
namespace {

// A seed for one stage of the split, so stages are independent of each other's options.
uint64_t stage_seed(uint64_t seed, std::string_view stage) { return mix_seed(seed, hash_bytes(stage)); }

// Position of `key` in the stage's random order (ties, practically impossible, break by key).
uint64_t rank(uint64_t stage, std::string_view key) { return mix_seed(stage, hash_bytes(key)); }

struct Group {
  std::string key;
  std::vector<size_t> members;  // indices into the pool
  uint64_t order = 0;           // rank in the current stage
};

// Order groups by their rank in `stage`.
void order_groups(std::vector<Group*>& groups, uint64_t stage) {
  for (Group* g : groups) g->order = rank(stage, g->key);
  std::sort(groups.begin(), groups.end(), [](const Group* a, const Group* b) {
    return a->order != b->order ? a->order < b->order : a->key < b->key;
  });
}

size_t count_members(const std::vector<Group*>& groups) {
  size_t n = 0;
  for (const Group* g : groups) n += g->members.size();
  return n;
}

// Take groups from the front of `groups` (already ordered) until they hold >= target examples.
std::vector<Group*> take_groups(std::vector<Group*>& groups, size_t target) {
  std::vector<Group*> taken, rest;
  size_t n = 0;
  for (Group* g : groups) {
    if (n < target) {
      taken.push_back(g);
      n += g->members.size();
    } else {
      rest.push_back(g);
    }
  }
  groups = std::move(rest);
  return taken;
}

std::vector<Example> materialize(const std::vector<Group*>& groups, std::vector<Example>& pool) {
  std::vector<Example> out;
  out.reserve(count_members(groups));
  for (const Group* g : groups) {
    for (size_t i : g->members) out.push_back(std::move(pool[i]));
  }
  return out;
}

PartReport describe(const std::vector<Example>& part) {
  PartReport r;
  r.n = part.size();
  std::unordered_set<std::string_view> groups;
  for (const auto& e : part) {
    r.n_label1 += e.label == 1 ? 1 : 0;
    groups.insert(group_of(e));
  }
  r.n_groups = groups.size();
  return r;
}

nlohmann::json part_json(const PartReport& p) {
  return {{"n", p.n}, {"n_label1", p.n_label1}, {"n_groups", p.n_groups}, {"frac_label1", p.frac_label1()}};
}

void validate(const Task& task, const SplitOptions& o, const TokenFns* tokens) {
  check(o.test_fraction >= 0.0 && o.test_fraction < 1.0, "split: test_fraction must be in [0, 1), got {}",
        o.test_fraction);
  check(o.val_fraction >= 0.0 && o.val_fraction < 1.0, "split: val_fraction must be in [0, 1), got {}", o.val_fraction);
  for (int64_t cap : {o.n_train1, o.n_train2, o.n_val, o.n_test}) {
    check(cap >= -1, "split: caps must be -1 (all) or >= 0, got {}", cap);
  }
  if (o.max_tokens > 0) {
    check(tokens != nullptr && tokens->count, "split: max_tokens = {} needs a token counter (TokenFns::count)",
          o.max_tokens);
    check(o.length_policy != LengthPolicy::truncate || tokens->truncate,
          "split: length_policy truncate needs a truncator (TokenFns::truncate)");
  }
  std::unordered_map<std::string_view, const char*> ids;  // id → "train" | "test"
  for (const auto* part : {&task.train, &task.test}) {
    const char* where = part == &task.train ? "train" : "test";
    for (const auto& e : *part) {
      if (task.kind == TaskKind::multiple_choice) {
        check(e.completions.size() >= 2, "task {}: {} question '{}' has {} choices (at least 2)", task.name, where,
              e.id, e.completions.size());
        check(e.label >= 0 && static_cast<size_t>(e.label) < e.completions.size(),
              "task {}: {} question '{}' has label {}, not the index of one of its {} choices", task.name, where, e.id,
              e.label, e.completions.size());
      } else if (task.kind == TaskKind::comparison) {
        check(e.label == 0 || e.label == 1, "task {}: {} comparison '{}' has label {} (expected 0 or 1)", task.name,
              where, e.id, e.label);
        check(e.completions.size() == 2, "task {}: {} comparison '{}' has {} completions (expected 2)", task.name,
              where, e.id, e.completions.size());
      } else {
        check(e.label == 0 || e.label == 1, "task {}: {} example '{}' has label {} (expected 0 or 1)", task.name, where,
              e.id, e.label);
        check(e.completions.empty(), "task {}: {} example '{}' has completions, but the task is a classification",
              task.name, where, e.id);
      }
      auto [it, inserted] = ids.emplace(e.id, where);
      check(inserted, "task {}: duplicate example id '{}' (in {} and {})", task.name, e.id, it->second, where);
    }
  }
}

// Apply the length policy to `v` in place.
void apply_length_policy(std::vector<Example>& v, const SplitOptions& o, const TokenFns& tokens, SplitReport& report) {
  std::vector<Example> kept;
  kept.reserve(v.size());
  for (auto& e : v) {
    if (tokens.count(e.text) <= o.max_tokens) {
      kept.push_back(std::move(e));
      continue;
    }
    if (o.length_policy == LengthPolicy::drop) {
      ++report.n_dropped_long;
      continue;
    }
    e.text = tokens.truncate(e.text, o.max_tokens);
    const size_t n = tokens.count(e.text);
    check(n <= o.max_tokens, "split: truncating example '{}' to {} tokens left {} tokens", e.id, o.max_tokens, n);
    ++report.n_truncated;
    kept.push_back(std::move(e));
  }
  v = std::move(kept);
}

// Downsample the majority class of `part` to the minority's size.
void balance_part(std::vector<Example>& part, uint64_t stage, const char* name, SplitReport& report) {
  size_t n1 = 0;
  for (const auto& e : part) n1 += e.label == 1 ? 1 : 0;
  const size_t n0 = part.size() - n1;
  if (n0 == n1 || part.empty()) return;
  if (n0 == 0 || n1 == 0) {
    log::warn("split: cannot balance {}: it holds only label {} ({} examples)", name, n1 == 0 ? 0 : 1, part.size());
    return;
  }
  const int majority = n1 > n0 ? 1 : 0;
  const size_t keep = std::min(n0, n1);
  std::vector<std::pair<uint64_t, size_t>> order;  // (rank, index) of majority examples
  for (size_t i = 0; i < part.size(); ++i) {
    if (part[i].label == majority) order.emplace_back(rank(stage, part[i].id), i);
  }
  std::sort(order.begin(), order.end());
  std::vector<bool> drop(part.size(), false);
  for (size_t k = keep; k < order.size(); ++k) drop[order[k].second] = true;
  std::vector<Example> kept;
  kept.reserve(2 * keep);
  for (size_t i = 0; i < part.size(); ++i) {
    if (!drop[i]) kept.push_back(std::move(part[i]));
  }
  report.n_balanced_away += part.size() - kept.size();
  part = std::move(kept);
}

// Shuffle `part` into its stage's random order, then keep at most `cap` examples.
void order_and_cap(std::vector<Example>& part, uint64_t stage, int64_t cap, SplitReport& report) {
  std::vector<std::pair<uint64_t, size_t>> order;
  order.reserve(part.size());
  for (size_t i = 0; i < part.size(); ++i) order.emplace_back(rank(stage, part[i].id), i);
  std::sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : part[a.second].id < part[b.second].id;
  });
  const size_t n = cap < 0 ? order.size() : std::min(order.size(), static_cast<size_t>(cap));
  std::vector<Example> out;
  out.reserve(n);
  for (size_t k = 0; k < n; ++k) out.push_back(std::move(part[order[k].second]));
  report.n_capped_away += part.size() - n;
  part = std::move(out);
}

}  // namespace

LengthPolicy parse_length_policy(const std::string& name) {
  if (name == "drop") return LengthPolicy::drop;
  if (name == "truncate") return LengthPolicy::truncate;
  fail("unknown length policy '{}' (expected drop or truncate)", name);
}

std::string to_string(LengthPolicy policy) { return policy == LengthPolicy::drop ? "drop" : "truncate"; }

nlohmann::json SplitReport::to_json() const {
  return {{"train1", part_json(train1)},
          {"train2", part_json(train2)},
          {"val", part_json(val)},
          {"test", part_json(test)},
          {"n_input", n_input},
          {"n_dropped_long", n_dropped_long},
          {"n_truncated", n_truncated},
          {"n_duplicates", n_duplicates},
          {"n_duplicates_within", n_duplicates_within},
          {"n_balanced_away", n_balanced_away},
          {"n_capped_away", n_capped_away},
          {"test_carved", test_carved}};
}

std::string SplitReport::summary() const {
  auto part = [](const PartReport& p) { return fmt::format("{} ({:.0f}% label 1)", p.n, 100.0 * p.frac_label1()); };
  return fmt::format(
      "train1 {}, train2 {}, val {}, test {}{}; dropped long {}, truncated {}, cross-part "
      "duplicates removed {}, balanced away {}, capped away {}",
      part(train1), part(train2), part(val), part(test), test_carved ? " (carved)" : "", n_dropped_long, n_truncated,
      n_duplicates, n_balanced_away, n_capped_away);
}

Split make_split(const Task& task, const SplitOptions& o, const TokenFns* tokens) {
  validate(task, o, tokens);
  Split split;
  SplitReport& report = split.report;
  report.n_input = task.train.size() + task.test.size();

  std::vector<Example> pool = task.train;
  std::vector<Example> fixed_test = task.test;
  if (o.max_tokens > 0) {
    apply_length_policy(pool, o, *tokens, report);
    apply_length_policy(fixed_test, o, *tokens, report);
  }

  // Group the pool (first-appearance order does not matter: groups are ordered by rank below).
  std::vector<Group> groups;
  {
    std::unordered_map<std::string_view, size_t> index;
    for (size_t i = 0; i < pool.size(); ++i) {
      auto [it, inserted] = index.emplace(group_of(pool[i]), groups.size());
      if (inserted) groups.push_back(Group{std::string(group_of(pool[i])), {}, 0});
      groups[it->second].members.push_back(i);
    }
  }
  std::vector<Group*> remaining;
  for (auto& g : groups) remaining.push_back(&g);

  // Test: the fixed set, or whole groups carved from the pool.
  if (fixed_test.empty() && o.test_fraction > 0.0) {
    report.test_carved = true;
    order_groups(remaining, stage_seed(o.seed, "test"));
    const auto target = static_cast<size_t>(std::llround(o.test_fraction * pool.size()));
    split.test = materialize(take_groups(remaining, target), pool);
  } else {
    split.test = std::move(fixed_test);
  }

  // Halves: each group, in random order, joins the smaller half (ties: half 1), so the halves
  // differ by at most one group.
  order_groups(remaining, stage_seed(o.seed, "halves"));
  std::vector<Group*> half1, half2;
  size_t n1 = 0, n2 = 0;
  for (Group* g : remaining) {
    if (n1 <= n2) {
      half1.push_back(g);
      n1 += g->members.size();
    } else {
      half2.push_back(g);
      n2 += g->members.size();
    }
  }

  // Validation: whole groups of half 2.
  order_groups(half2, stage_seed(o.seed, "val"));
  const auto n_val_target = static_cast<size_t>(std::llround(o.val_fraction * n2));
  std::vector<Group*> val_groups = take_groups(half2, n_val_target);
  split.train1 = materialize(half1, pool);
  split.train2 = materialize(half2, pool);
  split.val = materialize(val_groups, pool);

  // No text in two parts: earlier parts win, in the order test, train1, train2, val.
  {
    struct Part {
      std::vector<Example>* v;
      std::vector<bool> keep;
    };
    std::vector<Part> parts = {{&split.test, {}}, {&split.train1, {}}, {&split.train2, {}}, {&split.val, {}}};
    std::unordered_set<std::string> seen;  // contents of earlier parts
    for (auto& p : parts) {
      std::unordered_set<std::string> mine;
      p.keep.assign(p.v->size(), true);
      for (size_t i = 0; i < p.v->size(); ++i) {
        std::string text = content_key((*p.v)[i]);
        if (seen.count(text)) {
          p.keep[i] = false;
          ++report.n_duplicates;
        } else if (!mine.insert(std::move(text)).second) {
          ++report.n_duplicates_within;
        }
      }
      seen.insert(mine.begin(), mine.end());
    }
    for (auto& p : parts) {
      std::vector<Example> kept;
      kept.reserve(p.v->size());
      for (size_t i = 0; i < p.v->size(); ++i) {
        if (p.keep[i]) kept.push_back(std::move((*p.v)[i]));
      }
      *p.v = std::move(kept);
    }
  }

  // Comparisons: which completion comes first is drawn per example from the seed, so the labels
  // (index of the preferred completion) are balanced whatever order the source uses.
  if (task.kind == TaskKind::comparison) {
    const uint64_t stage = stage_seed(o.seed, "completion order");
    for (auto* part : {&split.test, &split.train1, &split.train2, &split.val})
      for (Example& e : *part)
        if (rank(stage, e.id) & 1) {
          std::swap(e.completions[0], e.completions[1]);
          e.label = 1 - e.label;
        }
  }

  struct Named {
    const char* name;
    std::vector<Example>* v;
    int64_t cap;
  };
  const Named named[] = {{"train1", &split.train1, o.n_train1},
                         {"train2", &split.train2, o.n_train2},
                         {"val", &split.val, o.n_val},
                         {"test", &split.test, o.n_test}};
  // Multiple choice has no classes to balance: its label is a position among each question's own
  // choices.
  const bool balance = o.balance && task.kind != TaskKind::multiple_choice;
  if (o.balance && !balance) log::warn("split: balance does not apply to the multiple-choice task {}", task.name);
  for (const auto& p : named) {
    if (balance) balance_part(*p.v, stage_seed(o.seed, std::string("balance/") + p.name), p.name, report);
    order_and_cap(*p.v, stage_seed(o.seed, std::string("order/") + p.name), p.cap, report);
  }

  report.train1 = describe(split.train1);
  report.train2 = describe(split.train2);
  report.val = describe(split.val);
  report.test = describe(split.test);
  return split;
}

}  // namespace w2s::data
