// Fuzz target: dataset files as users bring them. The first byte picks the reader: JSONL
// classification, JSONL comparisons (prompt/chosen/rejected), CSV, TSV without a header, or one of
// the Hugging Face export formatters; the rest is the file.
#include "support.h"
#include "w2s/data/formatters.h"
#include "w2s/data/sources.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t pick = data[0];
  const auto body = w2s::fuzz::as_text(data + 1, size - 1);
  static const auto formats = w2s::data::hf_format_names();
  const size_t n_kinds = 4 + formats.size();
  const size_t kind = pick % n_kinds;
  w2s::data::SourceOptions o;
  std::string name = "rows.jsonl";
  if (kind == 1) {
    o.prompt_field = "prompt";
    o.chosen_field = "chosen";
    o.rejected_field = "rejected";
    o.group_field = "group";
  } else if (kind == 2) {
    name = "rows.csv";
    o.id_field = pick & 0x80 ? "id" : "";
  } else if (kind == 3) {
    name = "rows.tsv";
    o.header = false;
    o.text_field = "0";
    o.label_field = "1";
  }
  const auto path = w2s::fuzz::write_scratch(name, body);
  w2s::fuzz::expect_clean("dataset file", [&] {
    if (kind < 4) {
      (void)w2s::data::load_examples(path, o);
    } else {
      (void)w2s::data::format_hf_file(formats[kind - 4], path, /*seed=*/pick);
    }
  });
  return 0;
}
