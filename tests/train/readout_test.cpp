// Readouts of comparisons and the verbalizer on a tiny model: Bradley–Terry gradients against
// finite differences, the likelihood readout against `w2s score`'s token losses, swapping the two
// completions, baselines, label words scored by the LM head; and finetuning a comparison task.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "test_support.h"
#include "tiny_family.h"
#include "w2s/core/error.h"
#include "w2s/eval/predictions.h"
#include "w2s/losses/loss.h"
#include "w2s/models/generate.h"
#include "w2s/models/model_spec.h"
#include "w2s/tokenizer/tokenizer.h"
#include "w2s/train/finetune.h"
#include "w2s/train/reward_readout.h"
#include "w2s/train/soft_label_objective.h"
#include "w2s/train/verbalizer_readout.h"

namespace fs = std::filesystem;

namespace w2s::train {
namespace {

class Readouts : public ::testing::Test {
 protected:
  void SetUp() override {
    family_ = test::make_tiny_family(tmp_ / "models", {16});
    model_ = models::load_backbone(family_[0].string(), 0, torch::kCPU);
    model_->eval();
    tok_ = std::make_unique<tokenizer::Tokenizer>(tokenizer::Tokenizer::from_dir(family_[0]));
  }
  ModelReadoutOptions options() const { return {.max_length = 32, .eval_batch = 4, .compute = {}}; }
  int64_t bos() const { return tok_->bos_id().value_or(tok_->eos_id().value_or(0)); }
  InputSet pairs() const {
    return {{"3 red cat", "", "7 sun moon dark"}, {{" apple", " dog"}, {" blue", " tree"}, {" pear", " stone"}}, {}};
  }
  InputSet swapped() const {
    InputSet s = pairs();
    for (auto& c : s.completions) std::swap(c[0], c[1]);
    return s;
  }
  test::TempDir tmp_;
  std::vector<fs::path> family_;
  models::Transformer model_;
  std::unique_ptr<tokenizer::Tokenizer> tok_;
};

TEST_F(Readouts, LikelihoodScoreIsTheCompletionsLogLikelihoodAsWScoreComputesIt) {
  LikelihoodReadout r(model_, *tok_, options(), {.mean = false});
  for (const auto& [prompt, completion] : std::vector<std::pair<std::string, std::string>>{
           {"3 red cat", " apple green"}, {"", "sun moon"}, {"12 house", " light"}}) {
    const auto p = tok_->encode(prompt), c = tok_->encode(completion);
    const auto seq = join_prompt(p, c, 32, bos());
    torch::NoGradGuard ng;
    const double ours = r.completion_scores({seq}).item<double>();
    const auto losses = models::score_tokens(*model_, seq.ids);  // −log p(ids[t+1] | ids[..t])
    double want = 0.0;
    for (size_t t = static_cast<size_t>(seq.start) - 1; t < losses.size(); ++t) want -= losses[t];
    EXPECT_NEAR(ours, want, 1e-4) << prompt << "|" << completion;
    EXPECT_EQ(seq.ids.size() - static_cast<size_t>(seq.start), c.size());
  }
  // mean = sum / tokens.
  LikelihoodReadout mean(model_, *tok_, options(), {.mean = true});
  const auto seq = join_prompt(tok_->encode("3 red cat"), tok_->encode(" apple green"), 32, bos());
  torch::NoGradGuard ng;
  EXPECT_NEAR(mean.completion_scores({seq}).item<double>() * static_cast<double>(seq.ids.size() - seq.start),
              r.completion_scores({seq}).item<double>(), 1e-4);
}

TEST_F(Readouts, SwappingTheCompletionsFlipsTheProbability) {
  auto check_flip = [&](ModelReadout& r) {
    const int a = r.add(pairs()), b = r.add(swapped());
    const auto pa = r.probabilities(a), pb = r.probabilities(b);  // (3, 2)
    EXPECT_TRUE(torch::allclose(pa.select(1, 1), pb.select(1, 0), 1e-5, 1e-6));
    EXPECT_TRUE(torch::allclose(pa.sum(1), torch::ones({3}), 1e-5, 1e-6));
  };
  LikelihoodReadout like(model_, *tok_, options(), {});
  check_flip(like);
  ScalarRewardReadout scalar(model_, *tok_, options());
  check_flip(scalar);
  // The scalar head starts at zero: every pair at 0.5 until it trains.
  EXPECT_TRUE(torch::allclose(scalar.probabilities(0), torch::full({3, 2}, 0.5)));
  // The likelihood readout knows something from step 0: not all 0.5.
  EXPECT_GT((like.probabilities(0) - 0.5).abs().max().item<double>(), 1e-3);
}

TEST_F(Readouts, BaselinesPmiAndReference) {
  LikelihoodReadout none(model_, *tok_, options(), {.baseline = "none"});
  LikelihoodReadout pmi(model_, *tok_, options(), {.baseline = "pmi"});
  LikelihoodReadout ref(model_, *tok_, options(), {.baseline = "reference", .beta = 0.5});
  for (auto* r : {&none, &pmi, &ref}) r->add(pairs());
  torch::NoGradGuard ng;
  const std::vector<int64_t> rows = {0, 1, 2};
  // reference: the initial model is the reference, so every reward starts at 0.
  EXPECT_LT(ref.logits(0, rows).abs().max().item<double>(), 1e-6);
  // pmi: the conditional score minus the completion's score after bos alone.
  const auto n = none.logits(0, rows), p = pmi.logits(0, rows);  // (3, 2)
  const auto unconditional = none.completion_scores({join_prompt({}, tok_->encode(" pear"), 32, bos())});
  EXPECT_NEAR((n[2][0] - p[2][0]).item<double>(), unconditional.item<double>(), 1e-5);
  EXPECT_THROW(LikelihoodReadout(model_, *tok_, options(), {.baseline = "other"}), Error);
  EXPECT_THROW(pmi.add({{"a text"}, {}, {}}), Error);  // classification texts: not for this readout
}

TEST_F(Readouts, BradleyTerryGradientsMatchFiniteDifferences) {
  // The xent loss on soft preferences through the scalar readout, as a function of the head's
  // weight: autograd against central differences.
  ScalarRewardReadout r(model_, *tok_, options());
  const int set = r.add(pairs());
  auto head = r.parameters().front();  // (1, C) score weight
  {
    torch::NoGradGuard ng;
    head.copy_(torch::randn(head.sizes()) * 0.5);
  }
  for (auto& p : r.parameters()) p.mutable_grad() = torch::Tensor();
  losses::LossOptions lo;
  const auto loss = losses::make_loss(lo);
  const auto targets = binary_soft_targets({0.8, 0.3, 0.6});
  SoftLabelObjective obj(r, set, targets, *loss, {.batch_size = 3, .micro_batch = 3, .seed = 0}, 1);
  auto value = [&] {
    torch::NoGradGuard ng;
    const auto logits = r.logits(set, {0, 1, 2});
    return loss->forward(logits, targets, loss->batch_state(logits, targets, {0, 1}), {0, 1}).item<double>();
  };
  // The objective visits the rows in its own order; the mean loss is the same.
  obj.backward(0);
  const auto grad = head.grad().clone();
  const double eps = 1e-2;
  for (int64_t j : {0, 3, 7}) {
    const float old = head[0][j].item<float>();
    torch::NoGradGuard ng;
    head[0][j] = old + eps;
    const double up = value();
    head[0][j] = old - eps;
    const double down = value();
    head[0][j] = old;
    EXPECT_NEAR(grad[0][j].item<double>(), (up - down) / (2 * eps), 2e-3) << j;
  }
}

TEST_F(Readouts, VerbalizerScoresTheLabelWordsWithTheLmHead) {
  // (The tiny tokenizer splits " dark" into a space and letters: words without the space.)
  VerbalizerReadout v(model_, *tok_, options(), {"{text} is", {"dark", "light"}});
  const int set = v.add({{"3 red cat", "7 sun"}, {}, {}});
  torch::NoGradGuard ng;
  const auto logits = v.logits(set, {0, 1});  // (2, 2)
  for (int i = 0; i < 2; ++i) {
    const std::string text = std::string(i ? "7 sun" : "3 red cat") + " is";
    const auto ids = tok_->encode(text);
    const auto full = model_->forward(torch::tensor(ids, torch::kLong).unsqueeze(0));  // (1, T, V)
    for (int k = 0; k < 2; ++k)
      EXPECT_NEAR(logits[i][k].item<double>(), full[0][-1][v.word_ids()[k]].item<double>(), 1e-4);
  }
  EXPECT_THROW(VerbalizerReadout(model_, *tok_, options(), {"no placeholder", {" a", " b"}}), Error);
  EXPECT_THROW(VerbalizerReadout(model_, *tok_, options(), {"{text}", {" dark", " light"}}), Error);  // same token
  EXPECT_THROW(v.add(pairs()), Error);  // comparisons: not for this readout
}

TEST_F(Readouts, FewShotDemonstrationsComeBeforeThePromptAndDropWholeWhenTheyDoNotFit) {
  LikelihoodReadout like(model_, *tok_, options(), {.mean = false});
  const InputSet pool = pairs();
  EXPECT_EQ(like.demonstration(pool, 0, 1), "3 red cat dog\n\n");  // the preferred completion
  EXPECT_EQ(like.demonstration(pool, 2, 0), "7 sun moon dark pear\n\n");
  EXPECT_THROW((void)like.demonstration(pool, 0, 2), Error);
  // One demonstration before each example: both completions read the same context, the
  // demonstration's tokens in front of the prompt's.
  InputSet with = pairs();
  const std::string demo = like.demonstration(pool, 1, 0);
  with.demonstrations.assign(3, {demo});
  const int a = like.add(with);
  const auto demo_ids = tok_->encode(demo);
  std::vector<JoinedSequence> seqs;
  for (size_t i = 0; i < 3; ++i) {
    auto prompt = tok_->encode(with.texts[i]);
    prompt.insert(prompt.begin(), demo_ids.begin(), demo_ids.end());
    for (const auto& c : with.completions[i]) seqs.push_back(join_prompt(prompt, tok_->encode(c), 32, bos()));
  }
  torch::Tensor want;
  {
    torch::NoGradGuard ng;
    want = torch::softmax(like.completion_scores(seqs).reshape({3, 2}), -1).cpu();  // (3, 2)
  }
  EXPECT_TRUE(torch::allclose(like.probabilities(a), want, 1e-5, 1e-6));
  EXPECT_FALSE(torch::allclose(like.probabilities(like.add(pairs())), want, 1e-3, 1e-3));  // they matter
  EXPECT_EQ(like.demonstrations_asked(), 3);
  EXPECT_EQ(like.demonstrations_kept(), 3);
  // Demonstrations that do not fit whole are dropped, the last (nearest) kept first; the
  // example itself is never cut for them.
  InputSet crowded = pairs();
  crowded.demonstrations.assign(3, {std::string(200, 'x'), demo});
  const int c = like.add(crowded);
  EXPECT_EQ(like.demonstrations_asked(), 9);
  EXPECT_EQ(like.demonstrations_kept(), 6);  // `demo` fits, 200 letters do not
  EXPECT_TRUE(torch::allclose(like.probabilities(c), want, 1e-5, 1e-6));
  InputSet wrong = pairs();
  wrong.demonstrations.assign(2, {demo});  // one list per example
  EXPECT_THROW(like.add(wrong), Error);
  // The verbalizer renders the template with the label's word and reads the query after it.
  VerbalizerReadout v(model_, *tok_, options(), {"{text} is", {"dark", "light"}});
  const std::string vdemo = v.demonstration({{"3 red cat"}, {}, {}}, 0, 1);
  EXPECT_EQ(vdemo, "3 red cat islight\n\n");
  const int vs = v.add({{"7 sun"}, {}, {{vdemo}}});
  auto ids = tok_->encode(vdemo);
  for (const auto& part : {std::string("7 sun"), std::string(" is")}) {
    const auto more = tok_->encode(part);
    ids.insert(ids.end(), more.begin(), more.end());
  }
  {
    torch::NoGradGuard ng;
    const auto full = model_->forward(torch::tensor(ids, torch::kLong).unsqueeze(0));  // (1, T, V)
    const auto logits = v.logits(vs, {0});                                             // (1, 2)
    for (int k = 0; k < 2; ++k)
      EXPECT_NEAR(logits[0][k].item<double>(), full[0][-1][v.word_ids()[k]].item<double>(), 1e-4);
  }
  // The scalar head has no few-shot form.
  ScalarRewardReadout scalar(model_, *tok_, options());
  EXPECT_NE(test::error_of([&] { (void)scalar.demonstration(pool, 0, 0); }).find("likelihood or verbalizer"),
            std::string::npos);
  EXPECT_THROW(scalar.add(with), Error);
}

// Llama 2/3 and Mistral tokenizers put BOS before every encoded text through their template. A
// completion, the verbalizer's template end and label words, and a prompt after demonstrations
// continue the text before them: the sequence holds one BOS, at its start. Here the template
// tokenizer must read exactly what the plain one reads with the BOS written into the first text.
TEST_F(Readouts, ATemplateBosOpensTheSequenceOnceAndWhatFollowsContinuesIt) {
  auto spec = tok_->spec();
  spec.prefix_ids = {bos()};
  const tokenizer::Tokenizer with_bos = tokenizer::Tokenizer::from_spec(spec);
  const std::string bos_text = tok_->id_to_token(bos());
  ASSERT_EQ(tok_->encode(bos_text), (std::vector<int64_t>{bos()}));
  ASSERT_EQ(with_bos.encode("3 red cat").front(), bos());

  LikelihoodReadout templated(model_, with_bos, options(), {.mean = false});
  LikelihoodReadout plain(model_, *tok_, options(), {.mean = false});
  InputSet marked = pairs();
  for (auto& t : marked.texts) t = bos_text + t;
  EXPECT_TRUE(torch::allclose(templated.probabilities(templated.add(pairs())), plain.probabilities(plain.add(marked)),
                              1e-5, 1e-6));
  // With a demonstration: one BOS before it, none before the prompt.
  const std::string demo = plain.demonstration(pairs(), 1, 0);
  InputSet with = pairs(), marked_with = pairs();
  with.demonstrations.assign(3, {demo});
  marked_with.demonstrations.assign(3, {bos_text + demo});
  EXPECT_TRUE(torch::allclose(templated.probabilities(templated.add(with)), plain.probabilities(plain.add(marked_with)),
                              1e-5, 1e-6));

  // The verbalizer's words are the words' own tokens, not the BOS both would start with.
  VerbalizerReadout v(model_, with_bos, options(), {"{text} is", {"dark", "light"}});
  VerbalizerReadout w(model_, *tok_, options(), {"{text} is", {"dark", "light"}});
  EXPECT_EQ(v.word_ids(), w.word_ids());
  const int a = v.add({{"3 red cat"}, {}, {}}), b = w.add({{bos_text + "3 red cat"}, {}, {}});
  torch::NoGradGuard ng;
  EXPECT_TRUE(torch::allclose(v.logits(a, {0}), w.logits(b, {0}), 1e-5, 1e-6));
}

TEST_F(Readouts, FinetuningAComparisonTaskLearnsWhichCompletionIsPreferred) {
  // The toy rule: the preferred completion is a "positive" word. Scalar and likelihood readouts.
  std::vector<std::string> prompts;
  std::vector<std::vector<std::string>> completions;
  std::vector<int> labels;
  const std::vector<std::string> pos = {" apple", " pear", " sun", " moon"}, neg = {" dog", " stone", " red", " dark"};
  for (int i = 0; i < 160; ++i) {
    prompts.push_back(std::to_string(i) + " red blue");
    const bool first = i % 2 == 0;
    const auto& good = pos[i % 4];
    const auto& bad = neg[(i / 4) % 4];
    completions.push_back(first ? std::vector<std::string>{good, bad} : std::vector<std::string>{bad, good});
    labels.push_back(first ? 0 : 1);
  }
  std::vector<double> p1;
  for (int y : labels) p1.push_back(y);
  auto slice = [](auto v, size_t a, size_t b) { return decltype(v)(v.begin() + a, v.begin() + b); };
  for (const char* readout : {"scalar", "likelihood"}) {
    FinetuneOptions o;
    o.readout.name = readout;
    o.lr = 1e-2;
    o.epochs = 4;
    o.batch_size = 16;
    o.micro_batch = 16;
    o.eval_points = 2;
    o.precision = "float32";
    FinetuneInputs in;
    in.model_dir = family_[0].string();
    in.train = {slice(prompts, 0, 120), binary_soft_targets(slice(p1, 0, 120)), slice(completions, 0, 120)};
    in.evals.push_back(
        {"test", slice(prompts, 120, 160), slice(labels, 120, 160), {}, true, slice(completions, 120, 160)});
    const auto r = finetune_classifier(o, in);
    EXPECT_EQ(r.readout, readout);
    int ok = 0;
    for (size_t i = 0; i < 40; ++i) ok += (eval::p1_of(r.predictions.at("test"))[i] > 0.5) == (labels[120 + i] == 1);
    EXPECT_GE(ok, 36) << readout;
  }
  // Zero-shot (epochs = 0) trains nothing and still predicts; auto picks the scalar readout.
  FinetuneOptions z;
  z.epochs = 0;
  z.precision = "float32";
  FinetuneInputs in;
  in.model_dir = family_[0].string();
  in.evals.push_back(
      {"test", slice(prompts, 120, 160), slice(labels, 120, 160), {}, true, slice(completions, 120, 160)});
  const auto r = finetune_classifier(z, in);
  EXPECT_EQ(r.readout, "scalar");
  EXPECT_EQ(r.steps, 0);
  EXPECT_EQ(eval::p1_of(r.predictions.at("test")).size(), 40u);
  EXPECT_EQ(r.dynamics.size(), 1u);
  // A probe needs the head readout.
  z.mode = "probe";
  EXPECT_THROW(finetune_classifier(z, in), Error);
}

// Multiple choice: questions with different numbers of choices. When the choices share their
// prompt and a few tokens, shared passes score them (one per question when every choice is one
// token); the numbers are those of one sequence per choice, and the choices a question lacks are
// masked.
TEST_F(Readouts, SharedPassesScoreChoicesAsOneSequencePerChoiceDoes) {
  std::vector<std::string> words;  // completions that are one token each (of the vocabulary)
  for (int64_t id = 0; id < tok_->vocab_size() && words.size() < 4; ++id) {
    const auto w = tok_->decode({id});
    if (!w.empty() && std::isalpha(static_cast<unsigned char>(w.back())) && tok_->encode(w).size() == 1)
      words.push_back(w);
  }
  ASSERT_EQ(words.size(), 4u);
  const InputSet questions = {
      {"3 red cat", "7 sun", "12 house dark"},
      {{words[0], words[1], words[2]}, {words[1], words[3]}, {words[3], words[2], words[1], words[0]}},
      {}};
  for (const char* baseline : {"none", "reference"}) {
    LikelihoodReadout r(model_, *tok_, options(), {.mean = true, .baseline = baseline});
    const int set = r.add(questions);
    EXPECT_TRUE(r.shared(set));
    EXPECT_EQ(r.sequences(set), 3);  // one per question, not 9
    EXPECT_EQ(r.choices(set), (std::vector<int64_t>{3, 2, 4}));
    torch::NoGradGuard ng;
    const auto logits = r.logits(set, {0, 1, 2});  // (3, 4)
    ASSERT_EQ(logits.sizes(), (std::vector<int64_t>{3, 4}));
    EXPECT_EQ(logits[0][3].item<float>(), kMaskedLogit);
    EXPECT_EQ(logits[1][2].item<float>(), kMaskedLogit);
    for (int64_t i = 0; i < 3; ++i)
      for (size_t j = 0; j < questions.completions[i].size(); ++j) {
        const auto seq =
            join_prompt(tok_->encode(questions.texts[i]), tok_->encode(questions.completions[i][j]), 32, bos());
        const double want = std::string(baseline) == "reference" ? 0.0 : r.completion_scores({seq}).item<double>();
        EXPECT_NEAR(logits[i][static_cast<int64_t>(j)].item<double>(), want, 1e-4) << i << " " << j;
      }
  }
  // Probabilities: each question's own choices, summing to 1.
  LikelihoodReadout r(model_, *tok_, options(), {});
  const int set = r.add(questions);
  const auto p = choice_probabilities(r, set);
  ASSERT_EQ(p.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(p[i].size(), questions.completions[i].size());
    double sum = 0.0;
    for (double x : p[i]) sum += x;
    EXPECT_NEAR(sum, 1.0, 1e-5);
  }
  // Choices of two and three tokens beside one-token ones: still one pass per question (the
  // longer choices extend one another), and each score is its own sequence's.
  InputSet longer = questions;
  longer.completions[1][1] = " apple green";
  longer.completions[2][0] = " apple green sun";
  longer.completions[2][3] = " apple";
  ASSERT_GT(tok_->encode(" apple green").size(), 1u);
  const int general = r.add(longer);
  EXPECT_TRUE(r.shared(general));
  EXPECT_EQ(r.sequences(general), 3);
  torch::NoGradGuard ng;
  const auto a = r.logits(set, {0}), b = r.logits(general, {0});  // the same question
  EXPECT_TRUE(torch::allclose(a, b, 1e-4, 1e-4));
  const auto g = r.logits(general, {1, 2});  // (2, 4)
  for (int64_t i = 1; i < 3; ++i)
    for (size_t j = 0; j < longer.completions[i].size(); ++j) {
      const auto seq = join_prompt(tok_->encode(longer.texts[i]), tok_->encode(longer.completions[i][j]), 32, bos());
      EXPECT_NEAR(g[i - 1][static_cast<int64_t>(j)].item<double>(), r.completion_scores({seq}).item<double>(), 1e-4)
          << i << " " << j;
    }
  // A prompt that max_length cuts differently for its choices: that question runs one sequence
  // per choice inside the shared set, with the same numbers.
  InputSet cut = longer;
  std::string words_40;
  for (int w = 0; w < 40; ++w) words_40 += w % 2 ? " red" : " sun";
  cut.texts[2] = words_40;
  const int mixed = r.add(cut);
  EXPECT_TRUE(r.shared(mixed));
  EXPECT_EQ(r.sequences(mixed), 1 + 1 + 4);
  const auto c = r.logits(mixed, {2});  // (1, 4)
  for (size_t j = 0; j < cut.completions[2].size(); ++j) {
    const auto seq = join_prompt(tok_->encode(cut.texts[2]), tok_->encode(cut.completions[2][j]), 32, bos());
    EXPECT_NEAR(c[0][static_cast<int64_t>(j)].item<double>(), r.completion_scores({seq}).item<double>(), 1e-4) << j;
  }
  // Choices that share nothing beyond the prompt: one sequence per choice, as before.
  const InputSet pairs = {{"3 red cat", "7 sun"}, {{" apple green", " dog stone"}, {" dark moon", " red sun"}}, {}};
  const int apart = r.add(pairs);
  EXPECT_FALSE(r.shared(apart));
  EXPECT_EQ(r.sequences(apart), 4);
}

TEST_F(Readouts, FinetuningMultipleChoiceLearnsTheRightChoiceAmongMany) {
  // Questions of 2 to 5 choices; the right choice is the one "positive" word among them.
  const std::vector<std::string> pos = {" apple", " pear", " sun", " moon"}, neg = {" dog", " stone", " red", " dark"};
  std::vector<std::string> prompts;
  std::vector<std::vector<std::string>> choices;
  std::vector<int> labels;
  std::vector<int64_t> k;
  for (int i = 0; i < 200; ++i) {
    prompts.push_back(std::to_string(i) + " red blue");
    const int n = 2 + i % 4, right = (i / 4) % n;
    std::vector<std::string> c;
    for (int j = 0; j < n; ++j) c.push_back(j == right ? pos[i % 4] : neg[(i + j) % 4]);
    choices.push_back(c);
    labels.push_back(right);
    k.push_back(n);
  }
  auto slice = [](auto v, size_t a, size_t b) { return decltype(v)(v.begin() + a, v.begin() + b); };
  FinetuneOptions o;
  o.lr = 1e-2;
  o.epochs = 3;
  o.batch_size = 16;
  o.micro_batch = 8;
  o.eval_points = 2;
  o.precision = "float32";
  FinetuneInputs in;
  in.model_dir = family_[0].string();
  in.multiple_choice = true;
  const auto targets = soft_targets(one_hot(slice(labels, 0, 160), slice(k, 0, 160)));  // (160, 5)
  EXPECT_EQ(targets.size(1), 5);
  in.train = {slice(prompts, 0, 160), targets, slice(choices, 0, 160)};
  in.evals.push_back({"test", slice(prompts, 160, 200), slice(labels, 160, 200), {}, true, slice(choices, 160, 200)});
  const auto r = finetune_classifier(o, in);
  EXPECT_EQ(r.readout, "likelihood");  // auto, for multiple choice
  const auto& p = r.predictions.at("test");
  for (size_t i = 0; i < p.size(); ++i) ASSERT_EQ(p[i].size(), static_cast<size_t>(k[160 + i]));
  const double acc = eval::accuracy(p, slice(labels, 160, 200));
  EXPECT_GE(acc, 0.9);  // chance is about 0.3
  EXPECT_NEAR(r.dynamics.back().accuracy.at("test"), acc, 1e-12);
  // Targets of the wrong width are refused, naming the shape wanted.
  in.train.targets = soft_targets(one_hot(slice(labels, 0, 160), std::vector<int64_t>(160, 6)));
  EXPECT_THROW(finetune_classifier(o, in), Error);
}

}  // namespace
}  // namespace w2s::train
