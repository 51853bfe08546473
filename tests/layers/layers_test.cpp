// The layer check: w2s's folders form an order in which each includes only itself and the folders
// before it (docs/architecture.md). An include of a later layer, or a source folder missing from
// the order, fails here with the file and line.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "test_support.h"

namespace fs = std::filesystem;

namespace {

// Lowest first. A subfolder listed here is a layer of its own; "data" is the files directly in
// src/w2s/data (the task layer), between its raw parsers and its built-in task builders.
const std::vector<std::string> kLayers = {
    "core",          // errors, logging, progress, threads, files, text, rng, sha256, time
    "io",            // safetensors, JSONL, atomic files and folders
    "dist",          // data-parallel process groups (c10d), collectives, local worker launch
    "config",        // Schema<T>, TOML, CLI binding
    "chess",         // the chess engine over UCI, self-play games, engine-labelled puzzles
    "tokenizer",     // byte-level BPE, tokenizer.json, BPE trainer
    "models",        // HF configs, architectures, heads, LoRA, checkpoints, model specs
    "eval",          // metrics, LM evaluation
    "losses",        // weak-to-strong losses
    "train",         // the Trainer, objectives, readouts, finetuning, pretraining
    "data/raw",      // raw-format parsers: mail, HTML, WordNet
    "data",          // examples, sources, formatters, splits, manifests, the task registry
    "data/builtin",  // built-in task builders and `w2s data prepare`
    "corpus",        // the pretraining corpus
    "store",         // the run store and stage identities
    "methods",       // the weak-to-strong stages
    "report",        // results, tables, figures, the HTML report
    "sweep",         // plans, execution, result collection, folders
    "apps",          // the w2s program (apps/w2s)
};

/// Layer index of a path relative to src/w2s ("apps" for the program): the longest listed prefix.
int layer_of(const std::string& rel) {
  int best = -1;
  size_t best_len = 0;
  for (size_t i = 0; i < kLayers.size(); ++i) {
    const std::string& l = kLayers[i];
    if (rel.rfind(l + "/", 0) == 0 && l.size() >= best_len) {
      best = static_cast<int>(i);
      best_len = l.size();
    }
  }
  return best;
}

struct Violation {
  std::string where;  // file:line
  std::string text;   // what is wrong
};

/// Every violation in the sources of `root` (src/w2s and apps/w2s under it).
std::vector<Violation> check_tree(const fs::path& root) {
  std::vector<Violation> out;
  const std::regex include(R"re(^\s*#\s*include\s*"w2s/([^"]+)")re");
  auto scan = [&](const fs::path& file, const std::string& rel) {
    const int from = layer_of(rel);
    if (from < 0) {
      out.push_back({rel, "folder is not in the layer order (tests/layers/layers_test.cpp)"});
      return;
    }
    std::ifstream in(file);
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      std::smatch m;
      if (!std::regex_search(line, m, include)) continue;
      const int to = layer_of(m[1].str());
      if (to < 0) {
        out.push_back({rel + ":" + std::to_string(n), "includes w2s/" + m[1].str() + " of no layer"});
      } else if (to > from) {
        out.push_back({rel + ":" + std::to_string(n),
                       kLayers[from] + " includes " + kLayers[to] + " (w2s/" + m[1].str() + "), a later layer"});
      }
    }
  };
  for (const auto& [dir, prefix] :
       std::vector<std::pair<fs::path, std::string>>{{root / "src/w2s", ""}, {root / "apps/w2s", "apps/"}}) {
    if (!fs::exists(dir)) continue;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      const auto ext = e.path().extension();
      if (!e.is_regular_file() || (ext != ".h" && ext != ".cpp")) continue;
      scan(e.path(), prefix + fs::relative(e.path(), dir).generic_string());
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.where < b.where; });
  return out;
}

TEST(Layers, EachFolderIncludesOnlyEarlierLayers) {
  const auto violations = check_tree(w2s::test::source_dir());
  std::string report;
  for (const auto& v : violations) report += "  " + v.where + ": " + v.text + "\n";
  EXPECT_TRUE(violations.empty()) << violations.size() << " layer violation(s):\n" << report;
}

TEST(Layers, CheckCatchesALaterLayerAndAnUnlistedFolder) {
  // The check itself on a small tree: train including sweep is a violation, sweep including train
  // is not, and a folder outside the order is reported.
  w2s::test::TempDir root;
  fs::create_directories(root / "src/w2s/train");
  fs::create_directories(root / "src/w2s/sweep");
  fs::create_directories(root / "src/w2s/widgets");
  std::ofstream(root / "src/w2s/train/a.cpp") << "#include \"w2s/core/error.h\"\n#include \"w2s/sweep/plan.h\"\n";
  std::ofstream(root / "src/w2s/sweep/b.cpp") << "#include \"w2s/train/trainer.h\"\n";
  std::ofstream(root / "src/w2s/widgets/c.h") << "#pragma once\n";
  const auto v = check_tree(root.path());
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].where, "train/a.cpp:2");
  EXPECT_NE(v[0].text.find("train includes sweep"), std::string::npos) << v[0].text;
  EXPECT_EQ(v[1].where, "widgets/c.h");
  // Subfolders are layers of their own: data/raw must not include the task layer.
  EXPECT_EQ(layer_of("data/raw/mail.cpp") + 1, layer_of("data/split.h"));
  EXPECT_LT(layer_of("data/split.h"), layer_of("data/builtin/spam.h"));
}

}  // namespace
