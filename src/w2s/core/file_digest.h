// Content digests of files, cached by what the kernel says about them, so that hashing a
// multi-gigabyte checkpoint in full costs its read once per machine, not once per sweep.
//
// The cache entry of a file is keyed by its absolute path, device, inode, size, mtime and ctime
// (nanoseconds): writing the file, replacing it (a new inode) or copying it anywhere gives another
// key, so a stale digest is never returned for a file changed through the filesystem. Entries are
// one small file each under digest_cache_dir()/digests/, written atomically, so concurrent
// processes share the cache safely.
#pragma once

#include <filesystem>
#include <string>

namespace w2s {

/// The cache folder: $W2S_CACHE_DIR, else $XDG_CACHE_HOME/w2s, else $HOME/.cache/w2s; empty (no
/// cache) when W2S_CACHE_DIR is set to "" or none of them is set.
std::filesystem::path digest_cache_dir();

/// SHA-256 of the file's content as lowercase hex, from the cache when its entry is current;
/// computed (streamed) and cached otherwise. An unreadable file → w2s::Error naming it; a cache
/// that cannot be written is skipped silently (the digest is still exact).
std::string file_sha256_cached(const std::filesystem::path& path);

}  // namespace w2s
