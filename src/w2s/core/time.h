// Wall-clock timestamps for records and reports (UTC in records, local time in page footers).
#pragma once

#include <ctime>
#include <string>

namespace w2s {

/// `t` formatted by strftime's `format`, in UTC (`utc`) or the local time zone.
std::string format_time(std::time_t t, const char* format, bool utc);

/// Now, in UTC, as ISO 8601 with seconds: "2026-12-01T15:21:48Z" (the form run records use).
std::string utc_timestamp();

}  // namespace w2s
