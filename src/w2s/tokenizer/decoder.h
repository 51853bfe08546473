// Decoders of Hugging Face tokenizer.json files for character-level (SentencePiece-style) BPE:
// Replace (of a literal), ByteFallback, Fuse, Strip and Metaspace, in a Sequence. They turn the
// list of token strings that ids stand for into text, step by step, as the tokenizers library does
// (byte-level BPE decodes through its byte alphabet instead, in the tokenizer itself).
//
//   Llama 2 / Mistral / TinyLlama: Replace "▁"→" ", ByteFallback, Fuse, Strip " " (start 1):
//     ["<s>", "▁Hello", "▁w", "<0xC3>", "<0xA9>"] → "<s> Hello wé"
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "w2s/tokenizer/pre_tokenizer.h"  // PrependScheme

namespace w2s::tokenizer {

enum class DecoderKind { replace, byte_fallback, fuse, strip, metaspace };

struct DecoderStep {
  DecoderKind kind = DecoderKind::fuse;
  std::string pattern;                                   // replace: the literal replaced; metaspace: the replacement
  std::string content;                                   // replace: its replacement; strip: the character removed
  int64_t start = 0;                                     // strip: at most this many leading `content` removed
  int64_t stop = 0;                                      // strip: at most this many trailing `content` removed
  PrependScheme prepend_scheme = PrependScheme::always;  // metaspace: decides whether the first token loses it
  bool split = true;                                     // metaspace: kept for the round trip (decoding ignores it)
  bool operator==(const DecoderStep&) const = default;
};

/// The tokenizer.json type name of a step ("Replace", "ByteFallback", ...).
const char* decoder_name(DecoderKind kind);

/// Applies `steps` in order to the token strings and concatenates what is left. Every step works
/// on the list as the tokenizers library's does:
///   replace      each token: every occurrence of `pattern` becomes `content`;
///   byte_fallback runs of "<0xNN>" tokens become the bytes they spell, one token per run;
///   fuse         all tokens become one;
///   strip        each token: up to `start` leading and `stop` trailing `content` characters go;
///   metaspace    each token: the replacement becomes a space, except that in the first token it
///                is dropped unless the prepend scheme is never.
/// Unlike the library, ByteFallback keeps bytes that are not valid UTF-8 as they are (the library
/// writes U+FFFD for each): decode() returns raw bytes for byte-level tokenizers too, so that the
/// pieces of a character cut in two still join into it.
std::string decode_tokens(std::vector<std::string> tokens, const std::vector<DecoderStep>& steps);

}  // namespace w2s::tokenizer
