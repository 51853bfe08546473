// Sweep planning and sharding.
#include "w2s/sweep/plan.h"

#include <cmath>

#include "w2s/core/error.h"

namespace w2s::sweep {

using methods::Method;
using methods::StageKind;

std::vector<Pair> pairs_of(const SweepOptions& o) {
  const int n = static_cast<int>(o.models.size());
  std::vector<Pair> out;
  for (int w = 0; w < n; ++w)
    for (int s = w; s < n; ++s) {
      if (s > w || o.same_size) out.push_back({w, s, Method::finetune});
      if (o.bootstrap && s >= w + 2) out.push_back({w, s, Method::bootstrap});
    }
  return out;
}

std::vector<int> bootstrap_chain(int w, int s, int64_t steps) {
  const int between = s - w - 1;  // intermediate sizes available
  const int k = steps <= 0 || steps >= between ? between : static_cast<int>(steps);
  std::vector<int> chain = {w};
  // k sizes spread evenly over w+1 … s−1: the j-th (1-based) at w + round(j·(s − w)/(k + 1)).
  // Steps of (s − w)/(k + 1) ≥ 1 keep them distinct, increasing and strictly between w and s.
  for (int j = 1; j <= k; ++j) chain.push_back(w + static_cast<int>(std::lround(double(j) * (s - w) / (k + 1))));
  return chain;
}

std::vector<PlannedStage> plan_sweep(const SweepOptions& o) {
  check(!o.seeds.empty() && !o.tasks.empty(), "a sweep needs at least one task and one seed");
  check(o.bootstrap_steps >= 0, "bootstrap_steps must be 0 (every intermediate size) or more, not {}",
        o.bootstrap_steps);
  check(o.bootstrap_data == "crossfit" || o.bootstrap_data == "shared" || o.bootstrap_data == "disjoint",
        "bootstrap_data must be crossfit, disjoint or shared, not \"{}\"", o.bootstrap_data);
  check(o.bootstrap_data != "crossfit" || o.bootstrap_folds >= 2, "bootstrap_folds must be at least 2, got {}",
        o.bootstrap_folds);
  for (const auto& l : o.losses) losses::make_loss(loss_named(o, l));  // validates the name
  check(o.few_shot >= 0, "few_shot must be 0 (none) or more, not {}", o.few_shot);
  check(o.few_shot == 0 || o.finetune.readout.name == "likelihood" || o.finetune.readout.name == "verbalizer",
        "few_shot = {} needs a readout through the LM head ([finetune.readout] name = \"likelihood\" or "
        "\"verbalizer\"), not \"{}\": an untrained head reads nothing",
        o.few_shot, o.finetune.readout.name);
  check(o.genft_models == "strong" || o.genft_models == "all", "genft_models must be strong or all, not \"{}\"",
        o.genft_models);
  const auto pairs = pairs_of(o);
  const int n = static_cast<int>(o.models.size());
  // Generative finetuning of the strong models only: supervisors and ceilings are different models.
  const bool split_roles = o.generative_finetune && o.genft_models == "strong";
  std::vector<bool> is_weak(n, false), is_strong(n, false);
  for (const auto& p : pairs) is_weak[p.weak] = is_strong[p.strong] = true;
  std::vector<PlannedStage> plan;
  int unit = 0;
  for (const auto& task : o.tasks)
    for (int64_t seed : o.seeds)
      for (int w = 0; w < n; ++w, ++unit) {
        if (!split_roles) {
          plan.push_back({StageKind::gt, task, seed, w, {}, "", Method::finetune, unit});
        } else {
          if (is_weak[w] || !is_strong[w])
            plan.push_back({StageKind::gt, task, seed, w, {}, "", Method::finetune, unit, Role::weak});
          if (is_strong[w])
            plan.push_back({StageKind::gt, task, seed, w, {}, "", Method::finetune, unit, Role::strong});
        }
        // The untrained readouts are baselines of the strong models: after generative finetuning
        // where the model is a ceiling, as itself where it only supervises.
        const Role read_as = !split_roles ? Role::both : is_strong[w] ? Role::strong : Role::weak;
        if (o.zero_shot) plan.push_back({StageKind::zeroshot, task, seed, w, {}, "", Method::finetune, unit, read_as});
        if (o.few_shot > 0)
          plan.push_back({StageKind::fewshot, task, seed, w, {}, "", Method::finetune, unit, read_as});
        for (const Method method : {Method::finetune, Method::bootstrap})
          for (const auto& p : pairs) {
            if (p.weak != w || p.method != method) continue;
            const auto chain =
                method == Method::bootstrap ? bootstrap_chain(w, p.strong, o.bootstrap_steps) : std::vector<int>{w};
            for (const auto& loss : o.losses)
              plan.push_back({StageKind::student, task, seed, p.strong, chain, loss, method, unit});
          }
      }
  return plan;
}

std::pair<int, int> parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  try {
    check(slash != std::string::npos, "");
    const int i = std::stoi(text.substr(0, slash)), n = std::stoi(text.substr(slash + 1));
    check(n >= 1 && i >= 1 && i <= n, "");
    return {i, n};
  } catch (...) {
    fail("--shard must be I/N with 1 ≤ I ≤ N (e.g. 2/4), not \"{}\"", text);
  }
}

std::vector<PlannedStage> shard_of(const std::vector<PlannedStage>& plan, int i, int n) {
  std::vector<PlannedStage> out;
  for (const auto& s : plan)
    if (s.unit % n == i - 1) out.push_back(s);
  return out;
}

}  // namespace w2s::sweep
