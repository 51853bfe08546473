// Fuzz target: tokenizer.json text. A spec that parses and builds must encode text and decode
// its ids without error.
#include "support.h"
#include "w2s/tokenizer/tokenizer.h"
#include "w2s/tokenizer/tokenizer_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto text = w2s::fuzz::as_text(data, size);
  w2s::fuzz::expect_clean("tokenizer.json", [&] {
    auto spec = w2s::tokenizer::parse_tokenizer_json(text, "fuzz/tokenizer.json");
    const auto tok = w2s::tokenizer::Tokenizer::from_spec(std::move(spec));
    for (const char* sample : {"Hello world", " the <|endoftext|> end\n\n", "caf\xc3\xa9 \xe2\x82\xac 123"}) {
      const auto ids = tok.encode(sample);
      (void)tok.decode(ids);
      (void)tok.decode(ids, /*skip_special_tokens=*/true);
    }
  });
  return 0;
}
