// Subcommand registration: each apps/w2s/cmd_<verb>.cpp defines one register_<verb> that adds a
// CLI11 subcommand whose callback parses options and calls the library (keep them thin).
#pragma once

#include <CLI/CLI.hpp>

namespace w2s::app {

void register_inspect(CLI::App& app);
void register_tokenize(CLI::App& app);
void register_score(CLI::App& app);
void register_generate(CLI::App& app);
void register_data(CLI::App& app);        // w2s data list | show
void register_corpus(CLI::App& app);      // w2s corpus build
void register_tokenizer(CLI::App& app);   // w2s tokenizer train
void register_pretrain(CLI::App& app);    // w2s pretrain CONFIG
void register_run(CLI::App& app);         // w2s run [CONFIG] --weak DIR --strong DIR
void register_sweep(CLI::App& app);       // w2s sweep CONFIG [--shard I/N]
void register_tune(CLI::App& app);        // w2s tune CONFIG
void register_results(CLI::App& app);     // w2s results RUNS_DIR
void register_report(CLI::App& app);      // w2s report RUNS_DIR|RESULTS
void register_merge(CLI::App& app);       // w2s merge SRC... --into DEST
void register_quickstart(CLI::App& app);  // w2s quickstart [--full]
void register_chess(CLI::App& app);       // w2s chess games | puzzles | corpus

}  // namespace w2s::app
