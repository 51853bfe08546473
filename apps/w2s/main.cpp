// w2s — one program, one subcommand per verb (apps/w2s/cmd_<verb>.cpp); logic lives in libw2s.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <string>

#include "commands.h"
#include "w2s/config/cli.h"
#include "w2s/core/error.h"
#include "w2s/core/log.h"
#include "w2s/core/threads.h"
#include "w2s/core/version.h"

int main(int argc, char** argv) {
  CLI::App app("w2s — weak-to-strong generalization experiments (Burns et al., 2023)", "w2s");
  app.require_subcommand(1);
  app.fallthrough();  // global options may also follow the subcommand
  app.set_version_flag("--version", std::string("w2s ") + w2s::version() + " (commit " + w2s::git_commit() + ")");
  // Global options take effect as soon as they are parsed, before any subcommand runs.
  w2s::set_threads(0);
  app.add_option_function<int>(
      "--threads", [](int n) { w2s::set_threads(n); }, "intra-op CPU threads (default: all cores)");
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
  w2s::app::register_results(app);
  w2s::app::register_report(app);
  w2s::app::register_merge(app);
  w2s::app::register_quickstart(app);

  try {
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
