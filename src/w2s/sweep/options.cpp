// Sweep config schema and the model family.
#include "w2s/sweep/options.h"

#include <filesystem>

#include "w2s/core/error.h"
#include "w2s/models/model_spec.h"
#include "w2s/sweep/family_record.h"

namespace fs = std::filesystem;

namespace w2s::sweep {

const config::Schema<SweepOptions>& SweepOptions::schema() {
  using O = SweepOptions;
  static const auto s =
      config::Schema<O>()
          .field("runs_dir", &O::runs_dir, "run store folder (results.json and report.html land here)")
          .field("tasks", &O::tasks, "task specs (built-in names or files)")
          .field("models", &O::models, "HF checkpoint folders, weakest first")
          .field("model_names", &O::model_names, "display names (default: folder names)")
          .field("model_lrs", &O::model_lrs,
                 "finetuning learning rate per model (empty = each model's recorded choice, else finetune.lr)")
          .field("model_epochs", &O::model_epochs,
                 "finetuning epochs per model (empty = each model's recorded choice, else finetune.epochs)")
          .field("model_finetune", &O::model_finetune,
                 "family: each model's lr and epochs as recorded in its family.json by `w2s tune` (where there "
                 "is a record and [finetune] trains a head in full) | config: [finetune]'s for every model",
                 {"family", "config"})
          .field("seeds", &O::seeds, "seeds (split, init and order)")
          .field("losses", &O::losses, "student losses (empty: only the ground-truth runs, see `w2s results --gt`)")
          .field("same_size", &O::same_size, "also train students with weak == strong")
          .field("bootstrap", &O::bootstrap, "also bootstrap through intermediate sizes")
          .field("bootstrap_steps", &O::bootstrap_steps, "intermediate sizes per bootstrap chain (0 = every one)")
          .field("bootstrap_data", &O::bootstrap_data,
                 "data of each bootstrap link: crossfit (out-of-sample labels: each intermediate link is "
                 "bootstrap_folds models, each trained on all of train half 2 but one fold and labelling that "
                 "fold) | disjoint (one slice of half 2 per link, labelled by the link before, which never saw "
                 "it) | shared (all of half 2, relabelled in-sample: links copy their training labels)",
                 {"crossfit", "disjoint", "shared"})
          .field("bootstrap_folds", &O::bootstrap_folds,
                 "bootstrap_data = crossfit: folds per intermediate link (each link trains this many models)")
          .field("generative_finetune", &O::generative_finetune,
                 "finetune models on the task's training text first (LM loss, no labels)")
          .field("genft_models", &O::genft_models,
                 "which models generative finetuning prepares: strong (students and ceilings, as the paper; "
                 "the weak supervisors stay as they are) | all (the supervisors too)",
                 {"strong", "all"})
          .field("zero_shot", &O::zero_shot, "also evaluate every model's readout without training (zero-shot)")
          .field("few_shot", &O::few_shot,
                 "> 0: also every model's readout without training with this many ground-truth demonstrations "
                 "from train half 1 before each example (likelihood and verbalizer readouts)")
          .section("data", &O::data, methods::DataOptions::schema())
          .section("finetune", &O::finetune, train::FinetuneOptions::schema())
          .section("genft", &O::genft, methods::GenftOptions::schema())
          .section("slurm", &O::slurm, SlurmOptions::schema())
          .section("tune", &O::tune, TuneOptions::schema());
  return s;
}

const config::Schema<TuneOptions>& TuneOptions::schema() {
  using O = TuneOptions;
  static const auto s =
      config::Schema<O>()
          .field("lrs", &O::lrs, "`w2s tune`: peak learning rates tried")
          .field("epochs", &O::epochs, "`w2s tune`: epoch counts tried")
          .field("val_fraction", &O::val_fraction,
                 "`w2s tune`: share of train half 2 held out as ground-truth validation when data.val_fraction is 0")
          .field("write", &O::write,
                 "`w2s tune`: family index to record each model's choice in (e.g. models/family.json; empty = "
                 "print only)");
  return s;
}

bool uses_family_records(const SweepOptions& o) {
  const auto& r = o.finetune.readout.name;
  return o.model_finetune == "family" && o.finetune.mode == "full" && (r == "auto" || r == "head" || r == "scalar");
}

std::vector<methods::ModelRef> family_of(const SweepOptions& o) {
  check(!o.models.empty(), "no models: set `models` to checkpoint folders, weakest first");
  check(o.model_names.empty() || o.model_names.size() == o.models.size(), "model_names has {} entries for {} models",
        o.model_names.size(), o.models.size());
  check(o.model_lrs.empty() || o.model_lrs.size() == o.models.size(), "model_lrs has {} entries for {} models",
        o.model_lrs.size(), o.models.size());
  check(o.model_epochs.empty() || o.model_epochs.size() == o.models.size(), "model_epochs has {} entries for {} models",
        o.model_epochs.size(), o.models.size());
  const bool records = uses_family_records(o);
  std::vector<methods::ModelRef> out;
  for (size_t i = 0; i < o.models.size(); ++i) {
    methods::ModelRef m;
    m.path = o.models[i];
    // Default name: the folder's name ("models/w2s-xs" → "w2s-xs"; "runs/family/xs/model" → "xs").
    fs::path p = model_folder(models::backbone_dir(o.models[i]));
    if (p.filename() == "model" && p.has_parent_path()) p = p.parent_path();
    m.name = o.model_names.empty() ? p.filename().string() : o.model_names[i];
    if (o.model_names.empty() && models::is_scratch(o.models[i])) m.name = "scratch-" + m.name;
    // A scratch model has no record: its family's were chosen for the pretrained weights.
    const auto rec = records && !models::is_scratch(o.models[i]) && (o.model_lrs.empty() || o.model_epochs.empty())
                         ? recorded_finetune(models::backbone_dir(o.models[i]))
                         : std::nullopt;
    if (!o.model_lrs.empty()) {
      m.lr = o.model_lrs[i];
    } else if (rec) {
      m.lr = rec->lr;
    }
    if (!o.model_epochs.empty()) {
      m.epochs = o.model_epochs[i];
      check(m.epochs >= 0, "model_epochs[{}] = {}: must be ≥ 0", i, m.epochs);
    } else if (rec) {
      m.epochs = rec->epochs;
    }
    if (rec) m.finetune_from = rec->index;
    out.push_back(m);
  }
  return out;
}

SweepOptions with_family_finetuning(const SweepOptions& o) {
  if (!uses_family_records(o) || (!o.model_lrs.empty() && !o.model_epochs.empty())) return o;
  const auto fam = family_of(o);
  bool any = false;
  for (const auto& m : fam) any |= !m.finetune_from.empty();
  if (!any) return o;
  auto out = o;
  out.model_lrs.clear();
  out.model_epochs.clear();
  for (const auto& m : fam) {
    out.model_lrs.push_back(m.lr > 0 ? m.lr : o.finetune.lr);
    out.model_epochs.push_back(m.epochs > 0 ? m.epochs : o.finetune.epochs);
  }
  return out;
}

losses::LossOptions loss_named(const SweepOptions& o, const std::string& name) {
  losses::LossOptions lo = o.finetune.loss;
  lo.name = name;
  return lo;
}

losses::LossOptions loss_for_student(const SweepOptions& o, const std::string& name, int student) {
  auto lo = loss_named(o, name);
  if (name == "logconf" || name == "entropy")
    lo.alpha_max = losses::resolved_alpha_max(lo, student == static_cast<int>(o.models.size()) - 1);
  return lo;
}

}  // namespace w2s::sweep
