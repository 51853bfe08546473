// w2s — entry point: dispatches to one cmd_<verb>.cpp per subcommand.
#include <cstdio>
#include "w2s/core/version.h"
int main(int argc, char** argv) {
  std::printf("w2s %s (%s)\n", w2s::version(), w2s::git_commit());
  return 0;
}
