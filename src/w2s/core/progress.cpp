// A terminal progress bar for long work.
#include "w2s/core/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>

namespace w2s {
namespace {
std::atomic<bool> g_enabled{true};

std::string human_rate(double r) {
  if (r >= 1e6) return fmt::format("{:.2f}M", r / 1e6);
  if (r >= 1e3) return fmt::format("{:.1f}k", r / 1e3);
  return fmt::format("{:.1f}", r);
}
}  // namespace

std::string format_duration(double s) {
  if (!std::isfinite(s) || s < 0) return "?";
  const auto t = static_cast<int64_t>(s + 0.5);
  if (t >= 3600) return fmt::format("{}h{:02}m", t / 3600, (t % 3600) / 60);
  if (t >= 60) return fmt::format("{}m{:02}s", t / 60, t % 60);
  return fmt::format("{}s", t);
}

void Progress::set_enabled(bool enabled) { g_enabled = enabled; }

Progress::Progress(std::string label, int64_t total, std::string unit, double log_every_s)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      total_(total),
      log_every_s_(log_every_s),
      tty_(::isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

Progress::~Progress() { finish(); }

void Progress::update(int64_t done, const std::string& stats) {
  if (start_done_ < 0) {
    start_done_ = done;  // a resumed run's rate counts only this process's work
    start_ = std::chrono::steady_clock::now();
  }
  done_ = done;
  stats_ = stats;
  draw(false);
}

void Progress::note(const std::string& message) {
  if (!g_enabled) return;
  if (tty_) std::fprintf(stderr, "\r\033[K");
  std::fprintf(stderr, "%s\n", message.c_str());
  if (tty_ && !finished_) draw(true);
}

void Progress::finish() {
  if (finished_) return;
  draw(true);
  finished_ = true;
  if (g_enabled && tty_) std::fprintf(stderr, "\n");
}

void Progress::draw(bool force) {
  if (!g_enabled || finished_) return;
  const auto now = std::chrono::steady_clock::now();
  const double since_draw = std::chrono::duration<double>(now - last_draw_).count();
  if (!force && since_draw < (tty_ ? 0.25 : log_every_s_)) return;
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double rate = elapsed > 0 ? (done_ - std::max<int64_t>(start_done_, 0)) / elapsed : 0.0;
  const double eta = rate > 0 ? (total_ - done_) / rate : NAN;
  const double frac = total_ > 0 ? std::min(1.0, static_cast<double>(done_) / total_) : 0.0;
  std::string bar;
  if (tty_) {
    constexpr int kWidth = 24;
    const int full = std::clamp(static_cast<int>(frac * kWidth), 0, kWidth);
    bar.assign(kWidth + 3, '.');
    bar.front() = '[';
    bar[kWidth + 1] = ']';
    bar.back() = ' ';
    std::fill_n(bar.begin() + 1, full, '#');
  }
  const std::string line = fmt::format(
      "{} {}{:5.1f}% {}/{} {} | {}{}/s | {} elapsed, ETA {}{}{}", label_, bar, 100 * frac, done_, total_, unit_,
      human_rate(rate), unit_, format_duration(elapsed), format_duration(eta), stats_.empty() ? "" : " | ", stats_);
  if (tty_)
    std::fprintf(stderr, "\r\033[K%s", line.c_str());
  else
    std::fprintf(stderr, "%s\n", line.c_str());
  std::fflush(stderr);
}

}  // namespace w2s
