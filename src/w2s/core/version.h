// Version and git commit of this build (recorded in every result).
#pragma once

namespace w2s {
const char* version();     // e.g. "0.1.0"
const char* git_commit();  // short hash, "-dirty" if the tree had changes at configure time
}  // namespace w2s
