// Engine self-play (see self_play.h).
#include "w2s/chess/self_play.h"

#include <fmt/format.h>
#include <fmt/ranges.h>  // fmt::join (fmt ≥ 11 keeps it here; libtorch 2.x ships fmt 11)

#include "w2s/core/error.h"
#include "w2s/core/rng.h"
#include "w2s/io/json_read.h"
#include "w2s/io/jsonl.h"

namespace w2s::chess {
namespace {

/// The move that takes `m`'s piece back ("g1f3" → "f3g1"); "" for a promotion.
std::string undo_of(const std::string& m) { return m.size() == 4 ? m.substr(2, 2) + m.substr(0, 2) : ""; }

}  // namespace

nlohmann::json to_json(const Game& g) {
  return {{"item", g.item},
          {"id", g.id},
          {"moves", move_prompt(g.moves)},
          {"result", g.result},
          {"termination", g.termination},
          {"random_plies", g.random_plies},
          {"nodes_white", g.nodes_white},
          {"nodes_black", g.nodes_black}};
}

Game game_from_json(const nlohmann::json& row, const std::string& where) {
  check(row.is_object(), "{}: a game row must be a JSON object", where);
  Game g;
  g.item = io::required_field<int64_t>(row, "item", where);
  g.id = io::required_field<std::string>(row, "id", where);
  const auto moves = io::required_field<std::string>(row, "moves", where);
  g.moves = split_moves(moves, where);
  g.result = io::required_field<std::string>(row, "result", where);
  check(g.result == "1-0" || g.result == "0-1" || g.result == "1/2-1/2" || g.result == "*",
        "{}: result \"{}\" is not 1-0, 0-1, 1/2-1/2 or *", where, g.result);
  g.termination = row.value("termination", "");
  g.random_plies = row.value("random_plies", 0);
  g.nodes_white = row.value("nodes_white", int64_t{0});
  g.nodes_black = row.value("nodes_black", int64_t{0});
  return g;
}

std::vector<std::string> split_moves(const std::string& text, const std::string& where) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    size_t j = i;
    while (j < text.size() && text[j] != ' ') ++j;
    if (j > i) {
      const std::string m = text.substr(i, j - i);
      check(is_uci_move(m), "{}: \"{}\" (move {}) is not a UCI move such as e2e4 or e7e8q", where, m, out.size() + 1);
      out.push_back(m);
    }
    i = j;
  }
  return out;
}

bool is_uci_move(std::string_view m) {
  const auto file = [](char c) { return c >= 'a' && c <= 'h'; };
  const auto rank = [](char c) { return c >= '1' && c <= '8'; };
  if (m.size() != 4 && m.size() != 5) return false;
  if (!file(m[0]) || !rank(m[1]) || !file(m[2]) || !rank(m[3])) return false;
  if (m[0] == m[2] && m[1] == m[3]) return false;
  return m.size() == 4 || m[4] == 'q' || m[4] == 'r' || m[4] == 'b' || m[4] == 'n';
}

std::vector<Game> read_games(const std::filesystem::path& path) {
  std::vector<Game> out;
  io::for_each_jsonl(path, [&](const nlohmann::json& row, size_t line) {
    out.push_back(game_from_json(row, fmt::format("{}:{}", path.string(), line)));
  });
  return out;
}

std::string position_after(const std::vector<std::string>& moves, size_t plies) {
  check(plies <= moves.size(), "position after {} plies of a {}-ply game", plies, moves.size());
  std::string out = "startpos";
  if (plies == 0) return out;
  out += " moves";
  for (size_t i = 0; i < plies; ++i) out += " " + moves[i];
  return out;
}

std::string move_prompt(const std::vector<std::string>& moves) { return fmt::format("{}", fmt::join(moves, " ")); }

std::string game_text(const Game& g) {
  std::string out = move_prompt(g.moves);
  if (!out.empty()) out += ' ';
  return out + g.result;
}

bool threefold_cycle(const std::vector<std::string>& moves) {
  const size_t n = moves.size();
  if (n < 12) return false;
  const auto at = [&](size_t back) -> const std::string& { return moves[n - back]; };
  for (size_t k = 1; k <= 4; ++k)
    if (at(k) != at(k + 4) || at(k) != at(k + 8)) return false;
  // The cycle a b a' b' (oldest first) = at(4) at(3) at(2) at(1): a' undoes a, b' undoes b.
  return !undo_of(at(4)).empty() && at(2) == undo_of(at(4)) && !undo_of(at(3)).empty() && at(1) == undo_of(at(3));
}

Game play_game(UciEngine& engine, const SelfPlayOptions& o, int64_t item) {
  check(o.random_plies_min >= 0 && o.random_plies_max >= o.random_plies_min,
        "self-play: random plies must satisfy 0 ≤ min ≤ max, not {} … {}", o.random_plies_min, o.random_plies_max);
  check(!o.nodes.empty(), "self-play: at least one node budget");
  for (const auto n : o.nodes) check(n >= 1, "self-play: node budgets must be positive, not {}", n);
  check(o.max_plies >= 1, "self-play: max_plies must be positive");
  Rng rng(mix_seed(o.seed, static_cast<uint64_t>(item)));
  Game g;
  g.item = item;
  g.id = fmt::format("s{}-{}", o.seed, item);
  g.random_plies = o.random_plies_min +
                   static_cast<int>(rng.below(static_cast<uint64_t>(o.random_plies_max - o.random_plies_min + 1)));
  g.nodes_white = o.nodes[rng.below(o.nodes.size())];
  g.nodes_black = o.nodes[rng.below(o.nodes.size())];
  engine.new_game();
  const auto end_here = [&](const std::string& position) {
    // No legal move: mated (the engine scores the position as mate 0) or stalemated.
    const auto s = engine.search(position, "depth 1");
    const bool mated = !s.lines.empty() && s.lines[0].score.mate && s.lines[0].score.value == 0;
    const bool white_to_move = g.moves.size() % 2 == 0;
    g.termination = mated ? "checkmate" : "stalemate";
    g.result = !mated ? "1/2-1/2" : white_to_move ? "0-1" : "1-0";
  };
  while (static_cast<int>(g.moves.size()) < o.max_plies) {
    const auto position = position_after(g.moves, g.moves.size());
    std::string move;
    if (static_cast<int>(g.moves.size()) < g.random_plies) {
      const auto legal = engine.legal_moves(position);
      if (!legal.empty()) move = legal[rng.below(legal.size())];
    } else {
      const int64_t nodes = g.moves.size() % 2 == 0 ? g.nodes_white : g.nodes_black;
      move = engine.search(position, fmt::format("nodes {}", nodes)).best_move;
    }
    if (move.empty()) {
      end_here(position);
      return g;
    }
    g.moves.push_back(move);
    if (threefold_cycle(g.moves)) {
      g.termination = "repetition";
      g.result = "1/2-1/2";
      return g;
    }
  }
  // The last move may have mated or stalemated.
  if (engine.legal_moves(position_after(g.moves, g.moves.size())).empty()) {
    end_here(position_after(g.moves, g.moves.size()));
    return g;
  }
  g.termination = "max_plies";
  g.result = "*";
  return g;
}

GenerationRun generate_games(const SelfPlayOptions& options, const GenerationOptions& run,
                             const std::filesystem::path& out) {
  // The number of games is not part of the spec: a rerun with more games extends the output.
  const nlohmann::json spec = {{"kind", "self-play games"},
                               {"seed", options.seed},
                               {"random_plies", {options.random_plies_min, options.random_plies_max}},
                               {"nodes", options.nodes},
                               {"max_plies", options.max_plies},
                               {"engine", run.engine.program}};
  return run_items(out, options.games, spec, run, 1, "self-play games",
                   [&](UciEngine& engine, int64_t item) { return to_json(play_game(engine, options, item)); });
}

}  // namespace w2s::chess
