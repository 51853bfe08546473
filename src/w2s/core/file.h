// Whole-file reads and crash-safe writes (write to a temporary, fsync, rename into place).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace w2s {

/// Read a whole file; throws w2s::Error naming the path on failure.
std::string read_file(const std::filesystem::path& path);

/// Write `content` to `path` atomically: readers see the old file or the new one, never half.
/// A full disk or other write error throws w2s::Error and leaves the old file untouched.
void write_file_atomic(const std::filesystem::path& path, std::string_view content);

}  // namespace w2s
