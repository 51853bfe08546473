// The [tune] table of a sweep config: the grid `w2s tune` (sweep/tune.h) searches for each model's
// finetuning learning rate and epochs, on ground-truth validation data.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "w2s/config/schema.h"

namespace w2s::sweep {

struct TuneOptions {
  std::vector<double> lrs = {3e-4, 1e-3, 3e-3, 1e-2};  // peak learning rates tried
  std::vector<int64_t> epochs = {2, 4};                // epoch counts tried
  double val_fraction = 0.2;                           // share of train half 2 held out as ground-
                                                       // truth validation when data.val_fraction is 0
  std::string write;                                   // family index to record the choices in (e.g.
                                                       // models/family.json; "" = print them only)
  static const config::Schema<TuneOptions>& schema();
};

}  // namespace w2s::sweep
