// Schemas of the stage options.
#include "w2s/methods/options.h"

namespace w2s::methods {

const config::Schema<DataOptions>& DataOptions::schema() {
  using O = DataOptions;
  using S = data::SplitOptions;
  static const auto s =
      config::Schema<O>()
          .field("data_root", &O::data_root, "built-in task folder (empty = W2S_DATA or ./data)")
          .field("n_train1", &O::split, &S::n_train1, "train half 1 size (ground truth; -1 = all)")
          .field("n_train2", &O::split, &S::n_train2, "train half 2 size (weak labels; -1 = all)")
          .field("n_test", &O::split, &S::n_test, "test examples (-1 = all)")
          .field("val_fraction", &O::split, &S::val_fraction, "share of half 2 kept for early stopping")
          .field("balance", &O::split, &S::balance,
                 "downsample each part to 50/50 by ground truth (half 2's too: see docs/methods.md)")
          .field("early_stopping_labels", &O::early_stopping_labels, "labels of the validation slice for students",
                 {"weak", "oracle"});
  return s;
}

const config::Schema<GenftOptions>& GenftOptions::schema() {
  using O = GenftOptions;
  static const auto s = config::Schema<O>()
                            .field("epochs", &O::epochs, "passes over the task text")
                            .field("lr", &O::lr, "peak learning rate")
                            .field("seq_len", &O::seq_len, "tokens per sequence")
                            .field("batch_size", &O::batch_size, "sequences per step")
                            .field("text", &O::text,
                                   "comparison text: each prompt with each completion, prompts and completions as "
                                   "separate documents, or prompts only",
                                   {"joined", "separate", "prompts"});
  return s;
}

}  // namespace w2s::methods
