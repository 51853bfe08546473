#include "support.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <vector>

namespace w2s::fuzz {

namespace {
struct Scratch {
  std::filesystem::path dir;
  Scratch() {
    const char* tmp = std::getenv("TMPDIR");
    std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/w2s-fuzz.XXXXXX";
    std::vector<char> buf(templ.begin(), templ.end());
    buf.push_back('\0');
    if (!mkdtemp(buf.data())) {
      std::perror("w2s fuzz: mkdtemp");
      std::abort();
    }
    dir = buf.data();
  }
  ~Scratch() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};
}  // namespace

const std::filesystem::path& scratch_dir() {
  static Scratch s;
  return s.dir;
}

std::filesystem::path write_scratch(const std::string& name, std::string_view bytes) {
  const auto path = scratch_dir() / name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) {
    std::fprintf(stderr, "w2s fuzz: cannot write %s\n", path.c_str());
    std::abort();
  }
  return path;
}

std::pair<std::string_view, std::string_view> split_once(std::string_view input, std::string_view sep) {
  const size_t at = input.find(sep);
  if (at == std::string_view::npos) return {input, {}};
  return {input.substr(0, at), input.substr(at + sep.size())};
}

void report_escape(const char* what, const char* type, const char* message) {
  std::fprintf(stderr, "w2s fuzz: %s: %s escaped (not w2s::Error): %s\n", what, type, message);
  std::abort();
}

void property_failed(const char* what, const std::string& message) {
  std::fprintf(stderr, "w2s fuzz: %s: %s\n", what, message.c_str());
  std::abort();
}

void check_error_message(const char* what, const char* message) {
  static const bool verbose = std::getenv("W2S_FUZZ_VERBOSE") != nullptr;
  if (verbose) std::fprintf(stderr, "w2s fuzz: %s: w2s::Error: %s\n", what, message ? message : "");
  if (message == nullptr || *message == '\0') {
    std::fprintf(stderr, "w2s fuzz: %s: w2s::Error with an empty message\n", what);
    std::abort();
  }
}

}  // namespace w2s::fuzz
