// Wall-clock timestamps.
#include "w2s/core/time.h"

namespace w2s {

std::string format_time(std::time_t t, const char* format, bool utc) {
  std::tm tm{};
  if (utc)
    gmtime_r(&t, &tm);
  else
    localtime_r(&t, &tm);
  char buf[64];
  const size_t n = std::strftime(buf, sizeof buf, format, &tm);
  return std::string(buf, n);
}

std::string utc_timestamp() { return format_time(std::time(nullptr), "%Y-%m-%dT%H:%M:%SZ", true); }

}  // namespace w2s
