// A sweep folder's history: every sweep run into a runs_dir leaves its resolved config there, and
// `w2s results` / results.json cover all of them. A follow-up sweep that adds a loss, seeds, a task
// or bootstrapping (say `--losses xent --set bootstrap=true` after a two-loss sweep) then widens the
// folder's tables instead of replacing them with its own plan.
//
//   <runs_dir>/sweep.toml            the latest sweep's resolved config
//   <runs_dir>/sweeps/<hash>.toml    each distinct config ever run there (hash of its content
//                                    without runs_dir; shards of one sweep write the same file,
//                                    so folders still merge by copying)
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "w2s/report/results.h"
#include "w2s/sweep/options.h"

namespace w2s::sweep {

/// Write `options` as the folder's latest config and add it to the history (keeping an older
/// sweep.toml that predates the history).
void record_sweep_config(const SweepOptions& options);

/// Whether two configs describe one experiment whose results may share a table: everything but
/// the plan's extent (tasks, seeds, losses, same_size, bootstrapping, which models) is equal, and
/// each model both name has the same display name and learning rate.
bool same_experiment(const SweepOptions& a, const SweepOptions& b);

/// The configs whose results a folder's tables show: the latest (sweep.toml) first, then every
/// recorded config of the same experiment, most recently run first. Recorded configs of another experiment
/// (other [data] or [finetune] settings, say) are left out with an info line saying so; their
/// stages stay in the store. Error when the folder has no sweep.toml.
/// collect_results(folder_configs(dir)) is the folder's tables.
std::vector<SweepOptions> folder_configs(const std::filesystem::path& runs_dir);

}  // namespace w2s::sweep
