// w2s — one program, one subcommand per verb (apps/w2s/cmd_<verb>.cpp); logic lives in libw2s.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "commands.h"
#include "w2s/config/cli.h"
#include "w2s/core/error.h"
#include "w2s/core/log.h"
#include "w2s/core/progress.h"
#include "w2s/core/threads.h"
#include "w2s/core/version.h"
#include "w2s/dist/launch.h"
#include "w2s/dist/process_group.h"

namespace {

// The subcommands that train in several processes (data-parallel); the others run in one.
const std::set<std::string> kDataParallel = {"pretrain", "run", "sweep", "tune"};

/// The subcommand named in argv ("" when none is).
std::string subcommand_of(const CLI::App& app, int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; }))
      if (sub->get_name() == argv[i]) return argv[i];
  return "";
}

/// `--nproc N` (or --nproc=N) in argv: N, and argv without it; 0 when absent.
int take_nproc(std::vector<std::string>& args) {
  for (size_t i = 1; i < args.size(); ++i) {
    std::string value;
    size_t n = 1;
    if (args[i] == "--nproc" && i + 1 < args.size()) {
      value = args[i + 1], n = 2;
    } else if (args[i].rfind("--nproc=", 0) == 0) {
      value = args[i].substr(8);
    } else {
      continue;
    }
    args.erase(args.begin() + static_cast<std::ptrdiff_t>(i), args.begin() + static_cast<std::ptrdiff_t>(i + n));
    try {
      size_t used = 0;
      const int v = std::stoi(value, &used);
      w2s::check(used == value.size() && v >= 1, "");
      return v;
    } catch (const std::exception&) {
      w2s::fail("--nproc must be a whole number of processes (1 or more), not \"{}\"", value);
    }
  }
  return 0;
}

/// Data-parallel set-up before the command runs: `--nproc N` starts N workers of this command and
/// returns their status; under WORLD_SIZE > 1 this process joins the group (rank > 0 prints
/// nothing to stdout and logs warnings only). Returns -1 when the command should run here.
int data_parallel(const CLI::App& app, int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  const int nproc = take_nproc(args);
  auto env = w2s::dist::env_from_environment();
  const std::string sub = subcommand_of(app, argc, argv);
  if (nproc > 0) {
    w2s::check(env.world_size == 1, "--nproc starts its own workers; WORLD_SIZE={} says this is one already",
               env.world_size);
    w2s::check(kDataParallel.count(sub) > 0,
               "--nproc: `w2s {}` runs in one process (data-parallel: pretrain, run, "
               "sweep)",
               sub.empty() ? "(no command)" : sub);
    w2s::check(nproc == 1 || w2s::dist::available(),
               "--nproc {}: this w2s was built without c10d (Debian: install libgloo-dev and rebuild)", nproc);
    // Each worker gets its share of the cores unless --threads says otherwise.
    bool threads = false;
    for (const auto& a : args) threads |= a == "--threads" || a.rfind("--threads=", 0) == 0;
    if (!threads) {
      const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
      args.insert(args.begin() + 1, {"--threads", std::to_string(std::max(1, cores / nproc))});
    }
    args[0] = "/proc/self/exe";
    return w2s::dist::launch_local(args, {.nproc = nproc});
  }
  if (env.world_size > 1) {
    w2s::check(kDataParallel.count(sub) > 0,
               "WORLD_SIZE={}: `w2s {}` runs in one process (data-parallel: pretrain, run, sweep)", env.world_size,
               sub.empty() ? "(no command)" : sub);
    w2s::dist::init(env);
    if (!w2s::dist::is_writer()) {
      if (std::freopen("/dev/null", "w", stdout) == nullptr) w2s::log::warn("rank {}: stdout stays open", env.rank);
      if (w2s::log::level() < w2s::log::Level::warn) w2s::log::set_level(w2s::log::Level::warn);
      w2s::Progress::set_enabled(false);
    }
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("w2s — weak-to-strong generalization experiments (Burns et al., 2023)", "w2s");
  app.require_subcommand(1);
  app.fallthrough();  // global options may also follow the subcommand
  app.set_version_flag("--version", std::string("w2s ") + w2s::version() + " (commit " + w2s::git_commit() + ")");
  // Global options take effect as soon as they are parsed, before any subcommand runs.
  w2s::set_threads(0);
  app.add_option_function<int>(
      "--threads", [](int n) { w2s::set_threads(n); }, "intra-op CPU threads (default: all cores)");
  app.add_option("--nproc",
                 "data-parallel: run the command (pretrain, run, sweep) in N local processes, "
                 "gradients averaged over c10d (Gloo)")
      ->type_name("N");
  app.add_option_function<std::string>(
      "--log-level", [](const std::string& l) { w2s::log::set_level(w2s::log::parse_level(l)); },
      "debug|info|warn|error|off (default: info)");

  w2s::app::register_inspect(app);
  w2s::app::register_tokenize(app);
  w2s::app::register_score(app);
  w2s::app::register_generate(app);
  w2s::app::register_data(app);
  w2s::app::register_corpus(app);
  w2s::app::register_chess(app);
  w2s::app::register_tokenizer(app);
  w2s::app::register_pretrain(app);
  w2s::app::register_run(app);
  w2s::app::register_sweep(app);
  w2s::app::register_tune(app);
  w2s::app::register_results(app);
  w2s::app::register_report(app);
  w2s::app::register_merge(app);
  w2s::app::register_quickstart(app);

  try {
    if (const int rc = data_parallel(app, argc, argv); rc >= 0) return rc;
    app.parse(argc, argv);
  } catch (const CLI::ExtrasError& e) {
    const int rc = app.exit(e);
    for (const auto& arg : app.remaining()) {
      const auto hint = w2s::config::suggest_flag(app, arg);
      if (!hint.empty()) std::fprintf(stderr, "%s: %s\n", arg.c_str(), hint.c_str());
    }
    return rc;
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const w2s::Error& e) {
    if (w2s::dist::active())  // which of the data-parallel processes failed
      std::fprintf(stderr, "error (rank %d of %d): %s\n", w2s::dist::rank(), w2s::dist::world_size(), e.what());
    else
      std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  } catch (const c10::Error& e) {
    std::fprintf(stderr, "error (torch): %s\n", e.what_without_backtrace());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
