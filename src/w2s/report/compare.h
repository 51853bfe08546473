// Comparing two methods (losses) of one results set: per weak→strong pair, the students' test
// accuracies under A and B and the difference A − B, then paired tests of the differences across
// pairs, and across tasks (each task's mean difference) when there are several: the paired t-test
// and the Wilcoxon signed-rank test (eval/paired_tests.h), as the EleutherAI weak-to-strong
// write-up compared logconf with xent over datasets. `w2s results DIR --compare logconf,xent`.
#pragma once

#include <string>

#include "w2s/report/results.h"
#include "w2s/report/tables.h"

namespace w2s::report {

/// The comparison of losses `a` and `b` (method as the rows have it: a bootstrap row pairs with
/// a bootstrap row). Pairs missing either side are left out and counted in the summary. No
/// common pair → w2s::Error naming the losses the results have.
std::string format_compare(const Results& r, const std::string& a, const std::string& b, TableFormat format);

}  // namespace w2s::report
