// w2s::Error — the one exception type for user-facing failures (bad input, bad config, I/O).
// Messages name the file, line, key or tensor at fault.
#pragma once

#include <fmt/format.h>

#include <stdexcept>
#include <string>
#include <utility>

namespace w2s {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Throw w2s::Error with a fmt-formatted message: `fail("{}: bad dtype '{}'", path, dtype)`.
template <typename... Args>
[[noreturn]] void fail(fmt::format_string<Args...> format, Args&&... args) {
  throw Error(fmt::format(format, std::forward<Args>(args)...));
}

/// Throw unless `cond` holds.
template <typename... Args>
void check(bool cond, fmt::format_string<Args...> format, Args&&... args) {
  if (!cond) throw Error(fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace w2s
