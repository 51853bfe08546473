// w2s chess games | puzzles | leaks | confirm | crosscheck | corpus | eval — the chess setting's data, made with the
// engine (logic in w2s/chess/).
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "w2s/chess/game_corpus.h"
#include "w2s/chess/keyed_positions.h"
#include "w2s/chess/puzzles.h"
#include "w2s/chess/self_play.h"
#include "w2s/config/cli.h"
#include "w2s/core/error.h"
#include "w2s/core/progress.h"
#include "w2s/eval/chess_eval.h"
#include "w2s/models/checkpoint.h"

namespace w2s::app {
namespace {

struct GamesOptions {
  std::string out = "data/chess/games.jsonl";    // output JSONL (rerun to resume)
  int64_t games = 1000;                          // games in the output
  int64_t seed = 0;                              // game i is a function of (seed, i)
  int64_t random_plies_min = 4;                  // random legal moves at the start, at least (shipped set: 2)
  int64_t random_plies_max = 8;                  // … and at most
  std::vector<int64_t> nodes = {64, 256, 1024};  // per-side node budgets, one drawn per side per game
  int64_t max_plies = 240;                       // longer games end unfinished ("*")
  int64_t threads = 0;                           // engine processes (0 = all cores)
  double time_limit = 0;                         // seconds; stop starting games after this (0 = none)
  static const config::Schema<GamesOptions>& schema() {
    using O = GamesOptions;
    static const auto s =
        config::Schema<O>()
            .field("out", &O::out, "output JSONL, one game per row (rerun the same command to resume)")
            .field("games", &O::games, "games in the output")
            .field("seed", &O::seed, "game i is a function of (seed, i): use different seeds for different uses")
            .field("random_plies_min", &O::random_plies_min,
                   "uniformly random legal moves at the start: at least (2 made 4.6 % repeated games; the "
                   "shipped data used 2)")
            .field("random_plies_max", &O::random_plies_max, "… and at most (drawn per game)")
            .field("nodes", &O::nodes, "engine node budgets per move; each side draws one per game (mixed strength)")
            .field("max_plies", &O::max_plies, "a game still going after this many plies ends unfinished (*)")
            .field("threads", &O::threads, "engine processes, one search thread each (0 = all cores)")
            .field("time_limit", &O::time_limit, "seconds; stop starting new games after this (0 = no limit)");
    return s;
  }
};

struct PuzzlesOptions {
  std::string games = "data/chess/games_puzzles.jsonl";  // games to take positions from
  std::string exclude;                                   // pretraining games: leak check
  std::string out = "data/chess/puzzles.jsonl";          // puzzles, one per row
  int64_t seed = 0;                                      // which plies are tried
  std::string limits = "nodes 200000";                   // the labelling search
  int64_t min_margin_cp = 200;                           // best − second ≥ this
  int64_t min_best_cp = 0;                               // the solution keeps the side at least this well off
  int64_t max_second_cp = 300;                           // the second move is not this good too
  int64_t first_ply = 12;                                // no random candidate before this ply
  int64_t per_game = 3;                                  // random candidate plies per game
  bool mates = true;                                     // also the winner's last moves of mated games
  int64_t threads = 0;                                   // engine processes (0 = all cores)
  double time_limit = 0;                                 // seconds (0 = none)
  static const config::Schema<PuzzlesOptions>& schema() {
    using O = PuzzlesOptions;
    static const auto s =
        config::Schema<O>()
            .field("games", &O::games, "games (from w2s chess games) whose positions become puzzles")
            .field("exclude", &O::exclude,
                   "the pretraining games: a puzzle whose position one of them reaches (any move order) is removed "
                   "(empty = no check)")
            .field("out", &O::out, "puzzles JSONL, one per row (labels go to <out>.labels.jsonl first; resumable)")
            .field("seed", &O::seed, "seed of the candidate plies")
            .field("limits", &O::limits, "the labelling search's UCI limits (\"nodes 200000\", \"depth 18\")")
            .field("min_margin_cp", &O::min_margin_cp, "the best move beats the second by this much (centipawns)")
            .field("min_best_cp", &O::min_best_cp, "the solution leaves the side to move at least this well off")
            .field("max_second_cp", &O::max_second_cp,
                   "… and the second-best move is not this good too (centipawns; a mate needs only that the second "
                   "move does not mate)")
            .field("first_ply", &O::first_ply, "no random candidate position before this ply")
            .field("per_game", &O::per_game, "random candidate positions per game")
            .field("mates", &O::mates, "also try the winner's last three moves of a game won by mate")
            .field("threads", &O::threads, "engine processes (0 = all cores)")
            .field("time_limit", &O::time_limit, "seconds; stop starting new games after this (0 = no limit)");
    return s;
  }
};

struct LeaksOptions {
  std::string puzzles = "data/chess/puzzles.jsonl";  // puzzles to check
  std::string exclude = "data/chess/games.jsonl";    // pretraining games
  std::string out;                                   // write the puzzles that pass here ("" = report only)
  static const config::Schema<LeaksOptions>& schema() {
    using O = LeaksOptions;
    static const auto s =
        config::Schema<O>()
            .field("puzzles", &O::puzzles, "puzzles JSONL (w2s chess puzzles)")
            .field("exclude", &O::exclude, "the pretraining games (w2s chess games)")
            .field("out", &O::out,
                   "write the puzzles that pass (no leaked or repeated position) here; may be --puzzles itself "
                   "(written atomically). Empty = report only");
    return s;
  }
};

/// The two filters every puzzle set passes, in order: positions a pretraining game reaches (when
/// `exclude` names the games), then repeated positions; each prints what it removed.
void remove_leaked_and_repeated(std::vector<chess::Puzzle>& all, const std::string& exclude) {
  if (!exclude.empty()) {
    const auto r = chess::remove_leaked(all, chess::read_games(exclude));
    fmt::print(
        "leak check: {} puzzles against {} pretraining games ({} positions): {} removed ({} by the same moves, "
        "{} by another move order)\n",
        r.checked, r.games, r.positions, r.removed, r.same_moves, r.transposed);
  }
  fmt::print("repeated positions (two games reach one position): {} removed\n", chess::remove_duplicate_positions(all));
}

struct ConfirmOptions {
  std::string puzzles = "data/chess/puzzles.jsonl";  // puzzles to confirm
  std::string limits = "nodes 400000";               // the deeper search
  std::string out;                                   // write the confirmed puzzles here ("" = report only)
  int64_t threads = 0;                               // engine processes (0 = all cores)
  static const config::Schema<ConfirmOptions>& schema() {
    using O = ConfirmOptions;
    static const auto s =
        config::Schema<O>()
            .field("puzzles", &O::puzzles, "puzzles JSONL (w2s chess puzzles)")
            .field("limits", &O::limits,
                   "UCI limits of the deeper search (the labelling used 100k nodes; the shipped set is confirmed at "
                   "400k)")
            .field("out", &O::out,
                   "write the puzzles whose solution the deeper search keeps (may be --puzzles itself, written "
                   "atomically); searches go to <puzzles>.confirm.jsonl first (resumable). Empty = report only")
            .field("threads", &O::threads, "engine processes (0 = all cores)");
    return s;
  }
};

struct CrosscheckOptions {
  std::vector<std::string> pgn = {"data/raw/pychess/mate_in_2.pgn", "data/raw/pychess/mate_in_3.pgn",
                                  "data/raw/pychess/mate_in_4.pgn"};  // keyed collections (SAN)
  std::string limits = "nodes 20000";                                 // the engine's search
  int64_t max_positions = 0;                                          // per file, the first N (0 = all)
  bool show = false;                                                  // list every disagreement
  static const config::Schema<CrosscheckOptions>& schema() {
    using O = CrosscheckOptions;
    static const auto s =
        config::Schema<O>()
            .field("pgn", &O::pgn,
                   "PGN collections whose games start from a [FEN] position, the key as moves (scripts/fetch_data.sh "
                   "fetches pychess's mate puzzles)")
            .field("limits", &O::limits, "the engine's UCI search limits per position")
            .field("max_positions", &O::max_positions, "search the first N positions of each file (0 = all)")
            .field("show", &O::show, "print every position where the engine's move is not the key's");
    return s;
  }
};

struct ChessCorpusOptions {
  std::string games = "data/chess/games.jsonl";  // self-play games
  std::string out = "data/chess/corpus";         // folder for corpus.txt and heldout.txt
  double heldout = 0.02;                         // share of games held out
  int64_t seed = 0;                              // held-out selection
  static const config::Schema<ChessCorpusOptions>& schema() {
    using O = ChessCorpusOptions;
    static const auto s = config::Schema<O>()
                              .field("games", &O::games, "self-play games (from w2s chess games)")
                              .field("out", &O::out, "folder for corpus.txt and heldout.txt")
                              .field("heldout", &O::heldout, "share of games held out, in [0, 0.5]")
                              .field("seed", &O::seed, "seed of the held-out selection");
    return s;
  }
};

struct ChessEvalCliOptions {
  std::string model;                                 // checkpoint folder
  std::string puzzles = "data/chess/puzzles.jsonl";  // puzzles to read
  int64_t max_puzzles = 1000;                        // the first N (0 = all)
  int64_t max_length = 256;                          // tokens of context
  bool json = false;                                 // print JSON
  static const config::Schema<ChessEvalCliOptions>& schema() {
    using O = ChessEvalCliOptions;
    static const auto s = config::Schema<O>()
                              .field("model", &O::model, "HF checkpoint folder (with tokenizer.json)")
                              .field("puzzles", &O::puzzles, "puzzles JSONL (w2s chess puzzles)")
                              .field("max_puzzles", &O::max_puzzles, "score the first N puzzles (0 = all)")
                              .field("max_length", &O::max_length, "tokens of context (the prompt keeps its end)")
                              .field("json", &O::json, "print the result as JSON");
    return s;
  }
};

chess::GenerationOptions generation(int64_t threads, double time_limit) {
  chess::GenerationOptions g;
  g.threads = static_cast<int>(threads);
  g.time_limit_s = time_limit;
  return g;
}

void print_run(const chess::GenerationRun& r, const std::string& what, const std::string& out) {
  fmt::print("{}: {} {} ({} from an earlier run, {} now) in {}{}\n", out, r.total, what, r.done_before, r.made,
             format_duration(r.seconds), r.complete ? "" : " — stopped by the time limit; rerun to go on");
}

}  // namespace

void register_chess(CLI::App& app) {
  CLI::App* chess_cmd =
      app.add_subcommand("chess", "The chess setting: self-play games, puzzles, corpus, zero-shot eval");
  chess_cmd->require_subcommand(1);

  CLI::App* games = chess_cmd->add_subcommand("games", "Engine self-play games (stockfish; resumable)");
  auto gbind = config::bind_cli<GamesOptions>(*games);
  games->callback([gbind] {
    const auto o = gbind->resolve();
    if (gbind->dump_requested()) return fmt::print("{}", config::dump_toml(o, gbind->schema()));
    chess::SelfPlayOptions so;
    so.games = o.games;
    so.seed = static_cast<uint64_t>(o.seed);
    so.random_plies_min = static_cast<int>(o.random_plies_min);
    so.random_plies_max = static_cast<int>(o.random_plies_max);
    so.nodes = o.nodes;
    so.max_plies = static_cast<int>(o.max_plies);
    const auto r = chess::generate_games(so, generation(o.threads, o.time_limit), o.out);
    print_run(r, "games", o.out);
    if (!r.complete) return;
    std::map<std::string, int64_t> ends;
    int64_t plies = 0;
    const auto all = chess::read_games(o.out);
    for (const auto& g : all) {
      ++ends[g.termination];
      plies += static_cast<int64_t>(g.moves.size());
    }
    fmt::print("mean length {:.1f} plies;", all.empty() ? 0.0 : double(plies) / double(all.size()));
    for (const auto& [k, v] : ends) fmt::print(" {} {}", k, v);
    fmt::print("\n");
  });

  CLI::App* puzzles = chess_cmd->add_subcommand("puzzles", "Best-move puzzles from games, labelled by a deeper search");
  auto pbind = config::bind_cli<PuzzlesOptions>(*puzzles);
  puzzles->callback([pbind] {
    const auto o = pbind->resolve();
    if (pbind->dump_requested()) return fmt::print("{}", config::dump_toml(o, pbind->schema()));
    chess::PuzzleOptions po;
    po.seed = static_cast<uint64_t>(o.seed);
    po.limits = o.limits;
    po.min_margin_cp = static_cast<int>(o.min_margin_cp);
    po.min_best_cp = static_cast<int>(o.min_best_cp);
    po.max_second_cp = static_cast<int>(o.max_second_cp);
    po.first_ply = static_cast<int>(o.first_ply);
    po.per_game = static_cast<int>(o.per_game);
    po.mates = o.mates;
    std::filesystem::path out(o.out);
    const auto labels = out.parent_path() / (out.stem().string() + ".labels.jsonl");
    const auto r = chess::generate_puzzles(o.games, po, generation(o.threads, o.time_limit), labels);
    print_run(r, "games labelled", labels.string());
    if (!r.complete) return;
    auto all = chess::collect_puzzles(labels);
    remove_leaked_and_repeated(all, o.exclude);
    chess::write_puzzles(out, all);
    std::map<std::string, int64_t> grades;
    for (const auto& p : all) ++grades[p.grade];
    fmt::print("{}: {} puzzles;", out.string(), all.size());
    for (const auto& [k, v] : grades) fmt::print(" {} {}", k, v);
    fmt::print("\n");
  });

  CLI::App* leaks = chess_cmd->add_subcommand(
      "leaks", "Check a puzzles file against the pretraining games: leaked and repeated positions (any move order)");
  auto lbind = config::bind_cli<LeaksOptions>(*leaks);
  leaks->callback([lbind] {
    const auto o = lbind->resolve();
    if (lbind->dump_requested()) return fmt::print("{}", config::dump_toml(o, lbind->schema()));
    auto all = chess::read_puzzles(o.puzzles);
    remove_leaked_and_repeated(all, o.exclude);
    if (o.out.empty()) return fmt::print("{} puzzles pass (nothing written: --out names where to)\n", all.size());
    chess::write_puzzles(o.out, all);
    fmt::print("{}: {} puzzles\n", o.out, all.size());
  });

  CLI::App* confirm = chess_cmd->add_subcommand(
      "confirm", "Search every puzzle again, deeper; keep those whose solution the deeper search still plays");
  auto fbind = config::bind_cli<ConfirmOptions>(*confirm);
  confirm->callback([fbind] {
    const auto o = fbind->resolve();
    if (fbind->dump_requested()) return fmt::print("{}", config::dump_toml(o, fbind->schema()));
    auto all = chess::read_puzzles(o.puzzles);
    const std::filesystem::path in(o.puzzles);
    const auto searches = in.parent_path() / (in.stem().string() + ".confirm.jsonl");
    const auto r = chess::confirm_puzzles(all, o.limits, generation(o.threads, 0), searches);
    print_run(r.run, "puzzles searched", searches.string());
    if (!r.run.complete) return;
    fmt::print(
        "confirmation at {}: {} puzzles; the deeper search plays another move in {} (mates {}, cp {}); {} "
        "kept\n",
        o.limits, r.checked, r.dropped_mates + r.dropped_others, r.dropped_mates, r.dropped_others, all.size());
    if (o.out.empty()) return fmt::print("nothing written (--out names where to)\n");
    chess::write_puzzles(o.out, all);
    fmt::print("{}: {} puzzles\n", o.out, all.size());
  });

  CLI::App* crosscheck = chess_cmd->add_subcommand(
      "crosscheck",
      "The engine against keyed problems (FEN + solution, e.g. pychess's mates): how often its move is the key");
  auto xbind = config::bind_cli<CrosscheckOptions>(*crosscheck);
  crosscheck->callback([xbind] {
    const auto o = xbind->resolve();
    if (xbind->dump_requested()) return fmt::print("{}", config::dump_toml(o, xbind->schema()));
    chess::UciEngine engine;
    fmt::print("{}, {}\n", engine.name(), o.limits);
    for (const auto& file : o.pgn) {
      check(std::filesystem::exists(file), "{}: no such file (scripts/fetch_data.sh fetches pychess's mate puzzles)",
            file);
      auto positions = chess::read_keyed_collection(file);
      if (o.max_positions > 0 && static_cast<int64_t>(positions.size()) > o.max_positions)
        positions.resize(o.max_positions);
      const auto a = chess::agreement(engine, positions, o.limits);
      fmt::print("{}: the engine plays the key in {} of {} positions ({:.1f} %)\n", file, a.agree, a.positions,
                 a.positions ? 100.0 * double(a.agree) / double(a.positions) : 0.0);
      if (o.show)
        for (const auto& d : a.disagreements) fmt::print("  {}\n", d);
    }
  });

  CLI::App* eval = chess_cmd->add_subcommand(
      "eval", "A model's zero-shot chess on puzzles: legal-move rate, top-1 over legal moves, solution vs second");
  auto ebind = config::bind_cli<ChessEvalCliOptions>(*eval, {"model"});
  eval->callback([ebind] {
    const auto o = ebind->resolve();
    if (ebind->dump_requested()) return fmt::print("{}", config::dump_toml(o, ebind->schema()));
    check(!o.model.empty(), "chess eval: name a model folder");
    auto puzzles = chess::read_puzzles(o.puzzles);
    if (o.max_puzzles > 0 && static_cast<int64_t>(puzzles.size()) > o.max_puzzles) puzzles.resize(o.max_puzzles);
    const auto tok = tokenizer::Tokenizer::from_dir(o.model);
    auto model = models::load_model(o.model);
    const auto r = eval::evaluate_chess(*model, tok, puzzles, {.max_length = o.max_length});
    if (o.json) {
      nlohmann::json j = {{"model", o.model},
                          {"puzzles", o.puzzles},
                          {"n", r.n},
                          {"legal_rate", r.legal_rate},
                          {"top1", r.top1},
                          {"pair", r.pair},
                          {"chance_top1", r.chance_top1},
                          {"mean_solution_logprob", r.mean_solution_logprob}};
      for (const auto& [g, v] : r.by_grade)
        j["by_grade"][g] = {{"n", v.n}, {"top1", v.top1}, {"pair", v.pair}, {"legal_rate", v.legal_rate}};
      return fmt::print("{}\n", j.dump(2));
    }
    fmt::print(
        "{}: {} puzzles; legal greedy move {:.1f} %; top-1 {:.1f} % (chance {:.1f} %); solution over second "
        "{:.1f} %; mean log p(solution) {:.2f} nats\n",
        o.model, r.n, 100 * r.legal_rate, 100 * r.top1, 100 * r.chance_top1, 100 * r.pair, r.mean_solution_logprob);
    for (const auto& [g, v] : r.by_grade)
      fmt::print("  {:<7} {:>5} puzzles  top-1 {:5.1f} %  pair {:5.1f} %  legal {:5.1f} %\n", g, v.n, 100 * v.top1,
                 100 * v.pair, 100 * v.legal_rate);
  });

  CLI::App* corpus = chess_cmd->add_subcommand("corpus", "Games as pretraining text (corpus.txt, heldout.txt)");
  auto cbind = config::bind_cli<ChessCorpusOptions>(*corpus);
  corpus->callback([cbind] {
    const auto o = cbind->resolve();
    if (cbind->dump_requested()) return fmt::print("{}", config::dump_toml(o, cbind->schema()));
    const auto r =
        chess::write_game_corpus(chess::read_games(o.games), o.out, o.heldout, static_cast<uint64_t>(o.seed));
    fmt::print(
        "{}: corpus.txt {} games, {:.2f} MB; heldout.txt {} games, {:.2f} MB; {} plies; {} duplicate games left out\n",
        o.out, r.games, double(r.bytes) / 1e6, r.heldout_games, double(r.heldout_bytes) / 1e6, r.plies, r.duplicates);
  });
}

}  // namespace w2s::app
