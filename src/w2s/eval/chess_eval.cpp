// Zero-shot chess from a language model's next-token distribution (see chess_eval.h).
#include "w2s/eval/chess_eval.h"

#include <algorithm>
#include <cmath>

#include "w2s/core/error.h"
#include "w2s/models/generate.h"

namespace w2s::eval {
namespace {

/// The first move of generated text: leading spaces dropped, up to the next space or newline.
std::string first_word(const std::string& text) {
  size_t i = 0;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\n')) ++i;
  size_t j = i;
  while (j < text.size() && text[j] != ' ' && text[j] != '\n') ++j;
  return text.substr(i, j - i);
}

}  // namespace

ChessEvalResult evaluate_chess(models::TransformerImpl& model, const tokenizer::Tokenizer& tok,
                               const std::vector<chess::Puzzle>& puzzles, const ChessEvalOptions& o) {
  torch::NoGradGuard ng;
  const bool was_training = model.is_training();
  model.eval();
  const auto device = model.parameters().front().device();
  const int64_t start = tok.bos_id().value_or(tok.eos_id().value_or(0));
  const int64_t context = std::min(o.max_length, model.config().n_ctx);
  ChessEvalResult r;
  int64_t n_pairs = 0;
  for (const auto& p : puzzles) {
    const int64_t K = static_cast<int64_t>(p.legal.size());
    check(K >= 1, "puzzle {}: no legal moves", p.id);
    const std::string prompt = chess::move_prompt(p.moves);
    std::vector<std::vector<int64_t>> moves;
    int64_t longest = 0;
    for (const auto& m : p.legal) {
      moves.push_back(tok.encode(chess::move_completion(prompt, m), {.continuation = true}));
      longest = std::max<int64_t>(longest, static_cast<int64_t>(moves.back().size()));
    }
    check(context > longest + 1, "context of {} tokens is too short for a move of {}", context, longest);
    auto ids = tok.encode_tail(prompt, context - longest - 1, {.add_special_tokens = false});
    ids.insert(ids.begin(), start);  // the start token, once, whatever the tokenizer's template adds
    std::vector<double> score(static_cast<size_t>(K));
    std::string greedy;
    if (longest == 1) {                                                   // one forward pass scores every move
      auto x = torch::tensor(ids, torch::kLong).unsqueeze(0).to(device);  // (1, T)
      auto lp = torch::log_softmax(model.forward(x)[0][-1].to(torch::kFloat), -1).cpu();  // (V)
      for (int64_t k = 0; k < K; ++k)
        score[static_cast<size_t>(k)] = lp[moves[static_cast<size_t>(k)][0]].item<double>();
      greedy = first_word(tok.decode({lp.argmax().item<int64_t>()}));
    } else {  // prompt ++ move for each move, right-padded (causal: padding after a move never reaches it)
      const int64_t T = static_cast<int64_t>(ids.size()) + longest;
      auto x = torch::zeros({K, T}, torch::kLong);  // (K, T)
      for (int64_t k = 0; k < K; ++k) {
        std::vector<int64_t> seq = ids;
        seq.insert(seq.end(), moves[static_cast<size_t>(k)].begin(), moves[static_cast<size_t>(k)].end());
        x[k].slice(0, 0, static_cast<int64_t>(seq.size())).copy_(torch::tensor(seq, torch::kLong));
      }
      auto lp = torch::log_softmax(model.forward(x.to(device)).to(torch::kFloat), -1).cpu();  // (K, T, V)
      const int64_t P = static_cast<int64_t>(ids.size());
      for (int64_t k = 0; k < K; ++k) {
        double s = 0.0;
        const auto& m = moves[static_cast<size_t>(k)];
        for (size_t t = 0; t < m.size(); ++t) s += lp[k][P - 1 + static_cast<int64_t>(t)][m[t]].item<double>();
        score[static_cast<size_t>(k)] = s;
      }
      greedy = first_word(tok.decode(models::generate_greedy(model, ids, longest + 1)));
    }
    const auto best = static_cast<size_t>(std::max_element(score.begin(), score.end()) - score.begin());
    const auto index_of = [&](const std::string& m) {
      return static_cast<size_t>(std::find(p.legal.begin(), p.legal.end(), m) - p.legal.begin());
    };
    const size_t sol = index_of(p.solution);
    check(sol < p.legal.size(), "puzzle {}: solution {} is not among its legal moves", p.id, p.solution);
    const bool top1 = best == sol;
    const bool legal = std::find(p.legal.begin(), p.legal.end(), greedy) != p.legal.end();
    auto& g = r.by_grade[p.grade.empty() ? "unknown" : p.grade];
    ++r.n;
    ++g.n;
    r.top1 += top1;
    g.top1 += top1;
    r.legal_rate += legal;
    g.legal_rate += legal;
    r.chance_top1 += 1.0 / static_cast<double>(K);
    r.mean_solution_logprob += score[sol];
    if (!p.second.empty()) {
      const bool pair = score[sol] > score[index_of(p.second)];
      ++n_pairs;
      ++g.n_pairs;
      r.pair += pair;
      g.pair += pair;
    }
  }
  if (was_training) model.train();
  if (r.n > 0) {
    const double n = static_cast<double>(r.n);
    r.top1 /= n;
    r.legal_rate /= n;
    r.chance_top1 /= n;
    r.mean_solution_logprob /= n;
    for (auto& [grade, g] : r.by_grade) {
      g.top1 /= static_cast<double>(g.n);
      g.legal_rate /= static_cast<double>(g.n);
      if (g.n_pairs > 0) g.pair /= static_cast<double>(g.n_pairs);
    }
  }
  if (n_pairs > 0) r.pair /= static_cast<double>(n_pairs);
  return r;
}

}  // namespace w2s::eval
