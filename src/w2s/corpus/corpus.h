// `w2s corpus build`: the pretraining corpus from packaged English text (corpus_sources.h), with
// the built-in tasks' test sets kept out.
//
// Steps: read every source into documents; normalize (valid UTF-8, LF newlines, no control
// characters, at most one blank line in a row; the separator string is removed from the text);
// remove test-set leaks (leak_check.h): lines holding a test text are dropped, then paragraphs,
// and a document that still holds one is dropped whole; drop repeated paragraphs (those of at least
// min_dedup_paragraph_bytes; compared by match_key hash, first kept) and repeated documents;
// check again that no test text is left (the count is reported and must be 0, else it throws);
// put a deterministic ~heldout_fraction of documents (by a seeded hash of their text) aside.
// Test texts are excluded at the source as well: the spam test mails are not read, and WordNet
// synsets whose definition appears in a `definitions` test example are left out (the strong model
// may know a word's meanings from GCIDE and ordinary text, but never saw the test items).
//
// Output (<out_dir>): corpus.txt and heldout.txt, UTF-8 documents each followed by a line holding
// only kDocumentSeparator ("<|endoftext|>"), so documents may contain blank lines (paragraphs);
// manifest.json with per-source package versions, input digests, documents and bytes, the dedup
// and leak counts, output SHA-256s and the w2s commit. Each file is written atomically.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "w2s/core/document_separator.h"
#include "w2s/corpus/leak_check.h"
#include "w2s/corpus/sources.h"
#include "w2s/data/example.h"

namespace w2s::corpus {

/// The line that ends every document in corpus.txt / heldout.txt (core/document_separator.h).
using w2s::kDocumentSeparator;

/// The corpus source names, in the order they are assembled.
const std::vector<std::string>& corpus_source_names();

/// Options of build_corpus().
struct CorpusOptions {
  std::filesystem::path data_root;        // reads <root>/raw and <root>/tasks
  std::filesystem::path out_dir;          // output folder; empty = <root>/corpus
  uint64_t seed = 0;                      // held-out selection
  double heldout_fraction = 0.01;         // share of documents put in heldout.txt
  size_t min_dedup_paragraph_bytes = 64;  // shorter paragraphs ("Amen.", "CHAPTER I") may repeat
  size_t email_max_bytes = 20000;         // a mail body is cut after this many bytes
  std::vector<std::string> sources;       // which sources; empty = all corpus_source_names()
};

/// Counts of the leak removal.
struct LeakRemoval {
  size_t n_docs_with_hits = 0;                             // documents that held a test text before removal
  size_t n_hits = 0;                                       // (document, probe) pairs found before removal
  size_t n_lines_removed = 0;                              // lines dropped
  size_t n_paragraphs_removed = 0;                         // paragraphs dropped (a text spanning lines)
  size_t n_docs_removed = 0;                               // documents dropped whole
  std::map<std::string, size_t> docs_with_hits_by_source;  // source → documents with hits
  std::map<std::string, size_t> hits_by_task;              // task of the probe → hits
};

/// Counts of deduplication.
struct DedupStats {
  size_t n_paragraphs_removed = 0;  // repeated paragraphs dropped
  size_t n_docs_removed = 0;        // repeated (or emptied) documents dropped
};

/// Per-source counts in the report.
struct CorpusSourceReport {
  std::string name;                                   // e.g. "gcide"
  size_t n_docs_read = 0;                             // documents read from the source
  size_t n_docs = 0;                                  // documents written (corpus + heldout)
  size_t n_bytes = 0;                                 // bytes written (without separators)
  size_t n_excluded = 0;                              // items left out at the source as test-set material
  double seconds = 0;                                 // read time
  nlohmann::json inputs = nlohmann::json::array();    // digests of its raw files
  nlohmann::json packages = nlohmann::json::array();  // package versions
};

/// What build_corpus() did.
struct CorpusReport {
  std::vector<CorpusSourceReport> sources;
  size_t n_probes = 0;                             // test texts checked for
  LeakRemoval leaks;                               // removal counts
  DedupStats dedup;                                // dedup counts
  size_t n_leaks_final = 0;                        // test texts found in the written corpus: always 0 on success
  size_t n_docs = 0, n_bytes = 0;                  // corpus.txt documents and bytes
  size_t n_heldout_docs = 0, n_heldout_bytes = 0;  // heldout.txt
  size_t n_utf8_replaced = 0;                      // invalid UTF-8 sequences replaced by U+FFFD
  double seconds = 0;                              // total wall time
  nlohmann::json manifest;                         // manifest.json as written
};

/// Build the corpus (see the file comment). Throws when a task is not prepared ("run w2s data
/// prepare"), a raw source is missing ("run scripts/fetch_data.sh"), or a leak survives.
CorpusReport build_corpus(const CorpusOptions& options);

/// Probes for every test example of `tasks`: the whole text, plus the definition of a
/// `definitions` example (the review / mail body is the whole text for reviews and spam).
std::vector<LeakProbe> test_set_probes(const std::vector<data::Task>& tasks);

/// Normalize a document's text in place (see the file comment); returns U+FFFD replacements.
size_t normalize_document(CorpusDocument& doc);

/// Drop lines that hold a probe, then paragraphs, then whole documents that still hold one.
LeakRemoval remove_leaks(std::vector<CorpusDocument>& docs, const LeakDetector& detector);

/// Number of (document, probe) pairs found.
size_t count_leaks(const std::vector<CorpusDocument>& docs, const LeakDetector& detector);

/// Drop repeated paragraphs (>= min_paragraph_bytes) and repeated or empty documents, in order.
DedupStats dedup_documents(std::vector<CorpusDocument>& docs, size_t min_paragraph_bytes);

/// True when a document with this text goes to heldout.txt (seeded hash below the fraction).
bool is_heldout(std::string_view text, uint64_t seed, double fraction);

/// Documents joined in corpus.txt form (each followed by "\n<|endoftext|>\n").
std::string join_documents(const std::vector<CorpusDocument>& docs);

/// The documents of a corpus.txt / heldout.txt text (inverse of join_documents).
std::vector<std::string> split_documents(std::string_view text);

}  // namespace w2s::corpus
