// A sweep's config: the model family (weakest first), tasks, seeds, student losses and methods,
// the [data], [finetune] and [genft] tables every stage runs with, and [slurm] for `--slurm`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "w2s/config/schema.h"
#include "w2s/methods/options.h"
#include "w2s/sweep/slurm.h"
#include "w2s/sweep/tune_options.h"
#include "w2s/train/finetune.h"

namespace w2s::sweep {

struct SweepOptions {
  std::string runs_dir = "runs/sweep";                    // run store and results.json / report.html
  std::vector<std::string> tasks = {"reviews"};           // task specs (built-in names or files)
  std::vector<std::string> models;                        // model specs (HF checkpoint folders), weakest first
  std::vector<std::string> model_names;                   // display names (default: folder names)
  std::vector<double> model_lrs;                          // finetuning lr per model (empty = the
                                                          // model's record, else finetune.lr)
  std::vector<int64_t> model_epochs;                      // finetuning epochs per model (empty = the
                                                          // model's record, else finetune.epochs)
  std::string model_finetune = "family";                  // family = each model's lr and epochs as
                                                          // recorded in its family.json (`w2s tune`)
                                                          // where there is a record and the readout
                                                          // is a head; config = [finetune] for all
  std::vector<int64_t> seeds = {0, 1, 2};                 // each seed: its own split, init and order
  std::vector<std::string> losses = {"xent", "logconf"};  // student losses (losses/)
  bool same_size = false;                                 // also pairs with weak == strong
  bool bootstrap = false;                                 // also w → intermediate sizes → s chains
  int64_t bootstrap_steps = 0;                            // intermediate sizes per chain (0 = every one;
                                                          // k = k sizes spread evenly between w and s)
  std::string bootstrap_data = "crossfit";                // which data each link trains on and labels:
                                                          // crossfit = out-of-sample labels by k-fold
                                                          // cross-fitting (each example labelled by a
                                                          // model of the link that did not train on it;
                                                          // the final student trains on all of half 2);
                                                          // disjoint = one slice of half 2 per link;
                                                          // shared = all of half 2 (each link labels the
                                                          // examples it trained on: in-sample, copies)
  int64_t bootstrap_folds = 2;                            // crossfit: folds per intermediate link (each
                                                          // link trains this many models)
  bool generative_finetune = false;                       // finetune models on the task's text first
  std::string genft_models = "strong";                    // which: strong = students and ceilings (as
                                                          // the paper; supervisors stay as they are);
                                                          // all = the weak supervisors too
  bool zero_shot = false;                                 // also each model's readout without training
                                                          // (a zero-shot baseline beside each PGR)
  int64_t few_shot = 0;                                   // > 0: also each model's readout with this
                                                          // many ground-truth demonstrations before
                                                          // each example (likelihood, verbalizer)
  methods::DataOptions data;                              // [data]
  train::FinetuneOptions finetune;                        // [finetune] (and [finetune.loss] defaults)
  methods::GenftOptions genft;                            // [genft]
  SlurmOptions slurm;                                     // [slurm]: resources of `w2s sweep --slurm` jobs
  TuneOptions tune;                                       // [tune]: the grid of `w2s tune`
  static const config::Schema<SweepOptions>& schema();
};

/// The family as ModelRefs: names (default: the folder's name, "scratch-" + it for a scratch
/// spec), learning rates and epochs (model_lrs / model_epochs, else with model_finetune = "family"
/// the model's family.json record when the [finetune] table trains a head in full, else
/// [finetune]'s). Mismatched list lengths → w2s::Error.
std::vector<methods::ModelRef> family_of(const SweepOptions& options);

/// True when the family's finetuning records apply: model_finetune = "family" and [finetune]
/// trains a head (classification or scalar reward) in full, the setting `w2s tune` chooses for.
bool uses_family_records(const SweepOptions& options);

/// The config with the family records it uses written out: model_lrs and model_epochs set to each
/// model's resolved lr and epochs when a record applies to some model (else `options` unchanged),
/// so what a sweep records in its folder does not change when family.json does.
SweepOptions with_family_finetuning(const SweepOptions& options);

/// The loss options of student loss `name`: the [finetune.loss] table with that name.
losses::LossOptions loss_named(const SweepOptions& options, const std::string& name);
/// The same for a student that is model `student` of the family: α_max resolved by the rule
/// (losses::resolved_alpha_max; the largest model is the last) for logconf and entropy.
losses::LossOptions loss_for_student(const SweepOptions& options, const std::string& name, int student);

}  // namespace w2s::sweep
