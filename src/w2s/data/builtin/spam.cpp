// The `spam` task: SpamAssassin mail bodies, spam vs ham.
#include "w2s/data/builtin/spam.h"

#include <algorithm>
#include <unordered_map>

#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/core/rng.h"
#include "w2s/data/raw/mail.h"

namespace w2s::data {
namespace fs = std::filesystem;

const std::vector<SpamFolder>& spam_folders() {
  static const std::vector<SpamFolder> kFolders = {
      {"easy-ham-1", 0}, {"easy-ham-2", 0}, {"hard-ham-1", 0}, {"spam-1", 1}, {"spam-2", 1}};
  return kFolders;
}

std::vector<SpamMail> list_spam_mails(const fs::path& data_dir) {
  std::vector<SpamMail> out;
  for (const SpamFolder& folder : spam_folders()) {
    const fs::path dir = data_dir / folder.name;
    check(fs::is_directory(dir), "{}: folder not found (run scripts/fetch_data.sh)", dir.string());
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.is_regular_file() && entry.path().extension() == ".txt") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) {
      const std::string stem = f.stem().string();
      const std::string number = stem.substr(0, stem.find('.'));
      out.push_back({"spam/" + folder.name + "/" + number, f, folder.label});
    }
  }
  return out;
}

Task build_spam(const fs::path& data_dir, const SpamOptions& options, nlohmann::json* notes) {
  const std::vector<SpamMail> mails = list_spam_mails(data_dir);
  MailBodyOptions mo;
  mo.max_bytes = options.max_bytes;
  std::vector<Example> kept;
  std::unordered_map<std::string, size_t> first_of;  // body text → index in kept
  std::vector<bool> conflicted;
  size_t n_empty = 0, n_duplicate = 0, n_html = 0, n_truncated = 0, n_dropped_parts = 0;
  size_t n_empty_spam = 0, n_duplicate_spam = 0;  // of which label 1
  for (const SpamMail& m : mails) {
    const MailBody body = mail_body(read_file(m.path), mo);
    n_dropped_parts += body.n_dropped;
    if (body.text.empty()) {
      ++n_empty;
      n_empty_spam += size_t(m.label);
      continue;
    }
    n_html += body.from_html ? 1 : 0;
    n_truncated += body.truncated ? 1 : 0;
    auto [it, inserted] = first_of.emplace(body.text, kept.size());
    if (!inserted) {
      ++n_duplicate;
      n_duplicate_spam += size_t(m.label);
      if (kept[it->second].label != m.label) conflicted[it->second] = true;
      continue;
    }
    Example e;
    e.id = m.id;
    e.text = body.text;
    e.label = m.label;
    kept.push_back(std::move(e));
    conflicted.push_back(false);
  }
  std::vector<Example> unique;
  size_t n_conflicted = 0;
  for (size_t i = 0; i < kept.size(); ++i) {
    if (conflicted[i]) {
      ++n_conflicted;
    } else {
      unique.push_back(std::move(kept[i]));
    }
  }
  check(unique.size() > options.n_test, "{}: only {} usable mails for a test set of {}", data_dir.string(),
        unique.size(), options.n_test);
  // Test = the n_test ids with the smallest seeded hash; both parts keep file order.
  const uint64_t key = mix_seed(options.seed, hash_bytes("spam/test"));
  std::vector<std::pair<uint64_t, size_t>> ranked;
  for (size_t i = 0; i < unique.size(); ++i) ranked.emplace_back(mix_seed(key, hash_bytes(unique[i].id)), i);
  std::sort(ranked.begin(), ranked.end());
  std::vector<bool> in_test(unique.size(), false);
  for (size_t r = 0; r < options.n_test; ++r) in_test[ranked[r].second] = true;

  Task task;
  task.name = "spam";
  task.description = "SpamAssassin mail bodies (no headers): spam or ham";
  for (size_t i = 0; i < unique.size(); ++i) {
    (in_test[i] ? task.test : task.train).push_back(std::move(unique[i]));
  }
  if (notes) {
    (*notes)["n_mails"] = mails.size();
    (*notes)["n_empty_body_dropped"] = n_empty;
    (*notes)["n_empty_body_dropped_spam"] = n_empty_spam;
    (*notes)["n_duplicate_body_dropped"] = n_duplicate;
    (*notes)["n_duplicate_body_dropped_spam"] = n_duplicate_spam;
    (*notes)["n_label_conflict_dropped"] = n_conflicted;
    (*notes)["n_from_html"] = n_html;
    (*notes)["n_truncated"] = n_truncated;
    (*notes)["n_mime_parts_dropped"] = n_dropped_parts;
    (*notes)["max_bytes"] = options.max_bytes;
    (*notes)["text"] = "body only (headers and Subject removed), MIME decoded, HTML stripped";
  }
  return task;
}

}  // namespace w2s::data
