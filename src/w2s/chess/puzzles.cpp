// Engine-labelled best-move puzzles (see puzzles.h).
#include "w2s/chess/puzzles.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <unordered_set>

#include "w2s/chess/board.h"
#include "w2s/core/error.h"
#include "w2s/core/rng.h"
#include "w2s/core/sha256.h"
#include "w2s/io/json_read.h"
#include "w2s/io/jsonl.h"

namespace w2s::chess {
namespace {

nlohmann::json score_json(const Score& s) {
  return s.mate ? nlohmann::json{{"mate", s.value}} : nlohmann::json{{"cp", s.value}};
}

Score score_from_json(const nlohmann::json& j, const char* key, const std::string& where) {
  check(j.is_object() && (j.contains("cp") || j.contains("mate")),
        "{}: \"{}\" must be {{\"cp\": N}} or {{\"mate\": N}}", where, key);
  const bool mate = j.contains("mate");
  const auto& v = mate ? j["mate"] : j["cp"];
  check(v.is_number_integer(), "{}: \"{}\" must hold an integer", where, key);
  return mate ? Score::mate_in(v.get<int>()) : Score::cp(v.get<int>());
}

std::string grade_of(const Score& best) {
  if (!best.mate || best.value <= 0) return "cp";
  return best.value <= 3 ? fmt::format("mate{}", best.value) : "mate4+";
}

/// board.apply(move), its error naming `who` (a game or puzzle id).
void apply_named(Board& board, const std::string& move, const std::string& who) {
  try {
    board.apply(move);
  } catch (const Error& e) {
    fail("{}: {}", who, e.what());
  }
}

}  // namespace

std::string move_completion(const std::string& prompt, const std::string& move) {
  return prompt.empty() ? move : " " + move;
}

int64_t centipawns(const Score& s) {
  if (!s.mate) return s.value;
  return s.value > 0 ? 100000 - s.value : -100000 - s.value;
}

bool only_move(const Score& best, const Score& second, const PuzzleOptions& o) {
  const bool best_mates = best.mate && best.value > 0, second_mates = second.mate && second.value > 0;
  if (best_mates) return !second_mates;
  const int64_t b = centipawns(best), s = centipawns(second);
  return b - s >= o.min_margin_cp && b >= o.min_best_cp && s <= o.max_second_cp;
}

nlohmann::json to_json(const Puzzle& p) {
  return {{"id", p.id},
          {"game_id", p.game_id},
          {"ply", p.ply},
          {"moves", move_prompt(p.moves)},
          {"side", p.side},
          {"legal", p.legal},
          {"solution", p.solution},
          {"second", p.second},
          {"best_score", score_json(p.best)},
          {"second_score", score_json(p.runner_up)},
          {"margin_cp", p.margin_cp},
          {"grade", p.grade},
          {"depth", p.depth}};
}

Puzzle puzzle_from_json(const nlohmann::json& row, const std::string& where) {
  check(row.is_object(), "{}: a puzzle row must be a JSON object", where);
  Puzzle p;
  p.id = io::required_field<std::string>(row, "id", where);
  p.game_id = row.value("game_id", "");
  p.moves = split_moves(io::required_field<std::string>(row, "moves", where), where);
  p.ply = row.value("ply", static_cast<int>(p.moves.size()));
  check(p.ply == static_cast<int>(p.moves.size()), "{}: ply {} but {} moves", where, p.ply, p.moves.size());
  p.side = io::required_field<std::string>(row, "side", where);
  check(p.side == "white" || p.side == "black", "{}: side \"{}\" is not white or black", where, p.side);
  check(p.side == (p.moves.size() % 2 == 0 ? "white" : "black"), "{}: after {} moves {} is to move, not {}", where,
        p.moves.size(), p.moves.size() % 2 == 0 ? "white" : "black", p.side);
  p.legal = io::required_field<std::vector<std::string>>(row, "legal", where);
  check(!p.legal.empty(), "{}: no legal moves (a finished game is no puzzle)", where);
  for (const auto& m : p.legal) check(is_uci_move(m), "{}: legal move \"{}\" is not a UCI move", where, m);
  check(std::set<std::string>(p.legal.begin(), p.legal.end()).size() == p.legal.size(),
        "{}: a legal move is listed twice", where);
  p.solution = io::required_field<std::string>(row, "solution", where);
  check(std::find(p.legal.begin(), p.legal.end(), p.solution) != p.legal.end(),
        "{}: solution \"{}\" is not among the legal moves", where, p.solution);
  p.second = row.value("second", "");
  check(p.second.empty() ||
            (p.second != p.solution && std::find(p.legal.begin(), p.legal.end(), p.second) != p.legal.end()),
        "{}: second move \"{}\" is not another legal move", where, p.second);
  if (row.contains("best_score")) p.best = score_from_json(row["best_score"], "best_score", where);
  if (row.contains("second_score")) p.runner_up = score_from_json(row["second_score"], "second_score", where);
  p.margin_cp = row.value("margin_cp", int64_t{0});
  p.grade = row.value("grade", "");
  p.depth = row.value("depth", 0);
  return p;
}

std::vector<Puzzle> read_puzzles(const std::filesystem::path& path) {
  std::vector<Puzzle> out;
  io::for_each_jsonl(path, [&](const nlohmann::json& row, size_t line) {
    out.push_back(puzzle_from_json(row, fmt::format("{}:{}", path.string(), line)));
  });
  return out;
}

std::vector<int> candidate_plies(const Game& game, const PuzzleOptions& o) {
  const int n = static_cast<int>(game.moves.size());
  std::set<int> plies;
  // Random plies in [first_ply, n − 1]: positions where the game went on (a move was played).
  std::vector<int> pool;
  for (int p = std::max(o.first_ply, game.random_plies); p < n; ++p) pool.push_back(p);
  Rng rng(mix_seed(o.seed, hash_bytes(game.id)));
  shuffle_in_place(pool, rng);
  for (int i = 0; i < o.per_game && i < static_cast<int>(pool.size()); ++i) plies.insert(pool[static_cast<size_t>(i)]);
  if (o.mates && game.termination == "checkmate")
    for (int back : {1, 3, 5})
      if (n - back >= std::max(1, game.random_plies)) plies.insert(n - back);
  return {plies.begin(), plies.end()};
}

std::vector<Puzzle> find_puzzles(UciEngine& engine, const Game& game, const PuzzleOptions& o) {
  check(engine.options().multipv >= 2, "puzzle labelling needs an engine with MultiPV ≥ 2");
  std::vector<Puzzle> out;
  for (const int ply : candidate_plies(game, o)) {
    const auto position = position_after(game.moves, static_cast<size_t>(ply));
    auto legal = engine.legal_moves(position);
    if (legal.size() < 2) continue;  // no choice to make
    engine.new_game();               // the label must not depend on what was searched before
    const auto s = engine.search(position, o.limits);
    if (s.lines.size() < 2 || s.lines[0].pv.empty() || s.lines[1].pv.empty()) continue;
    const auto& best = s.lines[0];
    const auto& second = s.lines[1];
    if (best.score.bound || second.score.bound) continue;
    if (!only_move(best.score, second.score, o)) continue;
    const int64_t margin = centipawns(best.score) - centipawns(second.score);
    Puzzle p;
    p.id = fmt::format("{}/{}", game.id, ply);
    p.game_id = game.id;
    p.ply = ply;
    p.moves.assign(game.moves.begin(), game.moves.begin() + ply);
    p.side = ply % 2 == 0 ? "white" : "black";
    p.legal = std::move(legal);
    p.solution = best.pv.front();
    p.second = second.pv.front();
    check(std::find(p.legal.begin(), p.legal.end(), p.solution) != p.legal.end(),
          "{}: the engine's best move {} is not legal", p.id, p.solution);
    p.best = best.score;
    p.runner_up = second.score;
    p.margin_cp = margin;
    p.grade = grade_of(best.score);
    p.depth = best.depth;
    out.push_back(std::move(p));
  }
  return out;
}

LeakReport remove_leaked(std::vector<Puzzle>& puzzles, const std::vector<Game>& pretraining) {
  LeakReport r;
  r.checked = static_cast<int64_t>(puzzles.size());
  r.games = static_cast<int64_t>(pretraining.size());
  // Every position any pretraining game reaches (the start and after each move), by digest.
  std::unordered_set<uint64_t> seen;
  for (const auto& g : pretraining) {
    Board board;
    seen.insert(board.key_hash());
    for (const auto& m : g.moves) {
      apply_named(board, m, "pretraining game " + g.id);
      seen.insert(board.key_hash());
    }
  }
  r.positions = static_cast<int64_t>(seen.size());
  std::vector<Puzzle> kept;
  for (auto& p : puzzles) {
    Board board;
    bool by_moves = true;  // does some game open with exactly these moves? (for the report)
    for (const auto& m : p.moves) apply_named(board, m, "puzzle " + p.id);
    if (!seen.count(board.key_hash())) {
      kept.push_back(std::move(p));
      continue;
    }
    by_moves = std::any_of(pretraining.begin(), pretraining.end(), [&](const Game& g) {
      return g.moves.size() >= p.moves.size() && std::equal(p.moves.begin(), p.moves.end(), g.moves.begin());
    });
    ++(by_moves ? r.same_moves : r.transposed);
  }
  r.removed = static_cast<int64_t>(puzzles.size() - kept.size());
  puzzles = std::move(kept);
  return r;
}

int64_t remove_duplicate_positions(std::vector<Puzzle>& puzzles) {
  std::set<std::string> seen;
  std::vector<Puzzle> kept;
  for (auto& p : puzzles) {
    Board board;
    for (const auto& m : p.moves) apply_named(board, m, "puzzle " + p.id);
    if (seen.insert(board.key()).second) kept.push_back(std::move(p));
  }
  const auto removed = static_cast<int64_t>(puzzles.size() - kept.size());
  puzzles = std::move(kept);
  return removed;
}

ConfirmReport confirm_puzzles(std::vector<Puzzle>& puzzles, const std::string& limits, const GenerationOptions& run,
                              const std::filesystem::path& out) {
  ConfirmReport r;
  std::string ids;  // the puzzles searched, in order: a rerun on another set starts over
  for (const auto& p : puzzles) ids += p.id + ":" + p.solution + "\n";
  const nlohmann::json spec = {{"kind", "puzzle confirmation"},
                               {"puzzles_sha256", sha256_hex(ids)},
                               {"limits", limits},
                               {"engine", run.engine.program}};
  r.run = run_items(out, static_cast<int64_t>(puzzles.size()), spec, run, 1, "confirm",
                    [&](UciEngine& engine, int64_t item) {
                      const auto& p = puzzles[static_cast<size_t>(item)];
                      engine.new_game();
                      const auto best = engine.search(position_after(p.moves, p.moves.size()), limits).best_move;
                      return nlohmann::json{{"item", item}, {"id", p.id}, {"best", best}};
                    });
  if (!r.run.complete) return r;
  std::vector<std::string> best(puzzles.size());
  io::for_each_jsonl(out, [&](const nlohmann::json& row, size_t line) {
    const auto where = fmt::format("{}:{}", out.string(), line);
    check(row.contains("item") && row["item"].is_number_integer() && row.contains("best"),
          "{}: a confirmation row needs \"item\" and \"best\"", where);
    const auto i = row["item"].get<int64_t>();
    check(i >= 0 && i < static_cast<int64_t>(puzzles.size()) && row.value("id", "") == puzzles[size_t(i)].id,
          "{}: item {} is not a puzzle of this set", where, i);
    best[size_t(i)] = row["best"].get<std::string>();
  });
  std::vector<Puzzle> kept;
  for (size_t i = 0; i < puzzles.size(); ++i) {
    ++r.checked;
    if (best[i] == puzzles[i].solution) {
      kept.push_back(std::move(puzzles[i]));
      continue;
    }
    ++(puzzles[i].grade == "cp" ? r.dropped_others : r.dropped_mates);
  }
  puzzles = std::move(kept);
  return r;
}

GenerationRun generate_puzzles(const std::filesystem::path& games_file, const PuzzleOptions& options,
                               const GenerationOptions& run, const std::filesystem::path& out) {
  const auto games = read_games(games_file);
  const nlohmann::json spec = {{"kind", "puzzle labels"},
                               {"games_sha256", sha256_file(games_file)},
                               {"seed", options.seed},
                               {"limits", options.limits},
                               {"min_margin_cp", options.min_margin_cp},
                               {"min_best_cp", options.min_best_cp},
                               {"max_second_cp", options.max_second_cp},
                               {"first_ply", options.first_ply},
                               {"per_game", options.per_game},
                               {"mates", options.mates},
                               {"engine", run.engine.program}};
  return run_items(out, static_cast<int64_t>(games.size()), spec, run, 2, "puzzle labels",
                   [&](UciEngine& engine, int64_t item) {
                     const auto& g = games[static_cast<size_t>(item)];
                     nlohmann::json rows = nlohmann::json::array();
                     for (const auto& p : find_puzzles(engine, g, options)) rows.push_back(to_json(p));
                     return nlohmann::json{{"item", item}, {"game_id", g.id}, {"puzzles", rows}};
                   });
}

std::vector<Puzzle> collect_puzzles(const std::filesystem::path& labels_file) {
  std::vector<Puzzle> out;
  io::JsonlReadOptions ro;
  io::for_each_jsonl(
      labels_file,
      [&](const nlohmann::json& row, size_t line) {
        const auto where = fmt::format("{}:{}", labels_file.string(), line);
        check(row.contains("puzzles") && row["puzzles"].is_array(), "{}: missing \"puzzles\" array", where);
        for (const auto& p : row["puzzles"]) out.push_back(puzzle_from_json(p, where));
      },
      ro);
  return out;
}

void write_puzzles(const std::filesystem::path& path, const std::vector<Puzzle>& puzzles) {
  std::vector<nlohmann::json> rows;
  rows.reserve(puzzles.size());
  for (const auto& p : puzzles) rows.push_back(to_json(p));
  io::write_jsonl(path, rows);
}

}  // namespace w2s::chess
