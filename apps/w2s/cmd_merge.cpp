// `w2s merge SRC... --into DEST`: the stages of run folders that shards of a sweep built elsewhere
// (other machines, other jobs) copied into one folder, each checked before it gets its name
// (store/merge.h).
#include <fmt/format.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "w2s/core/error.h"
#include "w2s/core/log.h"
#include "w2s/store/merge.h"

namespace fs = std::filesystem;

namespace w2s::app {

void register_merge(CLI::App& app) {
  auto* cmd =
      app.add_subcommand("merge", "copy the finished stages of run folders into one (each checked, never half-copied)");
  struct Options {
    std::vector<std::string> sources;  // run folders to copy from
    std::string into;                  // the run folder to merge into (created when missing)
  };
  auto o = std::make_shared<Options>();
  cmd->add_option("sources", o->sources, "run folders to copy stages from (a shard's runs_dir)")->required();
  cmd->add_option("--into", o->into, "run folder to merge into (created when missing)")->required();
  cmd->callback([o] {
    std::vector<fs::path> sources(o->sources.begin(), o->sources.end());
    const auto r = store::merge_stores(sources, o->into);
    for (const auto& s : r.skipped) log::warn("merge: skipped {}", s);
    fmt::print("{}: {} stages copied, {} replaced (were incomplete), {} already there, {} skipped; {} sweep configs\n",
               o->into, r.copied, r.replaced, r.present, r.skipped.size(), r.configs);
    if (fs::exists(fs::path(o->into) / "sweep.toml")) fmt::print("tables: w2s results {}\n", o->into);
  });
}

}  // namespace w2s::app
