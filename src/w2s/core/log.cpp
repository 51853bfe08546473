// Leveled logging to stderr.
#include "w2s/core/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>

#include "w2s/core/error.h"

namespace w2s::log {
namespace {
std::atomic<Level> g_level{Level::info};
std::mutex g_mutex;
const auto g_start = std::chrono::steady_clock::now();
}  // namespace

void set_level(Level l) { g_level = l; }
Level level() { return g_level; }

Level parse_level(std::string_view name) {
  if (name == "debug") return Level::debug;
  if (name == "info") return Level::info;
  if (name == "warn" || name == "warning") return Level::warn;
  if (name == "error") return Level::error;
  if (name == "off" || name == "quiet") return Level::off;
  fail("unknown log level '{}' (expected debug, info, warn, error or off)", name);
}

void write(Level l, std::string_view message) {
  static constexpr const char* kTags[] = {"debug", "info", "warn", "error"};
  const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - g_start).count();
  std::lock_guard<std::mutex> lock(g_mutex);
  std::fprintf(stderr, "[%8.2fs %-5s] %.*s\n", t, kTags[static_cast<int>(l)], static_cast<int>(message.size()),
               message.data());
}

}  // namespace w2s::log
