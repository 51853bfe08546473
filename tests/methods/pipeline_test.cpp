// The weak-to-strong stages on a tiny family and a toy task: what each stage writes, how keys
// depend on their inputs (and only on them), reuse, label files, and errors.
#include <gtest/gtest.h>

#include "w2s/train/compute.h"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "test_support.h"
#include "tiny_family.h"
#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/io/file_lock.h"
#include "w2s/io/jsonl.h"
#include "w2s/methods/pipeline.h"
#include "w2s/methods/weak_labels.h"

namespace fs = std::filesystem;

namespace w2s::methods {
namespace {

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    family_ = test::make_tiny_family(tmp_ / "models", {8, 16});
    task_ = test::make_toy_task(tmp_ / "toy.jsonl", 200);
    data_.split.n_train1 = 60;
    data_.split.n_train2 = 60;
    data_.split.n_test = 40;
    ft_.lr = 1e-2;
    ft_.epochs = 2;
    ft_.batch_size = 16;
    ft_.eval_points = 2;
    ft_.precision = "float32";
  }
  ModelRef model(int i) const { return {.name = i == 0 ? "w" : "s", .path = family_[i].string()}; }
  losses::LossOptions loss(const std::string& name) const {
    losses::LossOptions l;
    l.name = name;
    return l;
  }
  test::TempDir tmp_;
  std::vector<fs::path> family_;
  std::string task_;
  DataOptions data_;
  train::FinetuneOptions ft_;
};

TEST_F(PipelineTest, GtAndStudentStagesWriteTheirFilesAndAreReused) {
  store::RunStore store(tmp_ / "runs");
  std::vector<std::string> events;
  PipelineObserver obs;
  obs.started = [&](const std::string& key, const std::string&) { events.push_back("start " + key); };
  obs.finished = [&](const std::string& key, const std::string&, bool reused, const StageMetrics& m) {
    events.push_back((reused ? "reused " : "built ") + key);
    EXPECT_GE(m.test_accuracy, 0.0);
  };
  Pipeline p(store, data_, ft_, obs);
  const auto gt = p.gt(task_, model(0), 0);
  EXPECT_EQ(gt.rfind("gt-", 0), 0u) << gt;
  EXPECT_EQ(gt, p.gt_key(task_, model(0), 0));
  for (const char* f : {"meta.json", "metrics.json", "test_predictions.jsonl", "weak_labels.jsonl", "dynamics.jsonl"})
    EXPECT_TRUE(fs::exists(store.path(gt) / f)) << f;
  EXPECT_EQ(store.meta(gt).at("kind"), "gt");
  // The precision it ran in, resolved for this machine ("auto" never recorded).
  const auto compute = store.meta(gt).at("compute");
  EXPECT_EQ(compute.at("device"), "cpu");
  EXPECT_EQ(compute.at("precision"),
            ft_.precision == "auto" ? (w2s::train::cpu_has_bf16() ? "bfloat16" : "float32") : ft_.precision);
  EXPECT_EQ(read_weak_labels(store.path(gt) / "weak_labels.jsonl").size(), p.split(task_, 0).train2.size());
  const auto metrics = read_stage_metrics(store.path(gt));
  EXPECT_EQ(metrics.n_train, 60);
  EXPECT_EQ(metrics.n_test, 40);
  EXPECT_TRUE(std::isnan(metrics.agreement));  // a gt stage has no supervisor

  const auto st = p.student(task_, model(1), gt, loss("logconf"), 0, Method::finetune);
  EXPECT_EQ(st, p.student_key(task_, model(1), gt, loss("logconf"), 0, Method::finetune));
  const auto meta = store.meta(st);
  EXPECT_EQ(meta.at("kind"), "student");
  EXPECT_EQ(meta.at("method"), "finetune");
  EXPECT_EQ(meta.at("supervisor"), "w");
  EXPECT_EQ(meta.at("labels"), gt);
  EXPECT_EQ(meta.at("compute"), compute);
  const auto sm = read_stage_metrics(store.path(st));
  EXPECT_EQ(sm.n_weak_right + sm.n_weak_wrong, 40);
  EXPECT_GE(sm.agreement, 0.0);

  // Again: nothing is built.
  events.clear();
  EXPECT_EQ(p.gt(task_, model(0), 0), gt);
  EXPECT_EQ(p.student(task_, model(1), gt, loss("logconf"), 0, Method::finetune), st);
  EXPECT_EQ(events, (std::vector<std::string>{"reused " + gt, "reused " + st}));
}

TEST_F(PipelineTest, AStageAnotherProcessBuiltWhileThisOneWaitedIsReportedWithItsMetrics) {
  // Two sweeps share a runs folder: one waits on a stage's lock while the other builds it. The
  // waiter used to report the stage as built by itself with zeroed metrics (acc 0.000).
  store::RunStore elsewhere(tmp_ / "elsewhere");
  Pipeline builder(elsewhere, data_, ft_, {});
  const auto key = builder.gt(task_, model(0), 0);
  const double acc = read_stage_metrics(elsewhere.path(key)).test_accuracy;
  ASSERT_GT(acc, 0.0);

  store::RunStore store(tmp_ / "runs");
  io::FileLock other_process(store.lock_path(key));
  other_process.lock();
  std::atomic<bool> started = false;
  std::vector<std::pair<bool, double>> finished;  // (reused, test accuracy)
  PipelineObserver obs;
  obs.started = [&](const std::string&, const std::string&) { started = true; };
  obs.finished = [&](const std::string&, const std::string&, bool reused, const StageMetrics& m) {
    finished.emplace_back(reused, m.test_accuracy);
  };
  Pipeline waiter(store, data_, ft_, obs);
  std::string got;
  std::thread t([&] { got = waiter.gt(task_, model(0), 0); });
  while (!started) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));                  // it is waiting on the lock now
  fs::copy(elsewhere.path(key), store.path(key), fs::copy_options::recursive);  // "the other process" publishes
  other_process.unlock();
  t.join();
  EXPECT_EQ(got, key);
  ASSERT_EQ(finished.size(), 1u);
  EXPECT_TRUE(finished[0].first);
  EXPECT_DOUBLE_EQ(finished[0].second, acc);
}

TEST_F(PipelineTest, KeysDependOnWhatTheStageReadsAndNothingElse) {
  store::RunStore store(tmp_ / "runs");
  Pipeline p(store, data_, ft_);
  const auto k = p.gt_key(task_, model(0), 0);
  EXPECT_NE(p.gt_key(task_, model(0), 1), k);  // seed
  EXPECT_NE(p.gt_key(task_, model(1), 0), k);  // model
  auto lr = model(0);
  lr.lr = 3e-3;
  EXPECT_NE(p.gt_key(task_, lr, 0), k);  // learning rate
  auto renamed = model(0);
  renamed.name = "other";
  EXPECT_NE(p.gt_key(task_, renamed, 0), k);  // display name (it is in the records)
  // The student loss options are not a gt stage's input.
  auto ft2 = ft_;
  ft2.loss.alpha_max = 0.3;
  Pipeline p2(store, data_, ft2);
  EXPECT_EQ(p2.gt_key(task_, model(0), 0), k);
  // Data options are.
  auto d2 = data_;
  d2.split.n_test = 30;
  Pipeline p3(store, d2, ft_);
  EXPECT_NE(p3.gt_key(task_, model(0), 0), k);
  // A student's key depends on its loss, method and slice.
  const auto s = p.student_key(task_, model(1), k, loss("xent"), 0, Method::finetune);
  EXPECT_NE(p.student_key(task_, model(1), k, loss("logconf"), 0, Method::finetune), s);
  EXPECT_NE(p.student_key(task_, model(1), k, loss("xent"), 0, Method::bootstrap), s);
  EXPECT_NE(p.student_key(task_, model(1), k, loss("xent"), 0, Method::finetune, {0, 2}), s);
  EXPECT_EQ(p.student_key(task_, model(1), k, loss("xent"), 0, Method::finetune, {0, 1}), s);
  // ... and on the loss options that loss reads, not on the others: an xent student is one stage
  // whatever α a logconf variant beside it sets, while logconf's key follows α.
  auto xent_alpha = loss("xent");
  xent_alpha.alpha_max = 0.25;
  xent_alpha.alpha_warmup = 0.5;
  xent_alpha.logconf_form = "reference";
  xent_alpha.window_max = 0.9;
  EXPECT_EQ(p.student_key(task_, model(1), k, xent_alpha, 0, Method::finetune), s);
  auto logconf_alpha = loss("logconf");
  logconf_alpha.alpha_max = 0.25;
  EXPECT_NE(p.student_key(task_, model(1), k, logconf_alpha, 0, Method::finetune),
            p.student_key(task_, model(1), k, loss("logconf"), 0, Method::finetune));
  auto window = loss("window");
  window.window_max = 0.9;
  EXPECT_NE(p.student_key(task_, model(1), k, window, 0, Method::finetune),
            p.student_key(task_, model(1), k, loss("window"), 0, Method::finetune));
  // A task whose content changes gets new keys.
  const auto before = p.gt_key(task_, model(0), 0);
  const auto changed = test::make_toy_task(tmp_ / "toy2.jsonl", 200, 2);
  EXPECT_NE(Pipeline(store, data_, ft_).gt_key(changed, model(0), 0), before);
}

TEST_F(PipelineTest, KeysFollowTheWeightsAndTheResolvedPrecision) {
  store::RunStore store(tmp_ / "runs");
  // A member retrained in place (same shape, same file size, a weight byte changed past the
  // header): every stage of it gets a new key, so nothing made with the old weights is reused.
  fs::copy(family_[0], tmp_ / "member", fs::copy_options::recursive);
  const ModelRef member{.name = "w", .path = (tmp_ / "member").string()};
  const auto before = Pipeline(store, data_, ft_).gt_key(task_, member, 0);
  const fs::path weights = tmp_ / "member" / "model.safetensors";
  {
    std::fstream io(weights, std::ios::in | std::ios::out | std::ios::binary);
    io.seekp(static_cast<std::streamoff>(fs::file_size(weights)) - 2);
    io.put('\x7f');
  }
  EXPECT_NE(Pipeline(store, data_, ft_).gt_key(task_, member, 0), before);
  // "auto" is keyed as what it resolves to here; float32 and bfloat16 are different stages.
  auto resolved = ft_, other = ft_, autop = ft_;
  autop.precision = "auto";
  resolved.precision = train::cpu_has_bf16() ? "bfloat16" : "float32";
  other.precision = train::cpu_has_bf16() ? "float32" : "bfloat16";
  const auto k = Pipeline(store, data_, resolved).gt_key(task_, model(0), 0);
  EXPECT_EQ(Pipeline(store, data_, autop).gt_key(task_, model(0), 0), k);
  EXPECT_NE(Pipeline(store, data_, other).gt_key(task_, model(0), 0), k);
}

TEST_F(PipelineTest, LabelFileStudentsAndErrors) {
  store::RunStore store(tmp_ / "runs");
  Pipeline p(store, data_, ft_);
  // A label file for train half 2 (matched by text): every example labelled 0.9.
  std::vector<WeakLabel> rows;
  for (const auto& x : p.split(task_, 0).train2) rows.push_back({"", x.text, -1, {0.1, 0.9}});
  write_weak_labels(tmp_ / "labels.jsonl", rows);
  const auto st = p.student_from_file(task_, model(1), (tmp_ / "labels.jsonl").string(), loss("xent"), 0);
  EXPECT_EQ(store.meta(st).at("method"), "file");
  EXPECT_EQ(store.meta(store.meta(st).at("labels").get<std::string>()).at("kind"), "labels");
  // A file that misses an example names it.
  rows.pop_back();
  write_weak_labels(tmp_ / "short.jsonl", rows);
  try {
    p.student_from_file(task_, model(1), (tmp_ / "short.jsonl").string(), loss("xent"), 0);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("short.jsonl: no weak label"), std::string::npos) << e.what();
  }
  // A missing label stage and a slice that does not exist are errors before anything trains.
  EXPECT_THROW(p.student(task_, model(1), "gt-0000000000000000", loss("xent"), 0, Method::finetune), Error);
  const auto gt = p.gt(task_, model(0), 0);
  EXPECT_THROW(p.student(task_, model(1), gt, loss("xent"), 0, Method::bootstrap, {2, 2}), Error);
}

TEST_F(PipelineTest, GenftTextOfComparisonsJoinedSeparateOrPromptsOnly) {
  store::RunStore store(tmp_ / "runs");
  const auto pairs = test::make_toy_comparisons(tmp_ / "pairs.jsonl", 40);
  Pipeline p(store, data_, ft_);
  GenftOptions g;
  g.epochs = 1;
  g.batch_size = 4;
  g.seq_len = 16;
  const auto& x = p.split(pairs, 0).train1.front();  // one comparison of the train pool
  ASSERT_EQ(x.completions.size(), 2u);
  auto text_of = [&](const std::string& mode) {
    g.text = mode;
    const auto ref = p.genft(pairs, model(0), g, 0);
    const auto stage = fs::path(ref.path).parent_path();
    return std::pair{read_file(stage / "task_text.txt"), nlohmann::json::parse(read_file(stage / "meta.json"))};
  };
  const std::string eot = "\n<|endoftext|>\n";
  const auto [joined, joined_meta] = text_of("joined");
  EXPECT_NE(joined.find(x.text + x.completions[0] + eot), std::string::npos);
  EXPECT_NE(joined.find(x.text + x.completions[1] + eot), std::string::npos);
  EXPECT_EQ(joined.find(eot + x.completions[0] + eot), std::string::npos);
  // The default keeps the spec (and so the keys) that genft stages had before the option existed.
  EXPECT_FALSE(joined_meta.at("spec").at("genft").contains("text"));
  const auto [separate, separate_meta] = text_of("separate");
  EXPECT_EQ(separate_meta.at("spec").at("genft").at("text"), "separate");
  EXPECT_NE(separate.find(x.text + eot), std::string::npos);
  EXPECT_NE(separate.find(eot + x.completions[0] + eot), std::string::npos);
  EXPECT_NE(separate.find(eot + x.completions[1] + eot), std::string::npos);
  EXPECT_EQ(separate.find(x.text + x.completions[0]), std::string::npos);
  const auto [prompts, prompts_meta] = text_of("prompts");
  EXPECT_NE(prompts.find(x.text + eot), std::string::npos);
  EXPECT_EQ(prompts.find(eot + x.completions[0] + eot), std::string::npos);
  EXPECT_EQ(prompts.find(eot + x.completions[1] + eot), std::string::npos);
  EXPECT_NE(joined_meta.at("key"), separate_meta.at("key"));
  EXPECT_NE(separate_meta.at("key"), prompts_meta.at("key"));
  // The file has no fixed test split: seed 0 carves its test set from the pool, and its genft text
  // holds none of those examples; seed 1 has its own genft model.
  const auto& test = p.split(pairs, 0).test;
  ASSERT_FALSE(test.empty());
  for (const auto& t : test) EXPECT_EQ(joined.find(t.text + t.completions[0] + eot), std::string::npos) << t.id;
  EXPECT_EQ(joined_meta.at("spec").at("held_out_test_of_seed"), 0);
  g.text = "joined";
  EXPECT_NE(p.genft(pairs, model(0), g, 1, false).path, p.genft(pairs, model(0), g, 0, false).path);
}

// Multiple choice through every stage: weak labels and predictions hold one probability per choice
// of each question, and the student learns from them.
TEST_F(PipelineTest, MultipleChoiceStagesPredictOverEachQuestionsOwnChoices) {
  store::RunStore store(tmp_ / "runs");
  const auto questions = test::make_toy_questions(tmp_ / "questions.jsonl", 200, 3, 5);
  Pipeline p(store, data_, ft_);
  EXPECT_EQ(p.task(questions).kind, data::TaskKind::multiple_choice);
  const auto gt = p.gt(questions, model(0), 0);
  EXPECT_EQ(store.meta(gt).at("spec").at("finetune").at("readout").at("name"), "likelihood");  // auto
  const auto& s = p.split(questions, 0);
  const auto weak = read_weak_labels(store.path(gt) / "weak_labels.jsonl");
  ASSERT_EQ(weak.size(), s.train2.size());
  bool more_than_two = false;
  for (size_t i = 0; i < weak.size(); ++i) {
    ASSERT_EQ(weak[i].soft.size(), s.train2[i].completions.size()) << i;  // exactly the question's choices
    double sum = 0.0;
    for (double x : weak[i].soft) sum += x;
    EXPECT_NEAR(sum, 1.0, 1e-9);
    EXPECT_EQ(weak[i].gt_label, s.train2[i].label);
    more_than_two |= weak[i].soft.size() > 2;
  }
  EXPECT_TRUE(more_than_two);
  const auto test_pred = read_predictions(store.path(gt) / "test_predictions.jsonl", s.test);
  for (size_t i = 0; i < s.test.size(); ++i) EXPECT_EQ(test_pred[i].size(), s.test[i].completions.size());
  const auto st = p.student(questions, model(1), gt, loss("logconf"), 0, Method::finetune);
  const auto m = read_stage_metrics(store.path(st));
  EXPECT_GT(m.test_accuracy, 0.0);
  EXPECT_TRUE(std::isnan(m.test_auroc));  // no single score over many choices
  EXPECT_GE(m.agreement, 0.0);
  EXPECT_EQ(m.n_weak_right + m.n_weak_wrong, static_cast<int64_t>(s.test.size()));
}

// A question with two choices is a comparison: on the same rows, the multiple-choice task gives
// the comparison task's numbers (the comparison's split draws which completion comes first; the
// likelihood readout does not care).
TEST_F(PipelineTest, TwoChoiceQuestionsReproduceTheComparisonTask) {
  std::vector<nlohmann::json> pairs, questions;
  test::make_toy_comparisons(tmp_ / "pairs0.jsonl", 200, 4);
  io::for_each_jsonl(tmp_ / "pairs0.jsonl", [&](const nlohmann::json& row, size_t line) {
    const std::string id = "r" + std::to_string(line);
    pairs.push_back({{"id", id}, {"prompt", row["prompt"]}, {"chosen", row["chosen"]}, {"rejected", row["rejected"]}});
    questions.push_back(
        {{"id", id}, {"prompt", row["prompt"]}, {"choices", {row["chosen"], row["rejected"]}}, {"answer", 0}});
  });
  io::write_jsonl(tmp_ / "pairs.jsonl", pairs);
  io::write_jsonl(tmp_ / "questions.jsonl", questions);
  const std::string pair_task =
      "jsonl:" + (tmp_ / "pairs.jsonl").string() + "?prompt=prompt&chosen=chosen&rejected=rejected&id=id";
  const std::string question_task =
      "jsonl:" + (tmp_ / "questions.jsonl").string() + "?prompt=prompt&choices=choices&label=answer&id=id";
  auto ft = ft_;
  ft.readout.name = "likelihood";
  store::RunStore store(tmp_ / "runs");
  Pipeline p(store, data_, ft);
  const auto& a = p.split(pair_task, 0);
  const auto& b = p.split(question_task, 0);
  ASSERT_EQ(a.test.size(), b.test.size());
  for (size_t i = 0; i < a.test.size(); ++i) ASSERT_EQ(a.test[i].id, b.test[i].id);
  const auto ga = p.gt(pair_task, model(0), 0), gb = p.gt(question_task, model(0), 0);
  const auto sa = p.student(pair_task, model(1), ga, loss("xent"), 0, Method::finetune);
  const auto sb = p.student(question_task, model(1), gb, loss("xent"), 0, Method::finetune);
  for (const auto& [x, y] : {std::pair{ga, gb}, std::pair{sa, sb}}) {
    const auto ma = read_stage_metrics(store.path(x)), mb = read_stage_metrics(store.path(y));
    EXPECT_DOUBLE_EQ(ma.test_accuracy, mb.test_accuracy) << x;
    EXPECT_EQ(std::isnan(ma.agreement), std::isnan(mb.agreement)) << x;  // gt stages have no supervisor
    if (!std::isnan(ma.agreement)) {
      EXPECT_DOUBLE_EQ(ma.agreement, mb.agreement) << x;
    }
    const auto pa = read_predictions(store.path(x) / "test_predictions.jsonl", a.test);
    const auto pb = read_predictions(store.path(y) / "test_predictions.jsonl", b.test);
    for (size_t i = 0; i < pa.size(); ++i)  // P(the chosen completion), wherever the split put it
      EXPECT_NEAR(pa[i][a.test[i].label], pb[i][0], 1e-4) << x << " " << i;
  }
}

TEST_F(PipelineTest, AnEmptyTestSetIsAnErrorBeforeAnythingTrains) {
  store::RunStore store(tmp_ / "runs");
  auto d = data_;
  d.split.n_test = 0;
  Pipeline p(store, d, ft_);
  try {
    p.gt(task_, model(0), 0);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("the test set is empty"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(store.keys().empty());
}

TEST(StageKind, NamesRoundTripAndUnknownNamesAreErrors) {
  for (auto k : {StageKind::gt, StageKind::student, StageKind::genft, StageKind::labels})
    EXPECT_EQ(parse_stage_kind(to_string(k), "test"), k);
  for (auto m : {Method::finetune, Method::bootstrap, Method::file}) EXPECT_EQ(parse_method(to_string(m), "test"), m);
  EXPECT_EQ(to_string(StageKind::gt), "gt");  // part of every stage key: never renamed
  EXPECT_EQ(to_string(Method::bootstrap), "bootstrap");
  try {
    parse_stage_kind("gtt", "runs/x/meta.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("runs/x/meta.json: unknown stage kind \"gtt\""), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace w2s::methods
