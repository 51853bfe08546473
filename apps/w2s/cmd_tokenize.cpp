// `w2s tokenize DIR --text ...`: token ids and pieces.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "w2s/config/cli.h"
#include "w2s/core/file.h"
#include "w2s/tokenizer/tokenizer.h"

namespace w2s::app {
namespace {

struct TokenizeOptions {
  std::string model;  // folder with tokenizer.json (or vocab.json + merges.txt)
  std::string text;   // text to encode
  std::string file;   // or: a file whose contents to encode
  bool json = false;  // print JSON {"ids": [...], "pieces": [...]}
  static const config::Schema<TokenizeOptions>& schema() {
    static const auto s =
        config::Schema<TokenizeOptions>()
            .field("model", &TokenizeOptions::model, "folder with tokenizer.json or vocab.json+merges.txt")
            .field("text", &TokenizeOptions::text, "text to encode")
            .field("file", &TokenizeOptions::file, "encode this file's contents instead")
            .field("json", &TokenizeOptions::json, "print JSON");
    return s;
  }
};

/// `text_given`: --text was on the command line, perhaps empty (an empty text is 0 tokens, or the
/// template's BOS).
void run(const TokenizeOptions& o, bool text_given) {
  check(!o.model.empty(), "tokenize: give a model or tokenizer folder");
  check(text_given != !o.file.empty(), "tokenize: give exactly one of --text or --file");
  const auto tok = tokenizer::Tokenizer::from_dir(o.model);
  const std::string text = o.file.empty() ? o.text : read_file(o.file);
  const auto ids = tok.encode(text);
  // Byte-level pieces read best as the text they stand for (" world" for "Ġworld"); SentencePiece
  // pieces as themselves ("▁world", "<0xC3>"), since decoding one alone drops its leading space.
  auto shown = [&](int64_t id) { return tok.spec().byte_level ? tok.decode({id}) : tok.id_to_token(id); };
  if (o.json) {
    nlohmann::json j;
    j["ids"] = ids;
    j["pieces"] = nlohmann::json::array();
    for (auto id : ids) j["pieces"].push_back(shown(id));
    fmt::print("{}\n", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    return;
  }
  fmt::print("{} tokens, {} bytes ({:.2f} bytes/token)\n", ids.size(), text.size(),
             ids.empty() ? 0.0 : static_cast<double>(text.size()) / ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    fmt::print("{:>6} {:>8}  {}\n", i, ids[i],
               nlohmann::json(shown(ids[i])).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
}

}  // namespace

void register_tokenize(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "tokenize",
      "encode text and show token ids and pieces (byte-level: the text each stands for; SentencePiece-style: the "
      "vocabulary piece)");
  auto bind = config::bind_cli<TokenizeOptions>(*cmd, {"model"});
  cmd->callback([bind, cmd] {
    const auto o = bind->resolve();
    if (bind->dump_requested()) return fmt::print("{}", config::dump_toml(o, bind->schema()));
    const auto* text = cmd->get_option_no_throw("--text");
    run(o, !o.text.empty() || (text && text->count() > 0));
  });
}

}  // namespace w2s::app
