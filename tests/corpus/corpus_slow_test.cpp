// The REAL pretraining corpus in <repo>/data/corpus (scripts/setup.sh builds it before the tests
// in CI) holds no text of the prepared built-in tasks' test sets (the held-out split: none of the
// tasks built from other sources). Skips when no corpus is built.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <vector>

#include "test_support.h"
#include "w2s/core/file.h"
#include "w2s/corpus/corpus.h"
#include "w2s/corpus/leak_check.h"
#include "w2s/data/builtin_tasks.h"
#include "w2s/data/registry.h"

namespace fs = std::filesystem;
using namespace w2s::data;

namespace {

Task load_real(const fs::path& root, const std::string& name) {
  LoadTaskOptions o;
  o.data_root = root;
  return load_task(name, o);  // verifies the files' SHA-256 against the manifest
}

}  // namespace

TEST(RealCorpus, HoldsNoTestText) {
  const fs::path root = resolve_data_root();
  const fs::path dir = root / "corpus";
  if (!fs::exists(dir / "corpus.txt")) GTEST_SKIP() << "no corpus built (w2s corpus build)";
  // Every test set stays out of corpus.txt; the tasks built from heldout.txt take their test sets
  // from it, so heldout.txt is checked against the other tasks only.
  std::vector<Task> all, not_heldout;
  for (const BuiltinTaskInfo& info : builtin_tasks()) {
    all.push_back(load_real(root, info.name));
    if (!info.from_heldout) not_heldout.push_back(all.back());
  }
  const auto m = nlohmann::json::parse(w2s::read_file(dir / "manifest.json"));
  EXPECT_EQ(m["leak_check"]["hits_in_output"], 0);
  size_t hits = 0, n_docs = 0;
  for (const auto& [file, tasks] : {std::pair{"corpus.txt", &all}, std::pair{"heldout.txt", &not_heldout}}) {
    const w2s::corpus::LeakDetector detector(w2s::corpus::test_set_probes(*tasks));
    for (const std::string& doc : w2s::corpus::split_documents(w2s::read_file(dir / file))) {
      const auto found = detector.find(doc);
      for (size_t i : found)
        ADD_FAILURE() << file << ": " << detector.probes()[i].task << " " << detector.probes()[i].id;
      hits += found.size();
      ++n_docs;
    }
  }
  EXPECT_EQ(hits, 0u) << "test texts found in " << dir;
  EXPECT_GT(n_docs, 5000u);
}
