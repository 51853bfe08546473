// Result collection: the finished stages a sweep's plan names, read from the run store into
// report::Results, with one PGR row per (task, weak, strong, loss, method) over the seeds planned.
// Nothing trains; stages not finished yet are simply absent.
#pragma once

#include <string>
#include <vector>

#include "w2s/report/results.h"
#include "w2s/store/run_store.h"
#include "w2s/sweep/options.h"

namespace w2s::sweep {

/// The record of finished stage `key` (meta.json, metrics.json and dynamics.jsonl; with
/// `margins`, test accuracy by margin quintile from test_predictions.jsonl).
report::StageRecord read_stage_record(store::RunStore& store, const std::string& key, bool margins = false);

/// Test accuracy in `n_bins` equal-count bins of |p1 − 0.5|, from a predictions file.
std::vector<report::MarginBin> margin_bins(const std::filesystem::path& predictions, int n_bins);

/// Results of the plan's finished stages (no training), with PGR rows.
report::Results collect_results(const SweepOptions& options);
/// The same over several configs of one experiment in one runs_dir (sweep/folder.h): each stage
/// once, and each PGR row (task, weak, strong, loss, method) over every seed any of them planned.
report::Results collect_results(const std::vector<SweepOptions>& configs);

}  // namespace w2s::sweep
