// UCI engine driver (see uci_engine.h).
#include "w2s/chess/uci_engine.h"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <filesystem>

#include "w2s/core/error.h"

namespace w2s::chess {
namespace fs = std::filesystem;
namespace {

/// The parts of `s` between runs of `sep` (whitespace when sep is ' ': spaces and tabs).
std::vector<std::string_view> split_on(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t i = 0;
  const auto is_sep = [&](char c) { return sep == ' ' ? (c == ' ' || c == '\t') : c == sep; };
  while (i < s.size()) {
    while (i < s.size() && is_sep(s[i])) ++i;
    size_t j = i;
    while (j < s.size() && !is_sep(s[j])) ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

bool executable(const fs::path& p) { return ::access(p.c_str(), X_OK) == 0 && !fs::is_directory(p); }

/// The engine's path: `program` itself when it names a path, else the first match on PATH, else
/// /usr/games/<program>, where Debian installs engines (that folder is often not on PATH).
std::string find_program(const std::string& program) {
  if (program.find('/') != std::string::npos) {
    check(executable(program), "chess engine {}: not found or not executable", program);
    return program;
  }
  const char* path = std::getenv("PATH");
  for (const std::string_view dir : split_on(path ? path : "", ':'))
    if (executable(fs::path(dir) / program)) return (fs::path(dir) / program).string();
  const fs::path games = fs::path("/usr/games") / program;
  if (executable(games)) return games.string();
  fail(
      "chess engine '{}' not found on PATH or in /usr/games: install it (Debian: apt-get install {}; "
      "scripts/setup.sh does) or name its path",
      program, program);
}

template <typename T>
T number(std::string_view token, std::string_view line) {
  T v{};
  const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), v);
  check(ec == std::errc() && end == token.data() + token.size(), "UCI: '{}' is not a number in '{}'", token,
        line.substr(0, 200));
  return v;
}

}  // namespace

std::optional<PvLine> parse_info_line(std::string_view line) {
  const auto tokens = split_on(line, ' ');
  if (tokens.empty() || tokens[0] != "info") return std::nullopt;
  PvLine out;
  bool has_score = false;
  const auto at = [&](size_t i) -> std::string_view {
    check(i < tokens.size(), "UCI: info line ends early: '{}'", line.substr(0, 200));
    return tokens[i];
  };
  for (size_t i = 1; i < tokens.size(); ++i) {
    const std::string_view t = tokens[i];
    if (t == "string") return std::nullopt;  // free text to the end of the line
    if (t == "depth") {
      out.depth = number<int>(at(++i), line);
    } else if (t == "multipv") {
      out.multipv = number<int>(at(++i), line);
    } else if (t == "nodes") {
      out.nodes = number<int64_t>(at(++i), line);
    } else if (t == "score") {
      const std::string_view kind = at(++i);
      check(kind == "cp" || kind == "mate", "UCI: unknown score kind '{}' in '{}'", kind, line.substr(0, 200));
      out.score.mate = kind == "mate";
      out.score.value = number<int>(at(++i), line);
      has_score = true;
      if (i + 1 < tokens.size() && (tokens[i + 1] == "lowerbound" || tokens[i + 1] == "upperbound")) {
        out.score.bound = true;
        ++i;
      }
    } else if (t == "pv") {
      for (++i; i < tokens.size(); ++i) out.pv.emplace_back(tokens[i]);
    } else if (t == "seldepth" || t == "time" || t == "nps" || t == "hashfull" || t == "tbhits" || t == "cpuload" ||
               t == "currmovenumber" || t == "currmove") {
      ++i;  // a value we do not use
    } else if (t == "wdl") {
      i += 3;
    }
  }
  if (!has_score) return std::nullopt;
  return out;
}

UciEngine::UciEngine(EngineOptions options) : options_(std::move(options)) {
  check(options_.threads >= 1 && options_.hash_mb >= 1 && options_.multipv >= 1 && options_.timeout_s > 0,
        "chess engine: threads, hash_mb, multipv and timeout_s must be positive");
  process_.emplace(std::vector<std::string>{find_program(options_.program)});
  process_->write_line("uci");
  for (;;) {
    const std::string l = read_line("uciok");
    if (l.rfind("id name ", 0) == 0) name_ = l.substr(8);
    if (l == "uciok") break;
  }
  process_->write_line("setoption name Threads value " + std::to_string(options_.threads));
  process_->write_line("setoption name Hash value " + std::to_string(options_.hash_mb));
  process_->write_line("setoption name MultiPV value " + std::to_string(options_.multipv));
  sync();
}

UciEngine::~UciEngine() {
  if (!process_) return;
  try {
    process_->write_line("quit");
  } catch (const Error&) {  // it has exited already
  }
}

std::string UciEngine::read_line(std::string_view waiting_for) {
  auto l = process_->read_line(options_.timeout_s);
  if (!l) fail("chess engine {}: exited while w2s waited for '{}'", process_->program(), waiting_for);
  return *l;
}

void UciEngine::sync() {
  process_->write_line("isready");
  while (read_line("readyok") != "readyok") {
  }
}

void UciEngine::new_game() {
  process_->write_line("ucinewgame");
  sync();
}

Search UciEngine::search(std::string_view position, std::string_view limits) {
  process_->write_line("position " + std::string(position));
  process_->write_line("go " + std::string(limits));
  Search out;
  std::vector<std::optional<PvLine>> best;  // per multipv - 1
  for (;;) {
    const std::string l = read_line("bestmove");
    if (l.rfind("bestmove", 0) == 0) {
      const auto t = split_on(l, ' ');
      out.best_move = t.size() >= 2 && t[1] != "(none)" ? std::string(t[1]) : "";
      break;
    }
    auto info = parse_info_line(l);
    if (!info || info->multipv < 1) continue;
    const size_t k = static_cast<size_t>(info->multipv - 1);
    if (best.size() <= k) best.resize(k + 1);
    auto& slot = best[k];
    // Deeper replaces shallower; at the same depth an exact score replaces a bound, and a later
    // line replaces an earlier one of the same kind.
    if (!slot || info->depth > slot->depth || (info->depth == slot->depth && (!info->score.bound || slot->score.bound)))
      slot = std::move(*info);
  }
  // The last line of each multipv. When a node or time limit stops an iteration, the best line
  // can be one depth deeper than the others (each records its depth).
  for (auto& line : best)
    if (line) out.lines.push_back(std::move(*line));
  return out;
}

std::vector<std::string> UciEngine::legal_moves(std::string_view position) {
  process_->write_line("position " + std::string(position));
  process_->write_line("go perft 1");
  std::vector<std::string> moves;
  for (;;) {
    const std::string l = read_line("Nodes searched");
    if (l.rfind("Nodes searched", 0) == 0) break;
    const auto colon = l.find(": ");
    if (colon == std::string::npos || colon < 4 || colon > 5) continue;  // "e2e4: 1", "e7e8q: 1"
    moves.push_back(l.substr(0, colon));
  }
  std::sort(moves.begin(), moves.end());
  return moves;
}

}  // namespace w2s::chess
