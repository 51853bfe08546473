// Renders the fixture's HTML report in headless Chromium and checks the screenshot: a PNG of the
// window size that is not blank. Needs `chromium` (scripts/setup.sh installs it; CI too).
//   W2S_REPORT_SCREENSHOT=docs/img/report.png  also keep a copy of the screenshot there
//   W2S_REPORT_HTML=/tmp/report.html           ... and of the rendered page
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "test_support.h"
#include "w2s/core/file.h"
#include "w2s/report/html_report.h"
#include "w2s/report/results.h"

namespace w2s::report {
namespace {

namespace fs = std::filesystem;

uint32_t be32(const std::string& s, size_t p) {
  return (uint32_t(uint8_t(s[p])) << 24) | (uint32_t(uint8_t(s[p + 1])) << 16) | (uint32_t(uint8_t(s[p + 2])) << 8) |
         uint32_t(uint8_t(s[p + 3]));
}

struct PngInfo {
  uint32_t width = 0, height = 0;
  uint64_t idat_bytes = 0;  // compressed image data
  std::string error;        // "" when the chunk structure is valid
};

/// Walk the chunks of a PNG: signature, IHDR first, IDAT sizes, IEND last.
PngInfo png_info(const std::string& png) {
  PngInfo info;
  static const std::string kSig = "\x89PNG\r\n\x1a\n";
  if (png.compare(0, kSig.size(), kSig) != 0) return {0, 0, 0, "no PNG signature"};
  size_t p = kSig.size();
  bool first = true, end = false;
  while (p + 12 <= png.size()) {
    const uint32_t len = be32(png, p);
    const std::string type = png.substr(p + 4, 4);
    if (p + 12 + len > png.size()) return {0, 0, 0, "truncated chunk " + type};
    if (first) {
      if (type != "IHDR" || len != 13) return {0, 0, 0, "first chunk is not IHDR"};
      info.width = be32(png, p + 8);
      info.height = be32(png, p + 12);
      first = false;
    }
    if (type == "IDAT") info.idat_bytes += len;
    p += 12 + len;
    if (type == "IEND") {
      end = true;
      break;
    }
  }
  if (!end) info.error = "no IEND chunk";
  return info;
}

std::string find_chromium() {
  for (const char* name : {"chromium", "chromium-browser"}) {
    const std::string cmd = std::string("command -v ") + name + " >/dev/null 2>&1";
    if (std::system(cmd.c_str()) == 0) return name;
  }
  return "";
}

TEST(ReportBrowser, ScreenshotIsANonBlankPng) {
  const std::string chromium = find_chromium();
  ASSERT_FALSE(chromium.empty())
      << "chromium is not installed: run scripts/setup.sh (it installs the `chromium` package)";

  test::TempDir dir;
  const fs::path html = dir / "report.html", png = dir / "report.png", log = dir / "chromium.log";
  const fs::path profile = dir / "profile";
  fs::create_directories(profile);
  ReportOptions options;
  options.source = "tests/report/data/results_fixture.json";
  write_html_report(load_results(test::source_dir() / "tests/report/data/results_fixture.json"), html.string(),
                    options);

  const std::string cmd = "timeout 180 " + chromium +
                          " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
                          " --disable-background-networking --disable-component-update --disable-sync"
                          " --user-data-dir='" +
                          profile.string() + "' --screenshot='" + png.string() + "' --window-size=1400,1000 'file://" +
                          html.string() + "' >'" + log.string() + "' 2>&1";
  const int rc = std::system(cmd.c_str());
  ASSERT_TRUE(fs::exists(png)) << "no screenshot (exit status " << rc << "); chromium said:\n"
                               << (fs::exists(log) ? read_file(log) : std::string("(no log)"));

  const std::string bytes = read_file(png);
  const PngInfo info = png_info(bytes);
  ASSERT_EQ(info.error, "");
  EXPECT_EQ(info.width, 1400u);
  EXPECT_EQ(info.height, 1000u);
  // A blank white 1400x1000 screenshot compresses to ~6 kB of IDAT; the report's figures and
  // text give well over 20 kB.
  EXPECT_GT(info.idat_bytes, 20'000u) << "the screenshot looks blank";

  auto keep = [](const char* var, const std::string& content) {
    if (const char* path = std::getenv(var); path && *path) {
      fs::create_directories(fs::absolute(path).parent_path());
      write_file_atomic(path, content);
    }
  };
  keep("W2S_REPORT_SCREENSHOT", bytes);
  keep("W2S_REPORT_HTML", read_file(html));
}

}  // namespace
}  // namespace w2s::report
