// A language model's chess, read zero-shot from its own next-token distribution on puzzles
// (chess/puzzles.h): the prompt is the game so far (UCI moves, after the tokenizer's BOS or
// end-of-text token, as games start in the pretraining text), each legal move a completion.
//   legal rate   the greedy next move (argmax over the whole vocabulary) is a legal move
//   top-1        the legal move with the highest log-probability is the puzzle's solution
//   pair         the solution's log-probability beats the engine's second choice's (the binary
//                variant chess_pairs asks)
// When every legal move is one token (the chess tokenizer), one forward pass of the prompt scores
// them all; otherwise each move is scored as prompt ++ move, the K moves of a puzzle in one batch.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "w2s/chess/puzzles.h"
#include "w2s/models/transformer.h"
#include "w2s/tokenizer/tokenizer.h"

namespace w2s::eval {

struct ChessEvalOptions {
  int64_t max_length = 256;  // tokens of context (the prompt keeps its end; capped at the model's n_ctx)
};

struct ChessGradeResult {
  int64_t n = 0, n_pairs = 0;  // puzzles, and those with a second move
  double top1 = 0.0, pair = 0.0, legal_rate = 0.0;
};

struct ChessEvalResult {
  int64_t n = 0;                                     // puzzles scored
  double legal_rate = 0.0;                           // greedy next move is legal
  double top1 = 0.0;                                 // likelihood argmax over the legal moves is the solution
  double pair = 0.0;                                 // solution over the second move (puzzles that have one)
  double chance_top1 = 0.0;                          // mean 1 / (legal moves)
  double mean_solution_logprob = 0.0;                // nats
  std::map<std::string, ChessGradeResult> by_grade;  // per puzzle grade (mate1 … cp)
};

/// Score `puzzles` with `model` (eval mode, no gradients, on the model's device).
ChessEvalResult evaluate_chess(models::TransformerImpl& model, const tokenizer::Tokenizer& tok,
                               const std::vector<chess::Puzzle>& puzzles, const ChessEvalOptions& options = {});

}  // namespace w2s::eval
