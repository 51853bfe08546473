// w2s data list | show | prepare — the task registry and the built-in tasks (logic in w2s/data).
#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "w2s/data/builtin_tasks.h"
#include "w2s/data/registry.h"
#include "w2s/data/split.h"
#include "w2s/data/task_report.h"

namespace w2s::app {
namespace {

struct DataArgs {
  std::string data_root;              // --data: data root (default $W2S_DATA or <repo>/data)
  std::string task;                   // show: task spec
  std::string part = "test";          // show --split
  size_t n = 5;                       // show -n: examples printed
  uint64_t seed = 0;                  // show --seed: split seed; prepare --seed: builder seed
  bool force = false;                 // prepare --force
  std::vector<std::string> tasks;     // prepare --task (repeatable); empty = all built-ins
};

void add_data_root(CLI::App* cmd, DataArgs& a) {
  cmd->add_option("--data", a.data_root, "Data root (default: $W2S_DATA, else <repo>/data)");
}

}  // namespace

void register_data(CLI::App& app) {
  auto args = std::make_shared<DataArgs>();
  CLI::App* data = app.add_subcommand("data", "Tasks: list, show and prepare the built-in tasks");
  data->require_subcommand(1);

  CLI::App* list = data->add_subcommand("list", "List tasks: sizes, label balance, prepared or not");
  add_data_root(list, *args);
  list->callback([args] {
    const auto root = data::resolve_data_root(args->data_root);
    fmt::print("data root: {}\n{}", root.string(), data::format_task_table(data::list_tasks(root)));
  });

  CLI::App* show = data->add_subcommand("show", "Show a task's split statistics and examples");
  show->add_option("task", args->task, "Task: built-in name, jsonl:PATH, sciq:PATH, ...")->required();
  show->add_option("--split", args->part, "Part to print: train1|train2|val|test (default test)")
      ->check(CLI::IsMember({"train1", "train2", "val", "test"}));
  show->add_option("-n", args->n, "Examples to print (default 5)");
  show->add_option("--seed", args->seed, "Split seed (default 0)");
  add_data_root(show, *args);
  show->callback([args] {
    data::LoadTaskOptions lo;
    lo.data_root = data::resolve_data_root(args->data_root);
    lo.seed = args->seed;
    const data::Task task = data::load_task(args->task, lo);
    data::SplitOptions so;
    so.seed = args->seed;
    const data::Split split = data::make_split(task, so);
    fmt::print("task {}: {}\n{}\n{}\n", task.name, task.description, split.report.summary(),
               data::format_part_stats(data::split_stats(split)));
    fmt::print("{}", data::format_examples(data::split_part(split, args->part), args->n));
  });

  CLI::App* prepare = data->add_subcommand(
      "prepare", "Build the built-in tasks from data/raw (after scripts/fetch_data.sh)");
  prepare->add_flag("--force", args->force, "Rebuild tasks that are already prepared");
  prepare->add_option("--seed", args->seed, "Builder seed (default 0; test sets depend on it)");
  prepare->add_option("--task", args->tasks, "Only these built-in tasks (repeatable)");
  add_data_root(prepare, *args);
  prepare->callback([args] {
    data::PrepareOptions po;
    po.data_root = data::resolve_data_root(args->data_root);
    po.seed = args->seed;
    po.force = args->force;
    po.tasks = args->tasks;
    for (const auto& r : data::prepare_builtin_tasks(po)) {
      fmt::print("{:<12} {:<8} train {:>6} ({:.1f}% label 1)  test {:>5} ({:.1f}% label 1)  {:.1f} s\n",
                 r.task, r.skipped ? "kept" : "prepared", r.manifest.train.n,
                 100 * r.manifest.train.frac_label1(), r.manifest.test.n,
                 100 * r.manifest.test.frac_label1(), r.seconds);
    }
  });
}

}  // namespace w2s::app
