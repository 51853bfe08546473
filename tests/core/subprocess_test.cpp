// Subprocess: lines both ways, end of output, a timeout on a silent child, errors that name it.
#include "w2s/core/subprocess.h"

#include <gtest/gtest.h>

#include <chrono>

#include "test_support.h"
#include "w2s/core/error.h"

namespace w2s {
namespace {

using test::error_of;

TEST(Subprocess, LinesGoInAndComeBack) {
  Subprocess cat({"cat"});
  cat.write_line("first");
  cat.write_line("second\r");  // a CRLF line comes back without the \r
  EXPECT_EQ(cat.read_line(10), "first");
  cat.write_line("third");
  EXPECT_EQ(cat.finish(10), 0);            // end of input: cat exits 0
  EXPECT_EQ(cat.read_line(10), "second");  // what it wrote before exiting is still there
  EXPECT_EQ(cat.read_line(10), "third");
  EXPECT_EQ(cat.read_line(10), std::nullopt);
}

TEST(Subprocess, EndOfOutputAndExitStatus) {
  Subprocess sh({"sh", "-c", "printf 'a\\nb'; exit 3"});
  EXPECT_EQ(sh.read_line(10), "a");
  EXPECT_EQ(sh.read_line(10), "b");  // the last line without a newline
  EXPECT_EQ(sh.read_line(10), std::nullopt);
  EXPECT_EQ(sh.finish(10), 3);
}

TEST(Subprocess, ASilentChildTimesOutAndIsKilled) {
  Subprocess sleeper({"sleep", "30"});
  const auto t0 = std::chrono::steady_clock::now();
  const auto msg = error_of([&] { sleeper.read_line(0.2); });
  EXPECT_NE(msg.find("sleep: no reply within"), std::string::npos) << msg;
  EXPECT_EQ(sleeper.finish(0.2), 128 + 9);  // SIGKILL after the grace period
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 10.0);
}

TEST(Subprocess, WritingToAnExitedChildIsAnErrorNotSigpipe) {
  Subprocess t({"true"});
  EXPECT_EQ(t.read_line(10), std::nullopt);  // it exited
  std::string msg = "<no error>";
  for (int i = 0; i < 100 && msg == "<no error>"; ++i)  // the first writes may still fit the pipe buffer
    msg = error_of([&] { t.write_line(std::string(4096, 'x')); });
  EXPECT_NE(msg.find("true: the program exited"), std::string::npos) << msg;
}

TEST(Subprocess, AMissingProgramIsNamed) {
  const auto msg = error_of([] { Subprocess p({"w2s-no-such-program"}); });
  EXPECT_NE(msg.find("w2s-no-such-program: cannot start"), std::string::npos) << msg;
}

}  // namespace
}  // namespace w2s
