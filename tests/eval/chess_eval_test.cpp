// evaluate_chess on a tiny random GPT-2: its one-forward-pass reading of one-token moves and its
// prompt ++ move reading of multi-token moves both equal the log-probabilities score_tokens gives
// the same sequences, and the counts (chance, top-1, pair, grades) follow from those scores.
#include "w2s/eval/chess_eval.h"

#include <gtest/gtest.h>

#include <cmath>

#include "w2s/models/generate.h"
#include "w2s/tokenizer/bpe_trainer.h"

namespace w2s::eval {
namespace {

const std::string kGames =
    "e2e4 e7e5 g1f3 b8c6 f1b5 a7a6 b5a4 g8f6 e1g1 f8e7\n"
    "d2d4 d7d5 c2c4 e7e6 b1c3 g8f6 c1g5 f8e7 e2e3 e8g8\n"
    "e2e4 c7c5 g1f3 d7d6 d2d4 c5d4 f3d4 g8f6 b1c3 a7a6\n";

tokenizer::Tokenizer train(const std::string& pattern, int64_t vocab) {
  tokenizer::TrainerOptions o;
  o.vocab_size = vocab;
  o.min_frequency = 1;
  o.splits = {tokenizer::SplitRule{pattern}};
  o.log_every = 0;
  return tokenizer::train_bpe({.texts = {kGames, kGames}}, o);
}

std::vector<chess::Puzzle> puzzles() {
  chess::Puzzle a;
  a.id = "a";
  a.moves = {"e2e4", "e7e5", "g1f3"};
  a.side = "black";
  a.legal = {"b8c6", "d7d6", "g8f6"};
  a.solution = "b8c6";
  a.second = "g8f6";
  a.grade = "cp";
  chess::Puzzle b = a;
  b.id = "b";
  b.moves = {"d2d4", "d7d5"};
  b.side = "white";
  b.legal = {"c2c4", "b1c3"};
  b.solution = "b1c3";
  b.second = "";
  b.grade = "mate1";
  return {a, b};
}

/// log p(move | BOS prompt) by score_tokens on the joined ids.
double reference(models::TransformerImpl& m, const tokenizer::Tokenizer& tok, const chess::Puzzle& p,
                 const std::string& move) {
  const auto prompt = chess::move_prompt(p.moves);
  auto ids = tok.encode(prompt);
  ids.insert(ids.begin(), tok.bos_id().value_or(tok.eos_id().value_or(0)));
  const auto n_prompt = ids.size();
  const auto c = tok.encode(chess::move_completion(prompt, move));
  ids.insert(ids.end(), c.begin(), c.end());
  const auto nats = models::score_tokens(m, ids);
  double s = 0;
  for (size_t t = n_prompt - 1; t < nats.size(); ++t) s -= nats[t];
  return s;
}

void expect_consistent(const tokenizer::Tokenizer& tok) {
  torch::manual_seed(3);
  auto model = models::make_model(models::tiny_config("gpt2", tok.vocab_size(), 16, 1, 2, 2, 64));
  const auto ps = puzzles();
  const auto r = evaluate_chess(*model, tok, ps, {.max_length = 64});
  EXPECT_EQ(r.n, 2);
  EXPECT_NEAR(r.chance_top1, (1.0 / 3 + 1.0 / 2) / 2, 1e-12);
  // Top-1, the pair and the mean solution log-probability from the reference scores.
  int top1 = 0;
  double mean = 0;
  for (const auto& p : ps) {
    std::vector<double> s;
    for (const auto& m : p.legal) s.push_back(reference(*model, tok, p, m));
    const auto best = std::max_element(s.begin(), s.end()) - s.begin();
    top1 += p.legal[static_cast<size_t>(best)] == p.solution;
    const auto sol = std::find(p.legal.begin(), p.legal.end(), p.solution) - p.legal.begin();
    mean += s[static_cast<size_t>(sol)] / 2;
    if (p.id == "a") EXPECT_EQ(r.pair, s[0] > s[2] ? 1.0 : 0.0);
  }
  EXPECT_NEAR(r.top1, top1 / 2.0, 1e-12);
  EXPECT_NEAR(r.mean_solution_logprob, mean, 1e-4);
  ASSERT_EQ(r.by_grade.size(), 2u);
  EXPECT_EQ(r.by_grade.at("mate1").n, 1);
  EXPECT_EQ(r.by_grade.at("mate1").n_pairs, 0);
  EXPECT_GE(r.legal_rate, 0.0);
  EXPECT_LE(r.legal_rate, 1.0);
}

TEST(ChessEval, OneTokenMovesReadInOnePassMatchTheSequenceScores) {
  const auto tok = train(" ?\\S+|\\s+", 400);  // whole moves are words: one token each here
  for (const auto& m : {" b8c6", " g8f6", " b1c3"}) ASSERT_EQ(tok.encode(m).size(), 1u) << m;
  expect_consistent(tok);
}

TEST(ChessEval, MultiTokenMovesReadAsPromptPlusMoveMatchTheSequenceScores) {
  const auto tok = train(" ?[a-h][1-8]|[a-h][1-8]|\\S+|\\s+", 300);  // squares: two tokens a move
  ASSERT_EQ(tok.encode(" b8c6").size(), 2u);
  expect_consistent(tok);
}

}  // namespace
}  // namespace w2s::eval
