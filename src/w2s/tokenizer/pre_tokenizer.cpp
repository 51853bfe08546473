// PCRE2 regex wrapper and regex-split pre-tokenizer.
#define PCRE2_CODE_UNIT_WIDTH 8
#include "w2s/tokenizer/pre_tokenizer.h"

#include <pcre2.h>

#include "w2s/core/error.h"
#include "w2s/core/text.h"
#include "w2s/tokenizer/byte_level.h"

namespace w2s::tokenizer {
namespace {

std::string pcre2_message(int code) {
  PCRE2_UCHAR buf[256];
  const int n = pcre2_get_error_message(code, buf, sizeof(buf));
  if (n < 0) return "PCRE2 error " + std::to_string(code);
  return std::string(reinterpret_cast<const char*>(buf), static_cast<size_t>(n));
}

// Per-thread match state, shared by every Regex: a one-pair match data block (we only need the
// whole match) and, created on first need, a match context with a large JIT stack.
struct ThreadMatchState {
  pcre2_match_data* data = nullptr;
  pcre2_match_context* context = nullptr;
  pcre2_jit_stack* jit_stack = nullptr;

  ThreadMatchState() { data = pcre2_match_data_create(1, nullptr); }
  ~ThreadMatchState() {
    if (context) pcre2_match_context_free(context);
    if (jit_stack) pcre2_jit_stack_free(jit_stack);
    if (data) pcre2_match_data_free(data);
  }
  pcre2_match_context* big_stack_context() {
    if (!context) {
      context = pcre2_match_context_create(nullptr);
      jit_stack = pcre2_jit_stack_create(64 * 1024, 256 * 1024 * 1024, nullptr);
      if (context && jit_stack) pcre2_jit_stack_assign(context, nullptr, jit_stack);
    }
    return context;
  }
};

ThreadMatchState& thread_state() {
  thread_local ThreadMatchState state;
  return state;
}

}  // namespace

Regex::Regex(std::string_view pattern, bool literal) : pattern_(pattern) {
  int error = 0;
  PCRE2_SIZE offset = 0;
  // PCRE2_LITERAL refuses PCRE2_UCP (it has no character classes to apply it to).
  const uint32_t options = PCRE2_UTF | (literal ? PCRE2_LITERAL : PCRE2_UCP);
  pcre2_code* code =
      pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern_.data()), pattern_.size(), options, &error, &offset, nullptr);
  if (!code) {
    fail("pre-tokenizer regex '{}': {} at offset {}", pattern_, pcre2_message(error), offset);
  }
  code_ = code;
  jit_ = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;  // falls back to the interpreter
}

Regex::~Regex() {
  if (code_) pcre2_code_free(static_cast<pcre2_code*>(code_));
}

bool Regex::find(std::string_view text, size_t offset, size_t& begin, size_t& end) const {
  ThreadMatchState& state = thread_state();
  check(state.data != nullptr, "pre-tokenizer regex: out of memory for match data");
  auto* code = static_cast<pcre2_code*>(code_);
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  int rc = pcre2_match(code, subject, text.size(), offset, PCRE2_NO_UTF_CHECK, state.data, nullptr);
  if (rc == PCRE2_ERROR_JIT_STACKLIMIT) {
    // Long matches (megabyte-long whitespace runs, say) outgrow the default 32 KiB JIT stack.
    rc = pcre2_match(code, subject, text.size(), offset, PCRE2_NO_UTF_CHECK, state.data, state.big_stack_context());
  }
  if (rc == PCRE2_ERROR_NOMATCH) return false;
  if (rc < 0) fail("pre-tokenizer regex '{}': matching failed: {}", pattern_, pcre2_message(rc));
  // rc == 0 means the one-pair ovector was too small for capture groups; pair 0 is still set.
  const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(state.data);
  begin = ovector[0];
  end = ovector[1];
  return true;
}

PreTokenizer::PreTokenizer(std::vector<SplitRule> rules) : rules_(std::move(rules)) {
  regexes_.reserve(rules_.size());
  for (const SplitRule& rule : rules_) {
    regexes_.push_back(std::make_unique<Regex>(rule.pattern, rule.literal));
  }
}

void PreTokenizer::split(std::string_view text, std::vector<std::string_view>& words) const {
  check(is_valid_utf8(text), "pre-tokenizer: input is not valid UTF-8");
  split_valid(text, words);
}

namespace {

void split_one(const Regex& regex, SplitBehavior behavior, std::string_view text, std::vector<std::string_view>& out) {
  size_t pos = 0;   // where the next search starts
  size_t last = 0;  // end of the last word emitted
  size_t begin = 0, end = 0;
  while (pos <= text.size() && regex.find(text, pos, begin, end)) {
    if (end == begin) {  // an empty match splits nothing: search again one character later
      if (begin >= text.size()) break;
      pos = begin + utf8_char_len(static_cast<unsigned char>(text[begin]));
      continue;
    }
    if (begin > last) out.push_back(text.substr(last, begin - last));
    if (behavior == SplitBehavior::isolated) out.push_back(text.substr(begin, end - begin));
    last = pos = end;
  }
  if (last < text.size()) out.push_back(text.substr(last));
}

}  // namespace

void PreTokenizer::split_valid(std::string_view text, std::vector<std::string_view>& words) const {
  if (text.empty()) return;
  if (regexes_.empty()) {
    words.push_back(text);
    return;
  }
  if (regexes_.size() == 1) {
    split_one(*regexes_[0], rules_[0].behavior, text, words);
    return;
  }
  std::vector<std::string_view> current{text}, next;
  for (size_t k = 0; k < regexes_.size(); ++k) {
    next.clear();
    for (std::string_view piece : current) split_one(*regexes_[k], rules_[k].behavior, piece, next);
    current.swap(next);
  }
  words.insert(words.end(), current.begin(), current.end());
}

const char* prepend_scheme_name(PrependScheme scheme) {
  switch (scheme) {
    case PrependScheme::always:
      return "always";
    case PrependScheme::first:
      return "first";
    case PrependScheme::never:
      return "never";
  }
  return "?";
}

void metaspace_words(std::string_view text, MetaspaceAt at, const Metaspace& m, std::string& buffer,
                     std::vector<std::string_view>& words) {
  const std::string& rep = m.replacement;
  buffer.clear();
  if (text.empty()) return;  // the library prepends nothing to empty text
  buffer.reserve(text.size() + 3 * (1 + text.size() / 4));
  for (char c : text) {
    if (c == ' ') {
      buffer += rep;
    } else {
      buffer.push_back(c);
    }
  }
  const bool prepend =
      at != MetaspaceAt::continuation && (m.prepend_scheme == PrependScheme::always ||
                                          (m.prepend_scheme == PrependScheme::first && at == MetaspaceAt::input_start));
  if (prepend && buffer.compare(0, rep.size(), rep) != 0) buffer.insert(0, rep);
  const std::string_view all = buffer;
  if (!m.split || rep.empty()) {
    words.push_back(all);
    return;
  }
  // The library's MergedWithNext: each replacement opens a new word.
  size_t begin = 0;
  for (size_t hit = all.find(rep, 1); hit != std::string_view::npos; hit = all.find(rep, hit + rep.size())) {
    if (hit > begin) words.push_back(all.substr(begin, hit - begin));
    begin = hit;
  }
  words.push_back(all.substr(begin));
}

}  // namespace w2s::tokenizer
