// Fuzz target: TOML config files, read into typed option structs through their schemas (the
// [data] and [genft] tables of `w2s sweep` configs: strings, integers, reals, booleans, lists and
// choices, the same conversion code every schema uses). A config that applies must dump to TOML
// that reads back to the same options. (Schemas whose structs hold libtorch types cannot be built
// with clang, which fuzzes; their TOML goes through the same parse_toml_string and apply.)
#include "support.h"
#include "w2s/config/schema.h"
#include "w2s/methods/options.h"

namespace {
// What a dump of accepted input produces must read back: an error there is a bug, not bad input.
template <typename Fn>
auto reread(const std::string& dumped, Fn&& fn) {
  try {
    return fn();
  } catch (const w2s::Error& e) {
    w2s::fuzz::property_failed("TOML round trip",
                               std::string("the dump does not read back (") + e.what() + "):\n" + dumped);
  }
}

template <typename T>
void round_trip(std::string_view text) {
  const auto& schema = T::schema();
  T obj;
  w2s::config::apply(obj, schema, w2s::config::parse_toml_string(text, "fuzz.toml"), "fuzz.toml");
  const std::string dumped = w2s::config::dump_toml(obj, schema);
  const std::string again = reread(dumped, [&] {
    T back;
    w2s::config::apply(back, schema, w2s::config::parse_toml_string(dumped, "dumped.toml"), "dumped.toml");
    return w2s::config::dump_toml(back, schema);
  });
  if (again != dumped)
    w2s::fuzz::property_failed("TOML round trip", "changed the options:\n" + dumped + "---- read back as:\n" + again);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto text = w2s::fuzz::as_text(data, size);
  w2s::fuzz::expect_clean("[data] config", [&] { round_trip<w2s::methods::DataOptions>(text); });
  w2s::fuzz::expect_clean("[genft] config", [&] { round_trip<w2s::methods::GenftOptions>(text); });
  w2s::fuzz::expect_clean("TOML", [&] {
    const std::string dumped = w2s::config::to_toml(w2s::config::parse_toml_string(text, "fuzz.toml"));
    const std::string again =
        reread(dumped, [&] { return w2s::config::to_toml(w2s::config::parse_toml_string(dumped, "dumped.toml")); });
    if (again != dumped)
      w2s::fuzz::property_failed(
          "TOML", "to_toml(parse_toml_string(x)) reads back differently:\n" + dumped + "---- read back as:\n" + again);
  });
  return 0;
}
