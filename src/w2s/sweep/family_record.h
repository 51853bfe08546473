// Each family member's finetuning learning rate and epochs, chosen on ground-truth validation data
// (`w2s tune`, sweep/tune.h) and recorded in the family's index: family.json beside the member
// folders (models/family.json for the built-in family). A sweep uses a member's record by default
// (SweepOptions::model_finetune), so the family's sizes are each trained at their own rate:
//   {"members": [{"name": "w2s-xs", …, "finetune": {"lr": 0.003, "epochs": 4, "val_accuracy": 0.93,
//     "readout": "head", "mode": "full", "tasks": ["spam"], "seeds": [0, 1, 2], …}}, …]}
// Only "lr" and "epochs" are read; the rest says how they were chosen.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace w2s::sweep {

/// A member's finetuning choice.
struct FinetuneRecord {
  double lr = 0.0;        // peak learning rate
  int64_t epochs = 0;     // passes over the training set
  std::string index;      // the family.json it came from
  nlohmann::json record;  // the whole "finetune" entry (how it was chosen)
};

/// A model folder's path, normalized and without a trailing separator: its filename() is the
/// member's name in the index.
std::filesystem::path model_folder(const std::string& model_dir);

/// The family index a model folder belongs to: family.json in the folder's parent.
std::filesystem::path family_index_of(const std::string& model_dir);

/// The finetuning record of the member in model folder `model_dir` (the index's member whose
/// "name" is the folder's name), or nullopt when there is no index, no such member or no record.
/// A record without a positive "lr" and "epochs", or an index that is not JSON → w2s::Error naming
/// the file and member.
std::optional<FinetuneRecord> recorded_finetune(const std::string& model_dir);

/// Set the "finetune" entry of each named member of `index` (created with these members when it
/// does not exist; other members and fields are kept), written atomically.
void write_finetune_records(const std::filesystem::path& index,
                            const std::map<std::string, nlohmann::ordered_json>& records);

}  // namespace w2s::sweep
