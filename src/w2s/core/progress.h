// A terminal progress bar for long work: done/total, rate, ETA and free-form stats
// ("loss 3.21"). Redraws in place on a TTY at most a few times a second; on a pipe or file it
// prints a plain line every `log_every_s` seconds instead, so logs stay readable.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace w2s {

class Progress {
 public:
  /// `unit` names what `done` counts ("tok", "steps"); `log_every_s` applies to non-TTY output.
  Progress(std::string label, int64_t total, std::string unit = "", double log_every_s = 30.0);
  ~Progress();  // finishes the line

  /// Set absolute progress and the stats text shown after the bar.
  void update(int64_t done, const std::string& stats = "");
  /// Print a message on its own line without breaking the bar.
  void note(const std::string& message);
  void finish();

  static void set_enabled(bool enabled);  // false: print nothing (quiet / JSON modes)

 private:
  void draw(bool force);
  std::string label_, unit_, stats_;
  int64_t total_ = 0, done_ = 0, start_done_ = -1;
  double log_every_s_;
  bool tty_, finished_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

/// "1h02m", "3m05s", "12s".
std::string format_duration(double seconds);

}  // namespace w2s
