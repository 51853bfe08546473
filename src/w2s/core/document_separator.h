// The line that ends every document of a pretraining text (corpus.txt, heldout.txt, the chess game
// corpus): GPT-2's end-of-text token, which the tokenizers w2s trains keep as one special token.
// Here, below every folder that writes or reads such texts.
#pragma once

#include <string_view>

namespace w2s {

inline constexpr std::string_view kDocumentSeparator = "<|endoftext|>";

}  // namespace w2s
