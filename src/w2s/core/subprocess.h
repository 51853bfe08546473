// A child process spoken to line by line: its stdin and stdout are pipes, its stderr is ours. For
// tools w2s drives but does not link (the chess engine, over UCI). Reads wait at most a timeout, so
// a hung child is an error, not a hung sweep.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace w2s {

class Subprocess {
 public:
  /// Start argv[0] (looked up on PATH when it holds no '/') with argv[1..]. w2s::Error naming the
  /// program when it cannot be started (not found, not executable).
  explicit Subprocess(std::vector<std::string> argv);
  /// finish(2.0) unless finished: the child gets end of input and 2 s to exit, then it is killed.
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  /// Write `line` and a newline to the child's stdin. w2s::Error when the child has exited.
  void write_line(std::string_view line);
  /// The next line of the child's stdout, without its newline (a trailing '\r' dropped too);
  /// nullopt once the child closed its stdout. w2s::Error when no full line came within `timeout_s`.
  std::optional<std::string> read_line(double timeout_s);
  /// Close the child's stdin (it sees end of input) and wait up to `timeout_s` for it to exit;
  /// kill it after that. Returns the exit status (128 + signal when killed by one). What it wrote
  /// stays readable with read_line.
  int finish(double timeout_s);

  const std::string& program() const { return argv_.front(); }
  pid_t pid() const { return pid_; }

 private:
  std::vector<std::string> argv_;
  pid_t pid_ = -1;
  int to_child_ = -1;    // write end of the child's stdin
  int from_child_ = -1;  // read end of the child's stdout
  std::string buffer_;   // read but not yet returned
  bool eof_ = false;
  std::optional<int> status_;  // once reaped
};

}  // namespace w2s
