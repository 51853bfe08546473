// Parallel, resumable engine jobs (see engine_jobs.h).
#include "w2s/chess/engine_jobs.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "w2s/core/error.h"
#include "w2s/core/log.h"
#include "w2s/core/progress.h"
#include "w2s/io/sharded_rows.h"

namespace w2s::chess {

GenerationRun run_items(const std::filesystem::path& out, int64_t n, const nlohmann::json& spec,
                        const GenerationOptions& options, int multipv, const std::string& label,
                        const std::function<nlohmann::json(UciEngine&, int64_t item)>& make) {
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  check(n >= 0, "{}: a negative number of items ({})", out.string(), n);
  check(options.time_limit_s >= 0, "time limit must be ≥ 0 seconds, not {}", options.time_limit_s);
  const int threads =
      options.threads > 0 ? options.threads : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  io::ShardedRows rows(out, threads, spec);
  GenerationRun run;
  std::vector<int64_t> todo;
  for (int64_t i = 0; i < n; ++i)
    if (!rows.done().count(i)) todo.push_back(i);
  run.done_before = n - static_cast<int64_t>(todo.size());
  for (const auto& [item, row] : rows.done())
    check(item >= 0 && item < n, "{}: holds item {}, but this run makes items 0 … {}: a different run's output?",
          out.string(), item, n - 1);

  std::atomic<size_t> next{0};
  std::atomic<int64_t> made{0};
  std::atomic<bool> stop{false};
  std::exception_ptr error;
  std::mutex error_mutex;
  const auto out_of_time = [&] {
    return options.time_limit_s > 0 && std::chrono::duration<double>(Clock::now() - t0).count() >= options.time_limit_s;
  };
  Progress bar(label, n, "");
  bar.update(run.done_before);
  std::atomic<int> finished{0};
  auto worker = [&](int w) {
    struct Done {
      std::atomic<int>& n;
      ~Done() { ++n; }
    } done{finished};
    try {
      EngineOptions eo = options.engine;
      eo.threads = 1;
      eo.multipv = multipv;
      UciEngine engine(eo);
      for (;;) {
        if (stop || out_of_time()) return;
        const size_t k = next++;
        if (k >= todo.size()) return;
        rows.append(w, make(engine, todo[k]));
        ++made;
      }
    } catch (...) {
      std::lock_guard g(error_mutex);
      if (!error) error = std::current_exception();
      stop = true;
    }
  };
  std::vector<std::thread> pool;
  for (int w = 0; w < threads; ++w) pool.emplace_back(worker, w);
  while (finished.load() < threads) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    bar.update(run.done_before + made.load());
  }
  for (auto& t : pool) t.join();
  bar.update(run.done_before + made.load());
  bar.finish();
  if (error) std::rethrow_exception(error);
  run.made = made.load();
  run.total = static_cast<int64_t>(rows.done().size());
  run.complete = run.total == n;
  if (run.complete) rows.merge();
  run.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  if (!run.complete)
    log::info("{}: {} of {} done; the time limit stopped the run — rerun the same command to go on", out.string(),
              run.total, n);
  return run;
}

}  // namespace w2s::chess
