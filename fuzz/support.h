// Shared by the fuzz targets: a private scratch folder, file writing, and the rule for what
// counts as a finding. Parsers of outside files must answer hostile bytes with w2s::Error (a
// message naming the file); any other exception escaping, a crash, or a sanitizer report is a bug.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace w2s::fuzz {

/// This process's scratch folder (created once under $TMPDIR, removed at exit).
const std::filesystem::path& scratch_dir();

/// Write `bytes` to scratch_dir()/name (replacing it) and return the path.
std::filesystem::path write_scratch(const std::string& name, std::string_view bytes);

/// The input as a string view.
inline std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// Split the input at the first occurrence of `sep` (the whole input and "" when absent).
std::pair<std::string_view, std::string_view> split_once(std::string_view input, std::string_view sep);

/// Run `fn`; a w2s::Error is the expected answer to bad input and is swallowed (its message must
/// not be empty). Any other exception is reported with `what` and aborts, so libFuzzer keeps the
/// input as a crasher.
template <typename Fn>
void expect_clean(const char* what, Fn&& fn);

[[noreturn]] void report_escape(const char* what, const char* type, const char* message);

/// A property the target checks does not hold: print "w2s fuzz: <what>: <message>" and abort.
/// Build `message` only on failure (`if (bad) property_failed(...)`): it may format large values.
[[noreturn]] void property_failed(const char* what, const std::string& message);

/// property_failed(what, message) unless `ok`.
inline void require(bool ok, const char* what, const char* message) {
  if (!ok) property_failed(what, message);
}
void check_error_message(const char* what, const char* message);

}  // namespace w2s::fuzz

#include "support_inl.h"
