// Chess problems with keys, and the engine's agreement with them (see keyed_positions.h).
#include "w2s/chess/keyed_positions.h"

#include <fmt/format.h>

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "w2s/chess/self_play.h"
#include "w2s/core/error.h"

namespace w2s::chess {

namespace {

/// read_keyed_positions, naming positions by `source` and game number when `source` is not empty.
std::vector<KeyedPosition> read_positions(const std::filesystem::path& uci_pgn, const std::string& source) {
  std::ifstream in(uci_pgn);
  check(in.good(), "cannot read {}", uci_pgn.string());
  std::vector<KeyedPosition> out;
  KeyedPosition cur;
  bool in_moves = false;
  size_t line_no = 0, game = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.rfind("[", 0) == 0) {
      if (in_moves || game == 0) cur = {}, in_moves = false, ++game;  // a new game's tags
      if (line.rfind("[FEN \"", 0) == 0) {
        const auto end = line.rfind('"');
        check(end > 6, "{}:{}: a [FEN] tag without its closing quote", uci_pgn.string(), line_no);
        cur.fen = line.substr(6, end - 6);
        cur.where =
            source.empty() ? fmt::format("{}:{}", uci_pgn.string(), line_no) : fmt::format("{} game {}", source, game);
      }
      continue;
    }
    std::istringstream words(line);
    std::string first;
    if (!(words >> first)) continue;
    if (!in_moves && !cur.fen.empty()) {
      if (first == "*" || first == "1-0" || first == "0-1" || first == "1/2-1/2") {
        cur = {};  // a position without a key
        in_moves = true;
        continue;
      }
      check(is_uci_move(first), "{}:{}: \"{}\" is not a UCI move (convert the file with pgn-extract -Wuci)",
            uci_pgn.string(), line_no, first);
      cur.key = first;
      out.push_back(cur);
    }
    in_moves = true;
  }
  return out;
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

std::vector<KeyedPosition> read_keyed_positions(const std::filesystem::path& uci_pgn) {
  return read_positions(uci_pgn, "");
}

void pgn_to_uci(const std::filesystem::path& pgn, const std::filesystem::path& out) {
  const std::string tool =
      std::filesystem::exists("/usr/games/pgn-extract") ? "/usr/games/pgn-extract" : std::string("pgn-extract");
  const std::string cmd = fmt::format("{} -s -C -N -V -Wuci {} -o {} 2>/dev/null", shell_quote(tool),
                                      shell_quote(pgn.string()), shell_quote(out.string()));
  check(std::system(cmd.c_str()) == 0,
        "pgn-extract could not convert {} to UCI (is it installed? "
        "scripts/setup.sh installs it)",
        pgn.string());
}

std::vector<KeyedPosition> read_keyed_collection(const std::filesystem::path& pgn) {
  static std::atomic<int> counter{0};
  const auto tmp =
      std::filesystem::temp_directory_path() / fmt::format("w2s-keyed-{}-{}.pgn", ::getpid(), counter.fetch_add(1));
  struct Remove {
    std::filesystem::path path;
    ~Remove() {
      std::error_code ec;
      std::filesystem::remove(path, ec);
    }
  } remove{tmp};
  pgn_to_uci(pgn, tmp);
  return read_positions(tmp, pgn.string());
}

Agreement agreement(UciEngine& engine, const std::vector<KeyedPosition>& positions, const std::string& limits) {
  Agreement a;
  for (const auto& p : positions) {
    engine.new_game();
    const auto s = engine.search("fen " + p.fen, limits);
    ++a.positions;
    if (s.best_move == p.key)
      ++a.agree;
    else
      a.disagreements.push_back(fmt::format("{}: key {}, engine {}", p.where, p.key, s.best_move));
  }
  return a;
}

}  // namespace w2s::chess
