// Content identities that stage keys are built from, so a key changes when what a stage read
// changes: a task's (a checkpoint's is models/checkpoint_identity.h).
#pragma once

#include <string>

#include "w2s/data/example.h"

namespace w2s::store {

/// 16 hex digits: a hash of every example (id, content_key, label) of the task's train pool, then its
/// fixed test set, in order.
std::string task_digest(const data::Task& task);

}  // namespace w2s::store
