// The `reviews` task: Fine Foods reviews, 5 stars ("great") vs the rest.
#include "w2s/data/builtin/reviews.h"

#include <fmt/format.h>

#include <unordered_set>

#include "w2s/core/error.h"
#include "w2s/core/text.h"
#include "w2s/data/raw/html_text.h"
#include "w2s/io/jsonl.h"

namespace w2s::data {
namespace {

std::vector<Example> read_reviews(const std::filesystem::path& path, const std::string& split, size_t& n_empty) {
  std::vector<Example> out;
  io::for_each_jsonl(path, [&](const nlohmann::json& row, size_t line) {
    const std::string where = fmt::format("{}:{}", path.string(), line);
    for (const char* field : {"product", "review", "score"}) {
      check(row.is_object() && row.contains(field) && row[field].is_string(), "{}: missing string field '{}'", where,
            field);
    }
    const std::string score = row["score"].get<std::string>();
    check(score == "great" || score == "other", "{}: score '{}' is not \"great\" or \"other\"", where, score);
    Example e;
    e.id = fmt::format("reviews/{}/{}", split, line);
    e.text = clean_review(row["review"].get<std::string>());
    e.label = score == "great" ? 1 : 0;
    e.group = "reviews/" + row["product"].get<std::string>();
    if (e.text.empty()) {
      ++n_empty;
      return;
    }
    out.push_back(std::move(e));
  });
  return out;
}

}  // namespace

std::string clean_review(std::string_view raw) { return normalize_text(html_to_text(to_valid_utf8(raw))); }

Task build_reviews(const std::filesystem::path& training_jsonl, const std::filesystem::path& testing_jsonl,
                   nlohmann::json* notes) {
  size_t n_empty = 0;
  Task task;
  task.name = "reviews";
  task.description = "Amazon Fine Foods reviews: 5 stars (\"great\") or not";
  task.test = read_reviews(testing_jsonl, "test", n_empty);
  std::vector<Example> train = read_reviews(training_jsonl, "train", n_empty);
  std::unordered_set<std::string> test_texts, seen;
  for (const Example& e : task.test) test_texts.insert(e.text);
  size_t n_in_test = 0, n_repeated = 0;
  for (Example& e : train) {
    if (test_texts.count(e.text)) {
      ++n_in_test;
    } else if (!seen.insert(e.text).second) {
      ++n_repeated;
    } else {
      task.train.push_back(std::move(e));
    }
  }
  if (notes) {
    (*notes)["n_empty_dropped"] = n_empty;
    (*notes)["n_train_text_in_test_dropped"] = n_in_test;
    (*notes)["n_train_repeated_dropped"] = n_repeated;
    (*notes)["label1_means"] = "score == \"great\" (5 stars)";
  }
  return task;
}

}  // namespace w2s::data
