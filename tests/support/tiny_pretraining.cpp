#include "tiny_pretraining.h"

#include "w2s/tokenizer/bpe_trainer.h"

namespace w2s::test {

TinyPretraining::TinyPretraining() {
  tokenizer = (dir / "tokenizer.json").string();
  tokenizer::TrainerOptions topt;
  topt.vocab_size = 512;
  tokenizer::train_bpe({.files = {corpus()}}, topt).save(tokenizer);
}

std::string TinyPretraining::corpus() {
  return (source_dir() / "tests/tokenizer/data/pride_and_prejudice_ch1-6.txt").string();
}

std::string TinyPretraining::heldout() {
  return (source_dir() / "tests/tokenizer/data/pride_and_prejudice_ch7_part.txt").string();
}

train::PretrainOptions TinyPretraining::options(const std::string& out, int64_t steps) const {
  train::PretrainOptions o;
  o.out = (dir / out).string();
  o.tokenizer = tokenizer;
  o.corpus = corpus();
  o.heldout = heldout();
  o.cache_dir = "";
  o.model.d_model = 32;
  o.model.n_layer = 2;
  o.model.n_head = 2;
  o.model.n_ctx = 64;
  o.seq_len = 32;
  o.batch_size = 8;
  o.micro_batch = 4;
  o.tokens = o.batch_size * o.seq_len * steps;
  o.lr = 3e-3;
  o.precision = "float32";
  o.save_dtype = "float32";
  return o;
}

}  // namespace w2s::test
