// Sweeps: the plan (pairs × losses × seeds, bootstrapping), sharding (the union of shards is the
// plan), and a whole sweep over a family of tiny models on a toy task: results, PGR rows, reuse of
// finished stages on a rerun, determinism.
#include "w2s/sweep/sweep.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <numeric>
#include <set>

#include "test_support.h"
#include "tiny_family.h"
#include "tiny_sweep.h"
#include "w2s/core/error.h"
#include "w2s/io/jsonl.h"
#include "w2s/methods/pipeline.h"
#include "w2s/methods/weak_labels.h"
#include "w2s/models/config.h"
#include "w2s/report/figures.h"
#include "w2s/report/tables.h"
#include "w2s/store/run_store.h"
#include "w2s/sweep/pair.h"

namespace fs = std::filesystem;
using namespace w2s;

namespace {
sweep::SweepOptions three_models() {
  sweep::SweepOptions o;
  o.models = {"a", "b", "c"};
  o.seeds = {0, 1};
  o.losses = {"xent", "logconf"};
  return o;
}
std::string id_of(const sweep::PlannedStage& s) {
  std::string c;
  for (int k : s.chain) c += std::to_string(k) + ",";
  return fmt::format("{}|{}|{}|{}|{}|{}|{}", methods::to_string(s.kind), s.task, s.seed, s.model, c, s.loss,
                     methods::to_string(s.method));
}
}  // namespace

TEST(SweepPlan, EveryPairLossAndSeed) {
  auto o = three_models();
  const auto plan = sweep::plan_sweep(o);
  // Per seed: 3 gt + 3 pairs (a<b, a<c, b<c) × 2 losses = 9; 2 seeds → 18.
  EXPECT_EQ(plan.size(), 18u);
  int gt = 0, students = 0;
  for (const auto& s : plan) {
    if (s.kind == methods::StageKind::gt)
      ++gt;
    else {
      ++students;
      EXPECT_LT(s.chain.front(), s.model);
    }
  }
  EXPECT_EQ(gt, 6);
  EXPECT_EQ(students, 12);
  o.same_size = true;
  EXPECT_EQ(sweep::plan_sweep(o).size(), 18u + 2 * 3 * 2);
  o.same_size = false;
  o.bootstrap = true;  // a → b → c per loss
  const auto boot = sweep::plan_sweep(o);
  ASSERT_EQ(boot.size(), 18u + 2 * 2);
  int chains = 0;
  for (const auto& s : boot)
    if (s.method == methods::Method::bootstrap) {
      ++chains;
      EXPECT_EQ(s.chain, (std::vector<int>{0, 1}));
      EXPECT_EQ(s.model, 2);
    }
  EXPECT_EQ(chains, 4);
}

TEST(SweepPlan, GenerativeFinetuningOfStrongModelsGivesSupervisorsAndCeilingsTheirOwnGtStages) {
  auto o = three_models();
  o.seeds = {0};
  o.generative_finetune = true;  // genft_models = strong
  std::vector<std::pair<int, sweep::Role>> gt;
  for (const auto& s : sweep::plan_sweep(o))
    if (s.kind == methods::StageKind::gt) gt.emplace_back(s.model, s.role);
  // a supervises only, c is only a ceiling, b is both.
  using R = sweep::Role;
  EXPECT_EQ(gt, (std::vector<std::pair<int, R>>{{0, R::weak}, {1, R::weak}, {1, R::strong}, {2, R::strong}}));
  // Zero-shot baselines: a reads as itself (it only supervises), b and c as ceilings.
  o.zero_shot = true;
  std::vector<std::pair<int, sweep::Role>> zs;
  for (const auto& s : sweep::plan_sweep(o))
    if (s.kind == methods::StageKind::zeroshot) zs.emplace_back(s.model, s.role);
  EXPECT_EQ(zs, (std::vector<std::pair<int, R>>{{0, R::weak}, {1, R::strong}, {2, R::strong}}));
  o.genft_models = "all";
  for (const auto& s : sweep::plan_sweep(o)) EXPECT_EQ(s.role, R::both);
  o.generative_finetune = false;
  o.genft_models = "strong";
  for (const auto& s : sweep::plan_sweep(o)) EXPECT_EQ(s.role, R::both);
  o.genft_models = "weak";
  o.generative_finetune = true;
  EXPECT_NE(test::error_of([&] { sweep::plan_sweep(o); }).find("genft_models"), std::string::npos);
}

TEST(SweepPlan, BootstrapStepsSpreadIntermediateSizesEvenly) {
  EXPECT_EQ(sweep::bootstrap_chain(0, 4, 0), (std::vector<int>{0, 1, 2, 3}));  // every size
  EXPECT_EQ(sweep::bootstrap_chain(0, 4, 1), (std::vector<int>{0, 2}));
  EXPECT_EQ(sweep::bootstrap_chain(0, 4, 2), (std::vector<int>{0, 1, 3}));
  EXPECT_EQ(sweep::bootstrap_chain(0, 4, 9), (std::vector<int>{0, 1, 2, 3}));  // capped
  EXPECT_EQ(sweep::bootstrap_chain(1, 5, 2), (std::vector<int>{1, 2, 4}));
  EXPECT_EQ(sweep::bootstrap_chain(0, 2, 1), (std::vector<int>{0, 1}));
  sweep::SweepOptions o;
  o.models = {"a", "b", "c", "d", "e"};
  o.seeds = {0};
  o.losses = {"xent"};
  o.bootstrap = true;
  o.bootstrap_steps = 1;
  std::set<std::vector<int>> chains;
  for (const auto& s : sweep::plan_sweep(o))
    if (s.method == methods::Method::bootstrap) {
      EXPECT_EQ(s.chain.size(), 2u);  // w and one intermediate size
      chains.insert(s.chain);
    }
  // Pairs with ≥ 1 size between: (0,2) (0,3) (0,4) (1,3) (1,4) (2,4).
  EXPECT_EQ(chains, (std::set<std::vector<int>>{{0, 1}, {0, 2}, {1, 2}, {1, 3}, {2, 3}}));
  o.bootstrap_steps = -1;
  EXPECT_THROW(sweep::plan_sweep(o), Error);
}

TEST(SweepPlan, UnknownLossIsAnError) {
  auto o = three_models();
  o.losses = {"xent", "logconff"};
  EXPECT_THROW(sweep::plan_sweep(o), Error);
}

TEST(SweepPlan, ShardsPartitionThePlan) {
  auto o = three_models();
  o.bootstrap = true;
  o.seeds = {0, 1, 2};
  const auto plan = sweep::plan_sweep(o);
  for (int n : {1, 2, 3, 4, 7}) {
    std::multiset<std::string> all;
    for (int i = 1; i <= n; ++i) {
      const auto part = sweep::shard_of(plan, i, n);
      for (const auto& s : part) all.insert(id_of(s));
      // A shard holds whole units: a student's supervisor gt stage is in the same shard.
      for (const auto& s : part)
        if (s.kind == methods::StageKind::student) {
          bool found = false;
          for (const auto& g : part)
            found |= g.kind == methods::StageKind::gt && g.unit == s.unit && g.model == s.chain.front();
          EXPECT_TRUE(found) << id_of(s);
        }
    }
    std::multiset<std::string> expected;
    for (const auto& s : plan) expected.insert(id_of(s));
    EXPECT_EQ(all, expected) << n << " shards";
  }
  EXPECT_EQ(sweep::parse_shard("2/4"), std::make_pair(2, 4));
  EXPECT_THROW(sweep::parse_shard("0/4"), Error);
  EXPECT_THROW(sweep::parse_shard("5/4"), Error);
  EXPECT_THROW(sweep::parse_shard("x"), Error);
}

TEST_F(TinySweep, RunsEveryStageReportsPgrAndReusesOnRerun) {
  auto o = options(tmp_ / "runs");
  sweep::SweepRunOptions run;
  run.output = sweep::Output::quiet;
  const auto res = sweep::run_sweep(o, run);
  // 2 seeds × (3 gt + 3 pairs × 2 losses) stages.
  EXPECT_EQ(res.stages.size(), 18u);
  // The ground-truth table `w2s sweep` prints at the end: on this file task (a JSONL path) one row
  // per model, under the task's short name (the file stem), never the header alone.
  const std::string gt_table = report::format_gt_table(res, report::TableFormat::text);
  for (const auto& m : family_)
    EXPECT_NE(gt_table.find(m.filename().string()), std::string::npos) << m << "\n" << gt_table;
  EXPECT_NE(gt_table.find("toy"), std::string::npos) << gt_table;
  EXPECT_EQ(gt_table.find(task_), std::string::npos) << gt_table;
  ASSERT_EQ(res.pgr.size(), 6u);
  for (const auto& r : res.pgr) {
    EXPECT_EQ(r.n_seeds, 2);
    EXPECT_TRUE(r.status == "ok" || r.status == "gap_not_significant" || r.status == "ceiling_not_above_weak")
        << r.status;
    // Diagnostics: the misfit is a share of train half 2; error consistency a κ in [−1, 1].
    EXPECT_GE(r.misfit, 0.0);
    EXPECT_LE(r.misfit, 1.0);
    EXPECT_GE(r.error_consistency, -1.0);
    EXPECT_LE(r.error_consistency, 1.0);
    EXPECT_GE(r.weak_acc, 0.0);
    EXPECT_LE(r.weak_acc, 1.0);
    if (r.status == "ceiling_not_above_weak") {
      EXPECT_TRUE(std::isnan(r.pgr));
    } else {
      // The ratio of the mean accuracies, and an interval from resampling seeds and test examples.
      EXPECT_NEAR(r.pgr, (r.student_acc - r.weak_acc) / (r.ceiling_acc - r.weak_acc), 1e-9);
      EXPECT_TRUE(r.pgr_over_examples);
      EXPECT_LE(r.pgr_lo, r.pgr_hi);
    }
    // PGR on AUROC from the same stages: the means of their test AUROCs and the ratio of those means.
    std::vector<double> weak, student, ceiling;
    for (const auto& st : res.stages) {
      if (st.kind == methods::StageKind::gt && st.model == r.weak) weak.push_back(st.test_auroc);
      if (st.kind == methods::StageKind::gt && st.model == r.strong) ceiling.push_back(st.test_auroc);
      if (st.kind == methods::StageKind::student && st.model == r.strong && st.supervisor == r.weak &&
          st.loss == r.loss)
        student.push_back(st.test_auroc);
    }
    const auto mean = [](const std::vector<double>& v) { return (v[0] + v[1]) / 2; };
    ASSERT_EQ(weak.size(), 2u);
    ASSERT_EQ(ceiling.size(), 2u);
    ASSERT_EQ(student.size(), 2u);
    EXPECT_NEAR(r.weak_auroc, mean(weak), 1e-12);
    EXPECT_NEAR(r.ceiling_auroc, mean(ceiling), 1e-12);
    EXPECT_NEAR(r.student_auroc, mean(student), 1e-12);
    if (r.ceiling_auroc > r.weak_auroc)
      EXPECT_NEAR(r.pgr_auroc, (r.student_auroc - r.weak_auroc) / (r.ceiling_auroc - r.weak_auroc), 1e-9);
    else
      EXPECT_TRUE(std::isnan(r.pgr_auroc));
  }
  int students = 0;
  for (const auto& s : res.stages) {
    EXPECT_FALSE(s.commit.empty());
    EXPECT_GE(s.dynamics.size(), 3u) << s.key;
    if (s.kind == methods::StageKind::student) {
      ++students;
      EXPECT_EQ(s.n_weak_right + s.n_weak_wrong, 60);
      EXPECT_TRUE(std::isfinite(s.dynamics.back().weak_agreement));
    }
  }
  EXPECT_EQ(students, 12);
  // The weak labels are a reference-format JSONL file of train half 2.
  store::RunStore store(o.runs_dir);
  int n_label_files = 0;
  for (const auto& k : store.keys())
    if (k.rfind("gt-", 0) == 0) {
      const auto rows = methods::read_weak_labels(store.path(k) / "weak_labels.jsonl");
      EXPECT_EQ(rows.size(), 80u);
      ++n_label_files;
    }
  EXPECT_EQ(n_label_files, 6);
  EXPECT_TRUE(fs::exists(fs::path(o.runs_dir) / "results.json"));
  EXPECT_TRUE(fs::exists(fs::path(o.runs_dir) / "sweep.toml"));

  // A rerun trains nothing (every stage is reused): same records, same keys.
  const auto t0 = std::chrono::steady_clock::now();
  const auto again = sweep::run_sweep(o, run);
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 20.0);
  ASSERT_EQ(again.stages.size(), res.stages.size());
  for (size_t i = 0; i < res.stages.size(); ++i) {
    EXPECT_EQ(again.stages[i].key, res.stages[i].key);
    EXPECT_EQ(again.stages[i].test_accuracy, res.stages[i].test_accuracy);
  }
}

TEST_F(TinySweep, SameConfigAndSeedGiveTheSameNumbersAndShardsMergeByCopying) {
  auto whole = options(tmp_ / "whole");
  whole.seeds = {3};
  whole.losses = {"logconf"};
  sweep::SweepRunOptions run;
  run.output = sweep::Output::quiet;
  const auto a = sweep::run_sweep(whole, run);
  // The same plan in two shards run into separate folders, merged by copying.
  auto s1 = whole, s2 = whole;
  s1.runs_dir = (tmp_ / "shard1").string();
  s2.runs_dir = (tmp_ / "shard2").string();
  run.shard_i = 1, run.shard_n = 2;
  sweep::run_sweep(s1, run);
  run.shard_i = 2;
  sweep::run_sweep(s2, run);
  fs::create_directories(tmp_ / "merged");
  for (const auto* d : {&s1.runs_dir, &s2.runs_dir})
    for (const auto& e : fs::directory_iterator(*d))
      if (e.is_directory() && e.path().filename().string().find('-') != std::string::npos)
        fs::copy(e.path(), tmp_ / "merged" / e.path().filename(),
                 fs::copy_options::recursive | fs::copy_options::skip_existing);
  auto merged = whole;
  merged.runs_dir = (tmp_ / "merged").string();
  const auto b = sweep::collect_results(merged);
  ASSERT_EQ(a.stages.size(), b.stages.size());
  for (size_t i = 0; i < a.stages.size(); ++i) {
    EXPECT_EQ(a.stages[i].key, b.stages[i].key);
    EXPECT_EQ(a.stages[i].test_accuracy, b.stages[i].test_accuracy) << a.stages[i].key;  // bit-identical on CPU
  }
  ASSERT_EQ(a.pgr.size(), b.pgr.size());
  for (size_t i = 0; i < a.pgr.size(); ++i) EXPECT_EQ(a.pgr[i].status, b.pgr[i].status);
}

TEST_F(TinySweep, MissingModelFolderIsAClearError) {
  auto o = options(tmp_ / "runs");
  o.models[1] = (tmp_ / "nope").string();
  sweep::SweepRunOptions run;
  run.output = sweep::Output::quiet;
  try {
    sweep::run_sweep(o, run);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("nope"), std::string::npos) << e.what();
  }
}

TEST_F(TinySweep, BootstrappingAndGenerativeFinetuning) {
  auto o = options(tmp_ / "boot");
  o.seeds = {0};
  o.losses = {"xent"};
  o.bootstrap = true;
  o.bootstrap_data = "shared";  // in-sample labels (not the default): the first link is the direct student
  sweep::SweepRunOptions run;
  run.output = sweep::Output::quiet;
  const auto res = sweep::run_sweep(o, run);
  // 3 gt + 3 direct students + 1 chain (its first link is the direct 8→16 student, reused).
  EXPECT_EQ(res.stages.size(), 7u);
  int boot_rows = 0;
  for (const auto& r : res.pgr)
    if (r.method == "bootstrap") {
      ++boot_rows;
      EXPECT_EQ(r.weak, "tiny-d8");
      EXPECT_EQ(r.strong, "tiny-d32");
    }
  EXPECT_EQ(boot_rows, 1);
  bool chain_seen = false;
  for (const auto& s : res.stages) chain_seen |= s.supervisor == "tiny-d8>tiny-d16";
  EXPECT_TRUE(chain_seen);

  auto g = options(tmp_ / "genft");
  g.seeds = {0};
  g.losses = {"xent"};
  g.models.pop_back();
  g.generative_finetune = true;
  g.genft.epochs = 1;
  g.genft.batch_size = 4;
  g.zero_shot = true;
  // genft_models = strong (the default, as the paper): the supervisor stays as it is (and so does
  // its zero-shot readout), the ceiling and the student are generatively finetuned.
  const auto gr = sweep::run_sweep(g, run);
  ASSERT_EQ(gr.stages.size(), 5u);  // 2 gt, 2 zero-shot, 1 student
  for (const auto& s : gr.stages) {
    const bool supervisor = s.kind != methods::StageKind::student && s.model.rfind("tiny-d8", 0) == 0;
    EXPECT_EQ(s.model.find("+genft") == std::string::npos, supervisor) << s.model;
  }
  ASSERT_EQ(gr.pgr.size(), 1u);
  for (const auto& s : gr.stages) {
    if (s.kind != methods::StageKind::gt) continue;
    EXPECT_DOUBLE_EQ(s.model == "tiny-d8" ? gr.pgr[0].weak_acc : gr.pgr[0].ceiling_acc, s.test_accuracy) << s.model;
  }
  auto genft_stages = [](const std::string& dir) {
    int n = 0;
    for (const auto& k : store::RunStore(dir).keys()) n += k.rfind("genft-", 0) == 0;
    return n;
  };
  EXPECT_EQ(genft_stages(g.runs_dir), 1);
  // genft_models = all: the supervisor too.
  g.genft_models = "all";
  g.runs_dir = (tmp_ / "genft-all").string();
  const auto ga = sweep::run_sweep(g, run);
  EXPECT_EQ(ga.stages.size(), 5u);
  for (const auto& s : ga.stages) EXPECT_NE(s.model.find("+genft"), std::string::npos) << s.model;
  EXPECT_EQ(genft_stages(g.runs_dir), 2);
}

TEST_F(TinySweep, CrossFittedBootstrappingLabelsEachExampleWithAModelThatDidNotTrainOnIt) {
  auto o = options(tmp_ / "crossfit");
  o.seeds = {0};
  o.losses = {"xent"};
  o.bootstrap = true;
  EXPECT_EQ(o.bootstrap_data, "crossfit");  // the default
  EXPECT_EQ(o.bootstrap_folds, 2);
  sweep::SweepRunOptions run;
  run.output = sweep::Output::quiet;
  const auto res = sweep::run_sweep(o, run);
  ASSERT_EQ(res.stages.size(), 7u);  // 3 gt + 3 direct students + the chain's final student
  store::RunStore store(o.runs_dir);
  // The store also holds the link's 2 fold models and its cross-fitted labels stage.
  EXPECT_EQ(store.keys().size(), 10u);
  const report::StageRecord* last = nullptr;
  for (const auto& s : res.stages)
    if (s.supervisor == "tiny-d8>tiny-d16 (cross-fit)") last = &s;
  ASSERT_NE(last, nullptr);
  const auto meta = store.meta(last->key);
  EXPECT_FALSE(meta.contains("train_slice"));  // the final student trains on all of half 2
  EXPECT_EQ(methods::read_stage_metrics(store.path(last->key)).n_train, 80);
  const std::string labels = meta["labels"];
  const auto labels_meta = store.meta(labels);
  EXPECT_EQ(labels_meta["kind"], "labels");
  EXPECT_EQ(labels_meta["source"], "crossfit");
  ASSERT_EQ(labels_meta["folds"].size(), 2u);
  const auto merged = methods::read_weak_labels(store.path(labels) / "weak_labels.jsonl");
  ASSERT_EQ(merged.size(), 80u);
  for (int f = 0; f < 2; ++f) {
    const std::string fold = labels_meta["folds"][f];
    const auto fm = store.meta(fold);
    EXPECT_EQ(fm["model"], "tiny-d16");
    EXPECT_EQ(fm["supervisor"], "tiny-d8");
    EXPECT_EQ(fm["train_slice"], nlohmann::json({f, 2}));
    EXPECT_EQ(fm["train_complement"], true);
    EXPECT_EQ(methods::read_stage_metrics(store.path(fold)).n_train, 40);  // every fold but its own
    // Rows of fold f (the f-th half of half 2) carry fold model f's predictions: out of sample.
    const auto own = methods::read_weak_labels(store.path(fold) / "weak_labels.jsonl");
    const auto other = methods::read_weak_labels(store.path(labels_meta["folds"][1 - f]) / "weak_labels.jsonl");
    int differ = 0;
    for (size_t i = 40 * f; i < 40 * (f + 1); ++i) {
      EXPECT_EQ(merged[i].id, own[i].id);
      EXPECT_EQ(merged[i].soft, own[i].soft) << i;
      differ += merged[i].soft != other[i].soft;
    }
    EXPECT_GT(differ, 0) << "the two fold models are different models";
  }
  // A rerun reuses every stage.
  const auto again = sweep::run_sweep(o, run);
  EXPECT_EQ(again.stages.back().key, res.stages.back().key);
  EXPECT_EQ(store.keys().size(), 10u);
  // Too few folds is an error before anything runs.
  o.bootstrap_folds = 1;
  EXPECT_THROW(sweep::plan_sweep(o), Error);
}

TEST_F(TinySweep, DisjointBootstrappingTrainsEachLinkOnItsOwnSliceOfHalfTwo) {
  auto o = options(tmp_ / "disjoint");
  o.seeds = {0};
  o.losses = {"xent"};
  o.bootstrap = true;
  o.bootstrap_data = "disjoint";
  sweep::SweepRunOptions run;
  run.output = sweep::Output::quiet;
  const auto res = sweep::run_sweep(o, run);
  // 3 gt + 3 direct students + the chain's final student (its first link is not the direct
  // student: it trains on half of train half 2 only).
  ASSERT_EQ(res.stages.size(), 7u);
  store::RunStore store(o.runs_dir);
  EXPECT_EQ(store.keys().size(), 8u);
  const report::StageRecord* last = nullptr;
  for (const auto& s : res.stages)
    if (s.supervisor == "tiny-d8>tiny-d16") last = &s;
  ASSERT_NE(last, nullptr);
  const auto meta = store.meta(last->key);
  EXPECT_EQ(meta["train_slice"], nlohmann::json({1, 2}));
  EXPECT_EQ(methods::read_stage_metrics(store.path(last->key)).n_train, 40);  // 80 / 2
  // Its labels come from the first link: d16 trained on the other half of train half 2, labelled
  // by d8's ground-truth model; that link still predicted (labelled) all 80 examples.
  const std::string link = meta["labels"];
  const auto link_meta = store.meta(link);
  EXPECT_EQ(link_meta["model"], "tiny-d16");
  EXPECT_EQ(link_meta["train_slice"], nlohmann::json({0, 2}));
  EXPECT_EQ(link_meta["supervisor"], "tiny-d8");
  EXPECT_EQ(methods::read_stage_metrics(store.path(link)).n_train, 40);
  EXPECT_EQ(methods::read_weak_labels(store.path(link) / "weak_labels.jsonl").size(), 80u);
  for (const auto& s : res.stages) {
    if (s.kind == methods::StageKind::student && s.method == "finetune") {
      EXPECT_NE(s.key, link);  // not the direct student
    }
  }
  // A rerun reuses every stage (same keys), and shared bootstrapping gives other keys.
  const auto again = sweep::run_sweep(o, run);
  EXPECT_EQ(again.stages.back().key, res.stages.back().key);
  EXPECT_EQ(store.keys().size(), 8u);

  // More slices than examples in train half 2 is an error naming the sizes.
  store::RunStore small(tmp_ / "small");
  auto d = o.data;
  d.split.n_train2 = 80;
  methods::Pipeline pl(small, d, o.finetune);
  const auto fam = sweep::family_of(o);
  const auto weak = pl.gt(task_, fam[0], 0);
  try {
    pl.student(task_, fam[1], weak, losses::LossOptions{}, 0, methods::Method::bootstrap, {0, 81});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("81 slices"), std::string::npos) << e.what();
  }
  EXPECT_THROW(pl.student(task_, fam[1], weak, losses::LossOptions{}, 0, methods::Method::bootstrap, {2, 2}), Error);
  o.bootstrap_data = "sometimes";
  EXPECT_THROW(sweep::plan_sweep(o), Error);
}

TEST_F(TinySweep, LogconfWithTheBalancedPriorOnSkewedWeakLabelsWarns) {
  auto o = options(tmp_ / "skew");
  store::RunStore store(o.runs_dir);
  methods::Pipeline pl(store, o.data, o.finetune);
  const auto fam = sweep::family_of(o);
  const auto& half2 = pl.split(task_, 0).train2;
  for (const char* prior : {"weak", "balanced"}) {
    losses::LossOptions logconf;
    logconf.name = "logconf";
    logconf.logconf_prior = prior;
    const bool balanced = std::string(prior) == "balanced";
    for (bool skewed : {true, false}) {
      std::vector<methods::WeakLabel> rows;
      for (size_t i = 0; i < half2.size(); ++i) {
        const double p1 = skewed || i % 2 ? 0.9 : 0.1;
        rows.push_back({half2[i].id, half2[i].text, half2[i].label, {1.0 - p1, p1}});
      }
      const auto file = tmp_ / fmt::format("labels_{}.jsonl", skewed);
      methods::write_weak_labels(file, rows);
      testing::internal::CaptureStderr();
      const auto key = pl.student_from_file(task_, fam[1], file.string(), logconf, 0);
      const std::string err = testing::internal::GetCapturedStderr();
      EXPECT_EQ(err.find("100% positive") != std::string::npos, skewed && balanced) << prior << err;
      EXPECT_EQ(err.find("hardens each batch to 50/50") != std::string::npos, skewed && balanced) << prior << err;
      // What the loss did, step by step: the weak prior hardens about the weak labels' share.
      std::vector<double> rates;
      io::for_each_jsonl(store.path(key) / "loss_steps.jsonl", [&](const nlohmann::json& row, size_t) {
        rates.push_back(row.at("hardened_rate").get<double>());
        EXPECT_GE(row.at("alpha").get<double>(), 0.0);
      });
      ASSERT_FALSE(rates.empty());
      const double mean = std::accumulate(rates.begin(), rates.end(), 0.0) / static_cast<double>(rates.size());
      if (balanced)
        EXPECT_NEAR(mean, 0.5, 0.05) << prior << skewed;
      else  // weak labels at 0.9: about 0.9 of each batch (less where a small batch rounds down)
        EXPECT_NEAR(mean, skewed ? 0.9 : 0.5, 0.12) << prior << skewed;
    }
  }
}

TEST_F(TinySweep, GroundTruthStagesDoNotDependOnTheStudentLossOptions) {
  auto a = options(tmp_ / "keys");
  auto b = a;
  b.finetune.loss.name = "logconf";
  b.finetune.loss.logconf_form = "reference";
  store::RunStore store(a.runs_dir);
  methods::Pipeline pa(store, a.data, a.finetune), pb(store, b.data, b.finetune);
  const auto m = sweep::family_of(a).front();
  EXPECT_EQ(pa.gt_key(task_, m, 0), pb.gt_key(task_, m, 0));  // weak labels and ceilings are shared
  EXPECT_NE(pa.gt_key(task_, m, 0), pa.gt_key(task_, m, 1));
  auto c = a;
  c.finetune.lr = 5e-3;
  methods::Pipeline pc(store, c.data, c.finetune);
  EXPECT_NE(pa.gt_key(task_, m, 0), pc.gt_key(task_, m, 0));
  losses::LossOptions xent, logconf;
  logconf.name = "logconf";
  EXPECT_NE(pa.student_key(task_, m, "gt-x", xent, 0, methods::Method::finetune),
            pa.student_key(task_, m, "gt-x", logconf, 0, methods::Method::finetune));
  // A whole-half-2 slice keeps the keys students had before slices existed; a part changes them.
  EXPECT_EQ(pa.student_key(task_, m, "gt-x", xent, 0, methods::Method::finetune),
            pa.student_key(task_, m, "gt-x", xent, 0, methods::Method::finetune, methods::TrainSlice{0, 1}));
  EXPECT_NE(pa.student_key(task_, m, "gt-x", xent, 0, methods::Method::bootstrap, methods::TrainSlice{0, 2}),
            pa.student_key(task_, m, "gt-x", xent, 0, methods::Method::bootstrap, methods::TrainSlice{1, 2}));
}

TEST(SweepPair, NarrowsTheConfigToTwoModels) {
  sweep::SweepOptions o;
  o.models = {"m/a", "m/b", "m/c"};
  o.model_names = {"A", "B", "C"};
  o.model_lrs = {1e-3, 2e-3, 3e-3};
  o.bootstrap = true;
  // From the config: its first and last model, with their names and learning rates.
  auto p = sweep::pair_sweep(o, "", "");
  EXPECT_EQ(p.models, (std::vector<std::string>{"m/a", "m/c"}));
  EXPECT_EQ(p.model_names, (std::vector<std::string>{"A", "C"}));
  EXPECT_EQ(p.model_lrs, (std::vector<double>{1e-3, 3e-3}));
  EXPECT_FALSE(p.bootstrap);
  // A model named on the command line: defaults for names and learning rates.
  p = sweep::pair_sweep(o, "m/b", "");
  EXPECT_EQ(p.models, (std::vector<std::string>{"m/b", "m/c"}));
  EXPECT_TRUE(p.model_names.empty());
  EXPECT_TRUE(p.model_lrs.empty());
  EXPECT_NE(test::error_of([&] { sweep::pair_sweep(o, "m/c", ""); }).find("two different models"), std::string::npos);
  o.models.clear();
  EXPECT_NE(test::error_of([&] { sweep::pair_sweep(o, "", ""); }).find("needs a strong model"), std::string::npos);
}

TEST_F(TinySweep, ComparisonTasksRunWithEachRewardReadoutAndZeroAndFewShotBaselines) {
  const auto prefs = test::make_toy_comparisons(tmp_ / "prefs.jsonl", 300);
  for (const char* readout : {"scalar", "likelihood"}) {
    auto o = options(tmp_ / (std::string("prefs-") + readout));
    o.tasks = {prefs};
    o.models = {o.models[0], o.models[2]};
    o.seeds = {0};
    o.losses = {"xent"};
    o.zero_shot = true;
    o.finetune.readout.name = readout;
    const bool lm = std::string(readout) == "likelihood";
    o.few_shot = 2;  // needs a readout through the LM head
    if (!lm) {
      EXPECT_NE(test::error_of([&] { sweep::plan_sweep(o); }).find("likelihood"), std::string::npos);
      o.few_shot = 0;
    }
    sweep::SweepRunOptions run;
    run.output = sweep::Output::quiet;
    const auto res = sweep::run_sweep(o, run);
    // gt, zero-shot (and few-shot) for both models, one student.
    int gt = 0, zs = 0, fs = 0, st = 0;
    for (const auto& s : res.stages) {
      gt += s.kind == methods::StageKind::gt;
      zs += s.kind == methods::StageKind::zeroshot;
      fs += s.kind == methods::StageKind::fewshot;
      st += s.kind == methods::StageKind::student;
      EXPECT_GE(s.test_accuracy, 0.0);
      if (s.kind == methods::StageKind::fewshot) {
        EXPECT_EQ(s.shots, 2);
        EXPECT_GT(s.shots_kept, 0.0);  // the toy texts are short: demonstrations fit
        EXPECT_LE(s.shots_kept, 2.0);
      }
    }
    EXPECT_EQ(gt, 2);
    EXPECT_EQ(zs, 2);
    EXPECT_EQ(fs, lm ? 2 : 0);
    EXPECT_EQ(st, 1);
    for (const auto& s : res.stages) EXPECT_EQ(s.margins.size(), 5u) << s.key;  // comparisons: margin bins
    // Few-shot stages read only test and validation, and their predictions differ from the
    // zero-shot ones of the same model: the demonstrations are read.
    if (lm) {
      store::RunStore st_store(o.runs_dir);
      std::map<std::string, std::map<std::string, std::vector<double>>> p1;  // kind → model → test p1
      for (const auto& k : st_store.keys()) {
        const bool few = k.rfind("fewshot-", 0) == 0;
        if (!few && k.rfind("zeroshot-", 0) != 0) continue;
        if (few) {
          EXPECT_EQ(st_store.meta(k)["spec"]["shots"], 2);
          EXPECT_FALSE(fs::exists(st_store.path(k) / "weak_labels.jsonl"));  // train half 2 is not read
        }
        auto& xs = p1[few ? "few" : "zero"][st_store.meta(k)["model"].get<std::string>()];
        io::for_each_jsonl(st_store.path(k) / "test_predictions.jsonl",
                           [&](const nlohmann::json& row, size_t) { xs.push_back(row.at("p1").get<double>()); });
      }
      ASSERT_EQ(p1["few"].size(), 2u);
      for (const auto& [model, xs] : p1["few"]) {
        ASSERT_EQ(xs.size(), p1["zero"][model].size()) << model;
        EXPECT_NE(xs, p1["zero"][model]) << model;
      }
    }

    EXPECT_NE(report::reward_margin_figure(res, res.stages.front().task), "");
    ASSERT_EQ(res.pgr.size(), 1u);
    EXPECT_TRUE(std::isfinite(res.pgr[0].zeroshot_acc)) << readout;
    // The scalar head starts at zero: its zero-shot predictions are all 0.5, so accuracy is the
    // share of label 0 (ties predict class 0).
    const auto gt_table = report::format_gt_table(res, report::TableFormat::text);
    EXPECT_NE(gt_table.find("zero-shot %"), std::string::npos) << gt_table;
    EXPECT_EQ(gt_table.find("2-shot %") != std::string::npos, lm) << gt_table;
    if (lm) {
      EXPECT_NE(report::format_gt_table(res, report::TableFormat::csv).find(",fewshot,fewshot_se"), std::string::npos);
    }
    EXPECT_NE(report::format_pgr_table(res, report::TableFormat::text).find("strong 0-shot"), std::string::npos);
    // The readout is part of the keys: a comparison stage records it.
    store::RunStore store(o.runs_dir);
    for (const auto& k : store.keys()) {
      if (k.rfind("gt-", 0) == 0) {
        EXPECT_EQ(store.meta(k)["spec"]["finetune"]["readout"]["name"], readout);
      }
    }
  }
}

TEST_F(TinySweep, EveryArchitectureServesAsSupervisorAndStudentThroughEachReadout) {
  // One member per architecture (GPT-NeoX, Qwen3 with its q/k norms, Mistral with a window shorter
  // than the texts, Llama with Llama 3 rope scaling), sharing one tokenizer: the classification
  // head on the toy task, and the likelihood readout (the LM head: untied embed_out, tied Qwen3)
  // on toy comparisons.
  const auto family =
      test::make_tiny_family(tmp_ / "archs", {8, 16, 16, 32}, {"gpt_neox", "qwen3", "mistral", "llama"});
  {
    auto cfg = models::load_config(family[3]);
    cfg.rope_scaling = {models::RopeType::llama3, 8.0, 1.0, 4.0, 8};
    models::save_config(cfg, family[3]);
  }
  const auto prefs = test::make_toy_comparisons(tmp_ / "prefs.jsonl", 300);
  for (const std::string readout : {"head", "likelihood"}) {
    auto o = options(tmp_ / ("archs-" + readout));
    o.models.clear();
    for (const auto& m : family) o.models.push_back(m.string());
    o.seeds = {0};
    o.losses = {"xent"};
    if (readout == "likelihood") {
      o.tasks = {prefs};
      o.finetune.readout.name = readout;
      o.zero_shot = true;
    }
    sweep::SweepRunOptions run;
    run.output = sweep::Output::quiet;
    const auto res = sweep::run_sweep(o, run);
    ASSERT_EQ(res.pgr.size(), 6u) << readout;  // every pair of four members
    std::set<std::string> trained;
    for (const auto& s : res.stages) {
      EXPECT_TRUE(std::isfinite(s.test_accuracy)) << s.key;
      EXPECT_GE(s.test_accuracy, 0.0);
      if (s.kind == methods::StageKind::gt) trained.insert(fs::path(s.model).filename().string());
    }
    EXPECT_EQ(trained.size(), 4u) << readout;
    for (const auto& r : res.pgr) EXPECT_TRUE(std::isfinite(r.student_acc)) << r.weak << " → " << r.strong;
  }
}

TEST_F(TinySweep, ClassificationKeysLeaveTheDefaultReadoutOut) {
  // Keys made before readouts existed stay valid: the head readout of a classification task adds
  // nothing to a stage's spec; another readout does.
  auto o = options(tmp_ / "keys");
  store::RunStore store(o.runs_dir);
  methods::Pipeline p(store, o.data, o.finetune);
  const auto fam = sweep::family_of(o);
  const auto k = p.gt_key(task_, fam[0], 0);
  o.finetune.readout.name = "head";
  EXPECT_EQ(methods::Pipeline(store, o.data, o.finetune).gt_key(task_, fam[0], 0), k);
  o.finetune.readout.likelihood_beta = 3.0;  // not the head readout's option
  EXPECT_EQ(methods::Pipeline(store, o.data, o.finetune).gt_key(task_, fam[0], 0), k);
  o.finetune.readout.name = "verbalizer";
  EXPECT_NE(methods::Pipeline(store, o.data, o.finetune).gt_key(task_, fam[0], 0), k);
}

TEST(SweepCollect, MarginBinsAreEqualCountQuintilesOfTheMargin) {
  test::TempDir dir;
  std::vector<nlohmann::json> rows;
  for (int i = 0; i < 10; ++i)  // margins 0.05 … 0.5; the two least sure are wrong
    rows.push_back(
        {{"id", std::to_string(i)}, {"gt_label", 1}, {"p1", i < 2 ? 0.5 - 0.05 * (i + 1) : 0.5 + 0.05 * (i + 1)}});
  io::write_jsonl(dir / "p.jsonl", rows);
  const auto bins = sweep::margin_bins(dir / "p.jsonl", 5);
  ASSERT_EQ(bins.size(), 5u);
  EXPECT_NEAR(bins[0].margin, 0.075, 1e-12);
  EXPECT_DOUBLE_EQ(bins[0].accuracy, 0.0);
  EXPECT_DOUBLE_EQ(bins[4].accuracy, 1.0);
  EXPECT_EQ(bins[2].n, 2);
}

namespace w2s {
namespace {

TEST(SweepLoss, LogconfAlphaFollowsTheStudentsSizeInTheFamily) {
  sweep::SweepOptions o;
  o.models = {"m/a", "m/b", "m/c"};
  // The rule: 0.75 for the family's largest model under the paper form, 0.5 for the others.
  EXPECT_DOUBLE_EQ(sweep::loss_for_student(o, "logconf", 1).alpha_max, 0.5);
  EXPECT_DOUBLE_EQ(sweep::loss_for_student(o, "logconf", 2).alpha_max, 0.75);
  EXPECT_DOUBLE_EQ(sweep::loss_for_student(o, "entropy", 2).alpha_max, 0.75);
  EXPECT_DOUBLE_EQ(sweep::loss_for_student(o, "xent", 2).alpha_max, -1.0);  // xent keys stay as they were
  o.finetune.loss.logconf_form = "reference";
  EXPECT_DOUBLE_EQ(sweep::loss_for_student(o, "logconf", 2).alpha_max, 0.5);
  o.finetune.loss.alpha_max = 0.3;  // explicit values win
  EXPECT_DOUBLE_EQ(sweep::loss_for_student(o, "logconf", 2).alpha_max, 0.3);
}

}  // namespace
}  // namespace w2s
