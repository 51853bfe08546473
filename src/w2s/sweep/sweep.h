// Running a sweep: its (sharded) plan through the pipeline with progress on the terminal (a bar,
// nothing, or JSON lines), then the folder's tables. The pieces: options.h (the config), plan.h
// (stages, units, shards), executor.h (stages run or named), collect.h (results from the store),
// folder.h (the configs run into one folder).
#pragma once

#include "w2s/report/results.h"
#include "w2s/sweep/collect.h"
#include "w2s/sweep/options.h"
#include "w2s/sweep/plan.h"

namespace w2s::sweep {

/// How a sweep shows progress.
enum class Output { bar, quiet, jsonl };

struct SweepRunOptions {
  int shard_i = 1, shard_n = 1;  // run only this shard
  Output output = Output::bar;
};

/// Say which models train with their family record's lr and epochs (and warn where that
/// overrides a [finetune] lr or epochs the config changed from the defaults).
void log_family_finetuning(const SweepOptions& options);

/// Run the (sharded) plan, then collect every finished stage of the whole plan, and of the earlier
/// sweeps of the same experiment in runs_dir (sweep/folder.h), into Results (written to
/// <runs_dir>/results.json). Stages that exist are reused.
report::Results run_sweep(const SweepOptions& options, const SweepRunOptions& run = {});

}  // namespace w2s::sweep
