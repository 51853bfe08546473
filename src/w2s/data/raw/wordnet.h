// WordNet 3.0 database files (data.noun, data.verb, data.adj, data.adv from Debian wordnet-base):
// synsets with their lemmas and glosses, as used by the `definitions` task and the corpus.
//
// A data line is "offset lex_filenum ss_type w_cnt(hex) {word lex_id(hex)}... p_cnt {pointer}...
// [frames] | gloss". Lines starting with two spaces are the license header. In data.adj a lemma
// may carry a syntactic marker "(a)", "(p)" or "(ip)", removed here; satellites ('s') count as
// adjectives. The gloss is the definition followed by optional examples: `; "example"`.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace w2s::data {

/// One WordNet synset.
struct Synset {
  std::string id;                     // "<pos>/<offset>", e.g. "n/08420278" (unique)
  char pos = 'n';                     // 'n', 'v', 'a' (adjectives and satellites), 'r' (adverbs)
  char ss_type = 'n';                 // as in the file: 'n', 'v', 'a', 's' (satellite), 'r'
  int lex_filenum = 0;                // lexicographer file number (noun.animal = 05, ...)
  std::vector<std::string> lemmas;    // as in the file, markers removed: "bank", "physical_entity"
  std::vector<int> lex_ids;           // lex_id of each lemma (sense keys use it)
  std::string definition;             // gloss text before the examples, e.g. "sloping land ..."
  std::vector<std::string> examples;  // the quoted usage examples, quotes removed
};

/// "noun", "verb", "adjective", "adverb" for 'n', 'v', 'a', 'r'.
std::string_view pos_name(char pos);

/// Split a gloss into its definition and the quoted examples: the definition ends at the first
/// `"` that opens an example (at the start or after "; "); trailing ';' and spaces are removed.
void split_gloss(std::string_view gloss, std::string& definition, std::vector<std::string>& examples);

/// A lemma for display: underscores become spaces ("physical_entity" → "physical entity").
std::string lemma_text(std::string_view lemma);

/// Parse the text of one data.<pos> file (`where` names it in errors, with the line number).
/// Throws w2s::Error "WHERE:LINE: ..." on a malformed synset line.
std::vector<Synset> parse_wordnet_data(std::string_view text, char pos, std::string_view where);

/// All synsets of data.noun, data.verb, data.adj, data.adv in `dir` (in that order).
std::vector<Synset> read_wordnet(const std::filesystem::path& dir);

/// The four file names read by read_wordnet, in order.
std::vector<std::string> wordnet_files();

/// Semantic-concordance tag counts from cntlist.rev ("sense_key sense_number tag_cnt" lines),
/// keyed by the sense key's first part "lemma%ss_type:lex_filenum:lex_id" (see sense_key_prefix).
/// A sense with a count was seen in tagged running text: the common senses of common words.
std::unordered_map<std::string, int> read_sense_counts(const std::filesystem::path& cntlist);

/// "lemma%ss_type:lex_filenum:lex_id" of lemma `i` of `s` (lemma lowercased, ss_type 1 noun,
/// 2 verb, 3 adjective, 4 adverb, 5 satellite; two-digit numbers), e.g. "bank%1:17:01".
std::string sense_key_prefix(const Synset& s, size_t i);

/// Tag count of lemma `i` of `s` in `counts` (0 when absent).
int sense_count(const std::unordered_map<std::string, int>& counts, const Synset& s, size_t i);

}  // namespace w2s::data
