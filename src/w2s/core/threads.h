// Thread settings for libtorch (1.13 defaults to one thread on these machines).
#pragma once

namespace w2s {

/// Set intra-op threads; n <= 0 means all cores. Returns the count in effect.
int set_threads(int n);

}  // namespace w2s
