// Built-in tasks: one builder call per task, and `w2s data prepare`.
#include "w2s/data/builtin/prepare.h"

#include <algorithm>
#include <chrono>

#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/core/log.h"
#include "w2s/data/builtin/chess_puzzles.h"
#include "w2s/data/builtin/definitions.h"
#include "w2s/data/builtin/preferences.h"
#include "w2s/data/builtin/reviews.h"
#include "w2s/data/builtin/spam.h"
#include "w2s/data/raw/wordnet.h"
#include "w2s/io/json_read.h"

namespace w2s::data {
namespace fs = std::filesystem;

namespace {

/// The source packages of a built corpus (its manifest's sources), each once.
std::vector<PackageVersion> corpus_packages(const fs::path& corpus_dir) {
  const fs::path path = corpus_dir / "manifest.json";
  std::vector<PackageVersion> out;
  try {
    const nlohmann::json manifest = io::parse_json(read_file(path));
    for (const auto& src : manifest.at("sources")) {
      if (!src.contains("packages")) continue;
      for (const auto& p : src.at("packages")) {
        PackageVersion v{p.at("registry").get<std::string>(), p.at("name").get<std::string>(),
                         p.at("version").get<std::string>()};
        if (std::none_of(out.begin(), out.end(), [&](const PackageVersion& o) { return o.name == v.name; }))
          out.push_back(std::move(v));
      }
    }
  } catch (const nlohmann::json::exception& e) {
    fail("{}: malformed corpus manifest: {}", path.string(), e.what());
  }
  return out;
}

}  // namespace

BuiltTask build_builtin_task(const std::string& name, const fs::path& raw_dir, uint64_t seed) {
  const BuiltinTaskInfo* info = find_builtin_task(name);
  check(info != nullptr, "unknown built-in task '{}'", name);
  const fs::path root = raw_dir.parent_path();
  auto need = [&](const fs::path& p) {
    check(fs::exists(p), "{}: not found: run scripts/fetch_data.sh (or scripts/setup.sh)", p.string());
    return p;
  };
  BuiltTask out;
  out.manifest.seed = seed;
  const fs::path heldout = root / "corpus" / "heldout.txt";
  if (info->from_heldout)
    check(fs::exists(heldout),
          "{}: not found: task '{}' is built from the corpus's held-out documents; run "
          "`w2s corpus build` first (scripts/setup.sh does)",
          heldout.string(), name);
  out.manifest.packages =
      info->from_heldout ? corpus_packages(root / "corpus") : select_packages(read_packages(raw_dir), info->packages);
  nlohmann::json& notes = out.manifest.notes;
  if (name == "reviews") {
    const fs::path train = need(raw_dir / "modeldata" / "training_data.jsonl");
    const fs::path test = need(raw_dir / "modeldata" / "testing_data.jsonl");
    out.task = build_reviews(train, test, &notes);
    out.manifest.inputs = {digest_file(train, root), digest_file(test, root)};
  } else if (name == "spam") {
    const fs::path data = need(raw_dir / "npm" / "spam-assassin" / "data");
    SpamOptions o;
    o.seed = seed;
    out.task = build_spam(data, o, &notes);
    for (const SpamFolder& f : spam_folders()) {
      out.manifest.inputs.push_back(digest_tree(data / f.name, root, ".txt"));
    }
  } else if (name == "definitions") {
    const fs::path dir = need(raw_dir / "wordnet");
    for (const std::string& f : wordnet_files()) need(dir / f);
    const fs::path cntlist = need(dir / "cntlist.rev");
    DefinitionsOptions o;
    o.seed = seed;
    out.task = build_definitions(read_wordnet(dir), read_sense_counts(cntlist), o, &notes);
    for (const std::string& f : wordnet_files()) out.manifest.inputs.push_back(digest_file(dir / f, root));
    out.manifest.inputs.push_back(digest_file(cntlist, root));
  } else if (name == "continuations" || name == "minimal_pairs") {
    // Sentences the pretraining corpus holds too (quoted or repeated text) are left out.
    const fs::path corpus = need(root / "corpus" / "corpus.txt");
    const auto seen = sentence_hashes(read_file(corpus));
    const std::string text = read_file(heldout);
    const PreferenceOptions o{.seed = seed, .exclude = &seen};
    out.task = name == "continuations" ? build_continuations(text, o, &notes) : build_minimal_pairs(text, o, &notes);
    out.manifest.inputs = {digest_file(heldout, root), digest_file(corpus, root)};
  } else if (name == "definition_pairs") {
    // The definitions task's words, senses, negatives and test words, as comparisons.
    BuiltTask defs = build_builtin_task("definitions", raw_dir, seed);
    out.task = build_definition_pairs(defs.task);
    out.manifest.inputs = defs.manifest.inputs;
    notes = {{"definitions", defs.manifest.notes},
             {"pairs_train", out.task.train.size()},
             {"pairs_test", out.task.test.size()}};
  } else if (name == "chess_pairs" || name == "chess_moves") {
    const fs::path puzzles = root / info->input;
    check(fs::exists(puzzles), "{}: not found: {} makes it (the repository ships one)", puzzles.string(),
          info->input_maker);
    out.task = name == "chess_pairs" ? build_chess_pairs(puzzles, &notes) : build_chess_moves(puzzles, &notes);
    out.manifest.inputs = {digest_file(puzzles, root)};
  }
  out.task.kind = info->kind;
  out.task.name = info->name;
  out.task.description = info->description;
  return out;
}

std::vector<PrepareResult> prepare_builtin_tasks(const PrepareOptions& options) {
  std::vector<std::string> names = options.tasks;
  if (names.empty()) {
    for (const BuiltinTaskInfo& t : builtin_tasks()) {
      // Tasks made from the corpus's held-out split wait for `w2s corpus build` (which needs the
      // other tasks prepared first, to keep their test texts out of the corpus).
      if (t.from_heldout && !fs::exists(options.data_root / "corpus" / "heldout.txt")) {
        log::info("data: {} waits for the corpus (w2s corpus build, then w2s data prepare)", t.name);
        continue;
      }
      if (!t.input.empty() && !fs::exists(options.data_root / t.input)) {
        log::info("data: {} waits for {} ({} makes it)", t.name, (options.data_root / t.input).string(), t.input_maker);
        continue;
      }
      names.push_back(t.name);
    }
  }
  std::vector<PrepareResult> results;
  for (const std::string& name : names) {
    check(find_builtin_task(name) != nullptr, "unknown built-in task '{}'", name);
    const fs::path dir = task_dir(options.data_root, name);
    PrepareResult r;
    r.task = name;
    if (!options.force && is_task_prepared(options.data_root, name)) {
      try {
        TaskManifest m = read_task_manifest(dir);
        // Package versions as fetched now (raw/ may be gone: then the prepared folder stands).
        bool same_packages = true;
        const BuiltinTaskInfo& info = *find_builtin_task(name);
        if (info.from_heldout) {  // the held-out split as it is now
          const fs::path heldout = options.data_root / "corpus" / "heldout.txt";
          same_packages = !m.inputs.empty() && fs::exists(heldout) &&
                          digest_file(heldout, options.data_root).sha256 == m.inputs.front().sha256;
        } else if (fs::exists(options.data_root / "raw" / "packages.tsv")) {
          const auto now = select_packages(read_packages(options.data_root / "raw"), info.packages);
          same_packages = now.size() == m.packages.size();
          for (size_t i = 0; same_packages && i < now.size(); ++i) {
            same_packages = now[i].name == m.packages[i].name && now[i].version == m.packages[i].version;
          }
        }
        // A file another command makes (the chess puzzles): the same bytes as when prepared, so an
        // updated file (a new w2s commit, a rerun of scripts/chess_data.sh) is never read stale.
        if (same_packages && !info.from_heldout && !info.input.empty()) {
          const fs::path input = options.data_root / info.input;
          const std::string now = fs::exists(input) ? digest_file(input, options.data_root).sha256 : "";
          same_packages = std::any_of(m.inputs.begin(), m.inputs.end(),
                                      [&](const FileDigest& d) { return !now.empty() && d.sha256 == now; });
          if (!same_packages) log::info("data: {}: {} changed since it was prepared; rebuilding", name, input.string());
        }
        if (m.seed == options.seed && m.format_version == kPreparedFormatVersion && same_packages) {
          r.skipped = true;
          r.manifest = std::move(m);
          log::info("data: {} already prepared ({} train, {} test); --force rebuilds", name, r.manifest.train.n,
                    r.manifest.test.n);
          results.push_back(std::move(r));
          continue;
        }
      } catch (const Error& e) {
        log::warn("data: {}: rebuilding: {}", name, e.what());
      }
    }
    const auto t0 = std::chrono::steady_clock::now();
    BuiltTask built = build_builtin_task(name, options.data_root / "raw", options.seed);
    r.manifest = write_prepared_task(dir, built.task, std::move(built.manifest));
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (has_completions(r.manifest.kind))
      log::info("data: prepared {}: {} train {}, {} test in {:.1f} s", name, r.manifest.train.n,
                r.manifest.kind == TaskKind::comparison ? "pairs" : "questions", r.manifest.test.n, r.seconds);
    else
      log::info("data: prepared {}: {} train ({:.1f} % label 1), {} test ({:.1f} % label 1) in {:.1f} s", name,
                r.manifest.train.n, 100 * r.manifest.train.frac_label1(), r.manifest.test.n,
                100 * r.manifest.test.frac_label1(), r.seconds);
    results.push_back(std::move(r));
  }
  return results;
}

}  // namespace w2s::data
