// One weak/strong pair, or a label file's students.
#include "w2s/sweep/pair.h"

#include "w2s/core/error.h"
#include "w2s/methods/pipeline.h"
#include "w2s/store/run_store.h"

namespace w2s::sweep {

SweepOptions pair_sweep(const SweepOptions& options, const std::string& weak, const std::string& strong) {
  SweepOptions o = options;
  const auto& family = options.models;
  const std::string w = !weak.empty() ? weak : family.empty() ? "" : family.front();
  const std::string s = !strong.empty() ? strong : family.empty() ? "" : family.back();
  check(!s.empty(), "w2s run needs a strong model: --strong DIR (or `models` in the config)");
  check(!w.empty() && w != s, "w2s run needs two different models: --weak DIR --strong DIR");
  const bool from_config = weak.empty() && strong.empty() && family.size() >= 2;
  o.model_lrs = from_config && options.model_lrs.size() == family.size()
                    ? std::vector<double>{options.model_lrs.front(), options.model_lrs.back()}
                    : std::vector<double>{};
  o.model_epochs = from_config && options.model_epochs.size() == family.size()
                       ? std::vector<int64_t>{options.model_epochs.front(), options.model_epochs.back()}
                       : std::vector<int64_t>{};
  o.model_names = from_config && options.model_names.size() == family.size()
                      ? std::vector<std::string>{options.model_names.front(), options.model_names.back()}
                      : std::vector<std::string>{};
  o.models = {w, s};
  o.bootstrap = false;
  return o;
}

std::vector<LabelFileRow> run_label_file(const SweepOptions& options, const std::string& strong,
                                         const std::string& labels_file) {
  SweepOptions o = options;
  const auto& family = options.models;
  const std::string s = !strong.empty() ? strong : family.empty() ? "" : family.back();
  check(!s.empty(), "w2s run needs a strong model: --strong DIR (or `models` in the config)");
  // The strong model is the config's last model (unless --strong names another): keep its lr and
  // epochs.
  const bool from_config = strong.empty() && !family.empty();
  const double lr = from_config && options.model_lrs.size() == family.size() ? options.model_lrs.back() : 0.0;
  const int64_t epochs = from_config && options.model_epochs.size() == family.size() ? options.model_epochs.back() : 0;
  o.models = {s};
  o.model_names.clear();
  o.model_lrs.clear();
  o.model_epochs.clear();
  if (lr > 0) o.model_lrs.push_back(lr);
  if (epochs > 0) o.model_epochs.push_back(epochs);
  store::RunStore store(o.runs_dir);
  methods::Pipeline p(store, o.data, o.finetune);
  const auto ref = family_of(o).front();
  std::vector<LabelFileRow> rows;
  for (const auto& task : o.tasks)
    for (int64_t seed : o.seeds) {
      const auto ceiling = methods::read_stage_metrics(store.path(p.gt(task, ref, seed)));
      for (const auto& loss : o.losses) {
        const auto m = methods::read_stage_metrics(store.path(p.student_from_file(
            task, ref, labels_file, loss_for_student(o, loss, static_cast<int>(o.models.size()) - 1), seed)));
        rows.push_back({task, loss, seed, m.test_accuracy, ceiling.test_accuracy});
      }
    }
  return rows;
}

}  // namespace w2s::sweep
