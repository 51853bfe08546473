// Fuzz target: vocab.json + merges.txt (the input split at its first NUL byte).
#include "support.h"
#include "w2s/tokenizer/tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto [vocab, merges] = w2s::fuzz::split_once(w2s::fuzz::as_text(data, size), std::string_view("\0", 1));
  const auto vocab_path = w2s::fuzz::write_scratch("vocab.json", vocab);
  const auto merges_path = w2s::fuzz::write_scratch("merges.txt", merges);
  w2s::fuzz::expect_clean("vocab.json + merges.txt", [&] {
    const auto tok = w2s::tokenizer::Tokenizer::from_vocab_merges(vocab_path, merges_path);
    const auto ids = tok.encode("Hello world, lower newer <|endoftext|>");
    (void)tok.decode(ids);
  });
  return 0;
}
