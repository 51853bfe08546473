// Content identities that stage keys are built from, so a key changes when what a stage read
// changes: a model checkpoint's and a task's.
#pragma once

#include <string>

#include "w2s/data/example.h"

namespace w2s::store {

/// 16 hex digits identifying a model spec (models/model_spec.h): the SHA-256 of its config.json
/// ("|from scratch" added for a scratch spec) and, for each *.safetensors file in name order, its
/// name, size and the SHA-256 of its first 4 KiB. A missing folder → w2s::Error naming it.
std::string checkpoint_identity(const std::string& spec);

/// 16 hex digits: a hash of every example (id, content_key, label) of the task's train pool, then its
/// fixed test set, in order.
std::string task_digest(const data::Task& task);

}  // namespace w2s::store
