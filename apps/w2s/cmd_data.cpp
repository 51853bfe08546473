// w2s data list | show | prepare — the task registry and the built-in tasks (logic in w2s/data).
#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "w2s/config/cli.h"
#include "w2s/data/builtin/prepare.h"
#include "w2s/data/builtin_tasks.h"
#include "w2s/data/registry.h"
#include "w2s/data/split.h"
#include "w2s/data/task_report.h"

namespace w2s::app {
namespace {

constexpr const char* kDataHelp = "data root (empty: $W2S_DATA, else <repo>/data)";

struct DataListOptions {
  std::string data;  // data root; empty = $W2S_DATA, else <repo>/data
  static const config::Schema<DataListOptions>& schema() {
    static const auto s = config::Schema<DataListOptions>().field("data", &DataListOptions::data, kDataHelp);
    return s;
  }
};

struct DataShowOptions {
  std::string task;            // built-in name, jsonl:PATH, sciq:PATH, ...
  std::string split = "test";  // part to print
  int64_t n = 5;               // examples to print
  int64_t seed = 0;            // split seed
  std::string data;            // data root
  int64_t n_train1 = -1;       // cap on train half 1; -1 = all
  int64_t n_train2 = -1;       // cap on train half 2; -1 = all
  int64_t n_test = -1;         // cap on test; -1 = all
  double val_fraction = 0.0;   // share of half 2 carved as validation
  double test_fraction = 0.2;  // test share when the task has no fixed test set
  bool balance = false;        // downsample the majority class per part
  static const config::Schema<DataShowOptions>& schema() {
    using O = DataShowOptions;
    static const auto s =
        config::Schema<O>()
            .field("task", &O::task, "task: built-in name, jsonl:PATH, sciq:PATH, ...")
            .field("split", &O::split, "part to print", {"train1", "train2", "val", "test"})
            .field("n", &O::n, "examples to print")
            .field("seed", &O::seed, "split seed")
            .field("data", &O::data, kDataHelp)
            .field("n_train1", &O::n_train1, "cap on train half 1 (-1 = all)")
            .field("n_train2", &O::n_train2, "cap on train half 2 (-1 = all)")
            .field("n_test", &O::n_test, "cap on test (-1 = all)")
            .field("val_fraction", &O::val_fraction, "share of half 2 carved as validation")
            .field("test_fraction", &O::test_fraction, "test share when the task has no fixed test set")
            .field("balance", &O::balance, "downsample the majority class in each part");
    return s;
  }
};

struct DataPrepareOptions {
  std::string data;                // data root
  int64_t seed = 0;                // builder seed (test sets depend on it)
  bool force = false;              // rebuild tasks that are already prepared
  std::vector<std::string> tasks;  // only these built-in tasks; empty = all
  static const config::Schema<DataPrepareOptions>& schema() {
    using O = DataPrepareOptions;
    static const auto s = config::Schema<O>()
                              .field("data", &O::data, kDataHelp)
                              .field("seed", &O::seed, "builder seed (test sets depend on it)")
                              .field("force", &O::force, "rebuild tasks that are already prepared")
                              .field("tasks", &O::tasks, "only these built-in tasks (comma-separated; empty = all)");
    return s;
  }
};

/// Resolve options, print them on --dump-config, else run.
template <class T, class F>
void on_run(CLI::App* cmd, std::shared_ptr<config::CliBinding<T>> bind, F run) {
  cmd->callback([bind, run] {
    const T o = bind->resolve();
    if (bind->dump_requested()) return fmt::print("{}", config::dump_toml(o, bind->schema()));
    run(o);
  });
}

}  // namespace

void register_data(CLI::App& app) {
  CLI::App* data = app.add_subcommand("data", "Tasks: list, show and prepare the built-in tasks");
  data->require_subcommand(1);

  CLI::App* list = data->add_subcommand("list", "List tasks: sizes, label balance, prepared or not");
  on_run(list, config::bind_cli<DataListOptions>(*list), [](const DataListOptions& o) {
    const auto root = data::resolve_data_root(o.data);
    fmt::print("data root: {}\n{}", root.string(), data::format_task_table(data::list_tasks(root)));
  });

  CLI::App* show = data->add_subcommand("show", "Show a task's split statistics and examples");
  on_run(show, config::bind_cli<DataShowOptions>(*show, {"task"}), [](const DataShowOptions& o) {
    check(!o.task.empty(), "data show: give a task (see `w2s data list`)");
    data::LoadTaskOptions lo;
    lo.data_root = data::resolve_data_root(o.data);
    lo.seed = static_cast<uint64_t>(o.seed);
    const data::Task task = data::load_task(o.task, lo);
    data::SplitOptions so;
    so.seed = static_cast<uint64_t>(o.seed);
    so.n_train1 = o.n_train1;
    so.n_train2 = o.n_train2;
    so.n_test = o.n_test;
    so.val_fraction = o.val_fraction;
    so.test_fraction = o.test_fraction;
    so.balance = o.balance;
    const data::Split split = data::make_split(task, so);
    fmt::print("task {}: {}\n{}\n{}\n", task.name, task.description, split.report.summary(),
               data::format_part_stats(data::split_stats(split)));
    fmt::print("{}",
               data::format_examples(data::split_part(split, o.split), static_cast<size_t>(std::max<int64_t>(0, o.n))));
  });

  CLI::App* prepare =
      data->add_subcommand("prepare", "Build the built-in tasks from data/raw (after scripts/fetch_data.sh)");
  on_run(prepare, config::bind_cli<DataPrepareOptions>(*prepare), [](const DataPrepareOptions& o) {
    data::PrepareOptions po;
    po.data_root = data::resolve_data_root(o.data);
    po.seed = static_cast<uint64_t>(o.seed);
    po.force = o.force;
    po.tasks = o.tasks;
    for (const auto& r : data::prepare_builtin_tasks(po)) {
      if (data::has_completions(r.manifest.kind)) {  // comparisons: preferred first, order drawn per seed
        const char* what = r.manifest.kind == data::TaskKind::comparison ? "pairs" : "questions";
        fmt::print("{:<16} {:<8} train {:>6} {}  test {:>5} {}  {:.1f} s\n", r.task, r.skipped ? "kept" : "prepared",
                   r.manifest.train.n, what, r.manifest.test.n, what, r.seconds);
        continue;
      }
      fmt::print("{:<16} {:<8} train {:>6} ({:.1f}% label 1)  test {:>5} ({:.1f}% label 1)  {:.1f} s\n", r.task,
                 r.skipped ? "kept" : "prepared", r.manifest.train.n, 100 * r.manifest.train.frac_label1(),
                 r.manifest.test.n, 100 * r.manifest.test.frac_label1(), r.seconds);
    }
  });
}

}  // namespace w2s::app
