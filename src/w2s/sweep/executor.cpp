// Stages of a plan, run or named.
#include "w2s/sweep/executor.h"

#include <filesystem>

namespace fs = std::filesystem;

namespace w2s::sweep {

using methods::Method;

Executor::Executor(const SweepOptions& o, methods::Pipeline& p, bool run)
    : o_(o), p_(p), run_(run), family_(family_of(o)) {}

std::optional<methods::ModelRef> Executor::model(const std::string& task, int64_t seed, int i, bool supervisor) {
  if (!o_.generative_finetune || (supervisor && o_.genft_models == "strong")) return family_[i];
  auto m = p_.genft(task, family_[i], o_.genft, seed, run_);
  if (!fs::exists(m.path)) return std::nullopt;
  return m;
}

std::optional<std::string> Executor::gt(const std::string& task, int64_t seed, int i, Role role) {
  auto m = model(task, seed, i, role == Role::weak);
  if (!m) return std::nullopt;
  return run_ ? p_.gt(task, *m, seed) : p_.gt_key(task, *m, seed);
}

std::optional<std::string> Executor::student(const PlannedStage& s) {
  if (s.method == Method::bootstrap && o_.bootstrap_data == "crossfit" && s.chain.size() > 1) {
    // Each intermediate link labels half 2 out of sample (k-fold cross-fitting); the final student
    // trains on all of it.
    auto labels = gt(s.task, s.seed, s.chain[0], Role::weak);
    for (size_t k = 1; k < s.chain.size() && labels; ++k) labels = crossfit(s, s.chain[k], *labels);
    if (!labels) return std::nullopt;
    return link(s, s.model, *labels, Method::bootstrap, {});
  }
  const bool disjoint = s.method == Method::bootstrap && o_.bootstrap_data == "disjoint";
  const auto links = static_cast<int64_t>(s.chain.size());  // students in the chain, final included
  auto slice = [&](int64_t k) { return disjoint ? methods::TrainSlice{k, links} : methods::TrainSlice{}; };
  auto labels = gt(s.task, s.seed, s.chain[0], Role::weak);
  for (size_t k = 1; k < s.chain.size() && labels; ++k)
    labels =
        link(s, s.chain[k], *labels, k == 1 && !disjoint ? Method::finetune : Method::bootstrap, slice(int64_t(k) - 1));
  if (!labels) return std::nullopt;
  return link(s, s.model, *labels, s.chain.size() == 1 ? s.method : Method::bootstrap, slice(links - 1));
}

std::optional<std::string> Executor::zeroshot(const std::string& task, int64_t seed, int i, int64_t shots, Role role) {
  auto m = model(task, seed, i, role == Role::weak);
  if (!m) return std::nullopt;
  return run_ ? p_.zeroshot(task, *m, seed, shots) : p_.zeroshot_key(task, *m, seed, shots);
}

std::optional<std::string> Executor::stage(const PlannedStage& s) {
  switch (s.kind) {
    case methods::StageKind::gt:
      return gt(s.task, s.seed, s.model, s.role);
    case methods::StageKind::zeroshot:
      return zeroshot(s.task, s.seed, s.model, 0, s.role);
    case methods::StageKind::fewshot:
      return zeroshot(s.task, s.seed, s.model, o_.few_shot, s.role);
    default:
      return student(s);
  }
}

std::optional<Executor::LinkModel> Executor::link_model(const PlannedStage& s, int model_index) {
  auto m = model(s.task, s.seed, model_index);
  if (!m) return std::nullopt;
  return LinkModel{*m, loss_for_student(o_, s.loss, model_index)};
}

std::optional<std::string> Executor::crossfit(const PlannedStage& s, int model_index, const std::string& labels) {
  const auto l = link_model(s, model_index);
  if (!l) return std::nullopt;
  if (!run_) return p_.crossfit_key(s.task, l->model, labels, l->loss, s.seed, Method::bootstrap, o_.bootstrap_folds);
  return p_.crossfit(s.task, l->model, labels, l->loss, s.seed, Method::bootstrap, o_.bootstrap_folds);
}

std::optional<std::string> Executor::link(const PlannedStage& s, int model_index, const std::string& labels,
                                          Method method, methods::TrainSlice slice) {
  const auto l = link_model(s, model_index);
  if (!l) return std::nullopt;
  if (!run_) return p_.student_key(s.task, l->model, labels, l->loss, s.seed, method, slice);
  return p_.student(s.task, l->model, labels, l->loss, s.seed, method, slice);
}

}  // namespace w2s::sweep
