// Long engine jobs (self-play, puzzle labelling) run in parallel, bounded in time and resumable:
// items 0 … n − 1, each a pure function of its index, computed on one engine process per thread and
// written through io::ShardedRows, so a killed or time-limited run goes on where it stopped when
// rerun, and the output does not depend on the number of threads.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "w2s/chess/uci_engine.h"

namespace w2s::chess {

/// How a long generation run went.
struct GenerationRun {
  int64_t done_before = 0;  // rows an earlier run had finished
  int64_t made = 0;         // rows made now
  int64_t total = 0;        // rows in the output (complete) or done so far (stopped by the deadline)
  bool complete = false;    // every item done and the output merged
  double seconds = 0.0;
};

struct GenerationOptions {
  int threads = 0;            // engine processes (0 = all cores)
  double time_limit_s = 0.0;  // stop starting new items after this long (0 = no limit); rerun to go on
  EngineOptions engine;       // threads and multipv are set per job
};

/// Items 0 … n − 1 computed by `make(engine, item)` on `options.threads` engines and written to
/// `out` through io::ShardedRows (resumable; see there; `spec` says what the rows are made from,
/// and a rerun with another spec is refused). `label` names the progress bar.
GenerationRun run_items(const std::filesystem::path& out, int64_t n, const nlohmann::json& spec,
                        const GenerationOptions& options, int multipv, const std::string& label,
                        const std::function<nlohmann::json(UciEngine&, int64_t item)>& make);

}  // namespace w2s::chess
