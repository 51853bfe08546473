// The built-in `reviews` task: Amazon Fine Foods reviews from the R package modeldata
// (`small_fine_foods`: training_data 4,000 rows, testing_data 1,000 rows; columns product,
// review, score), exported to JSONL by scripts/fetch_data.sh. Label 1 = score "great" (5 stars),
// 0 = "other". Text = the review with HTML (<br />, links, entities) removed. Group = product id.
// The package's own 1,000-row testing_data is the fixed test set ("great": 65.8 %). Train rows
// whose text also occurs in the test set are dropped, as are repeated train texts (first kept).
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <string_view>

#include "w2s/data/example.h"

namespace w2s::data {

/// A review's text: HTML removed, whitespace runs in a line collapsed, valid UTF-8.
std::string clean_review(std::string_view raw);

/// Build the task from the exported files (rows {"product","review","score"}).
/// Throws FILE:LINE on a row with a missing field or a score other than "great"/"other".
Task build_reviews(const std::filesystem::path& training_jsonl, const std::filesystem::path& testing_jsonl,
                   nlohmann::json* notes = nullptr);

}  // namespace w2s::data
