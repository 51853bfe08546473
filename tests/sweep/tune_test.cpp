// `w2s tune` (sweep/tune.h) and the family's finetuning records (sweep/family_record.h): the grid
// runs gt stages with validation data, chooses by validation accuracy, records the choice in
// family.json, and sweeps then train each model at its recorded lr and epochs.
#include "w2s/sweep/tune.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>

#include "test_support.h"
#include "tiny_sweep.h"
#include "w2s/config/schema.h"
#include "w2s/core/error.h"
#include "w2s/core/file.h"
#include "w2s/methods/stage_files.h"
#include "w2s/store/run_store.h"
#include "w2s/sweep/family_record.h"
#include "w2s/sweep/folder.h"

namespace fs = std::filesystem;
using namespace w2s;
using nlohmann::json;
using ojson = nlohmann::ordered_json;

namespace {
void write_index(const fs::path& p, const std::string& text) { write_file_atomic(p, text); }
}  // namespace

TEST(FamilyRecord, WritesAndReadsEachMembersChoiceKeepingTheRest) {
  test::TempDir tmp;
  const auto index = tmp / "family.json";
  write_index(index, R"({"sample": "s.txt", "members": [{"name": "a", "parameters": 5}, {"name": "b"}]})");
  sweep::write_finetune_records(index, {{"a", ojson{{"lr", 3e-3}, {"epochs", 4}, {"val_accuracy", 0.9}}},
                                        {"c", ojson{{"lr", 1e-2}, {"epochs", 2}}}});
  const auto text = read_file(index);
  EXPECT_EQ(
      text.rfind(
          "{\n  \"sample\": \"s.txt\",\n  \"members\": [\n    {\"name\":\"a\",\"parameters\":5,\"finetune\":{\"lr\"",
          0),
      0u)
      << text;  // the file's order kept, one member per line, the record last
  const auto j = json::parse(text);
  EXPECT_EQ(j["sample"], "s.txt");
  ASSERT_EQ(j["members"].size(), 3u);
  EXPECT_EQ(j["members"][0]["parameters"], 5);
  EXPECT_FALSE(j["members"][1].contains("finetune"));
  EXPECT_EQ(j["members"][2]["name"], "c");

  const auto a = sweep::recorded_finetune((tmp / "a").string());
  ASSERT_TRUE(a.has_value());
  EXPECT_DOUBLE_EQ(a->lr, 3e-3);
  EXPECT_EQ(a->epochs, 4);
  EXPECT_EQ(a->record["val_accuracy"], 0.9);
  EXPECT_TRUE(sweep::recorded_finetune((tmp / "c/").string()).has_value());      // a trailing slash
  EXPECT_FALSE(sweep::recorded_finetune((tmp / "b").string()).has_value());      // no record
  EXPECT_FALSE(sweep::recorded_finetune((tmp / "d").string()).has_value());      // no member
  EXPECT_FALSE(sweep::recorded_finetune((tmp / "sub/a").string()).has_value());  // no index there
}

TEST(FamilyRecord, BadRecordsAreErrorsNamingTheFileAndMember) {
  test::TempDir tmp;
  const auto index = tmp / "family.json";
  write_index(index, R"({"members": [{"name": "a", "finetune": {"lr": 0.001}}]})");
  try {
    sweep::recorded_finetune((tmp / "a").string());
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("family.json"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("\"a\""), std::string::npos) << e.what();
  }
  write_index(index, R"({"members": [{"name": "a", )");
  EXPECT_THROW(sweep::recorded_finetune((tmp / "a").string()), Error);
  EXPECT_THROW(sweep::write_finetune_records(index, {{"a", ojson{{"lr", 1e-3}, {"epochs", 2}}}}), Error);
  EXPECT_EQ(read_file(index), R"({"members": [{"name": "a", )");  // left as it was
}

TEST_F(TinySweep, FamilyRecordsSetEachModelsLrAndEpochsUnlessTheConfigSaysOtherwise) {
  sweep::write_finetune_records(tmp_ / "models" / "family.json", {{"tiny-d16", ojson{{"lr", 3e-3}, {"epochs", 5}}}});
  auto o = options(tmp_ / "runs");
  auto fam = sweep::family_of(o);
  EXPECT_EQ(fam[0].lr, 0.0);  // no record: [finetune]
  EXPECT_EQ(fam[0].epochs, 0);
  EXPECT_DOUBLE_EQ(fam[1].lr, 3e-3);
  EXPECT_EQ(fam[1].epochs, 5);
  EXPECT_NE(fam[1].finetune_from.find("family.json"), std::string::npos);

  auto per_model = o;  // model_lrs wins over the record's lr; its epochs still apply
  per_model.model_lrs = {1e-2, 2e-2, 3e-2};
  fam = sweep::family_of(per_model);
  EXPECT_DOUBLE_EQ(fam[1].lr, 2e-2);
  EXPECT_EQ(fam[1].epochs, 5);

  auto config = o;
  config.model_finetune = "config";
  EXPECT_EQ(sweep::family_of(config)[1].lr, 0.0);
  auto likelihood = o;  // a record chosen for a head does not apply to an LM readout
  likelihood.finetune.readout.name = "likelihood";
  EXPECT_EQ(sweep::family_of(likelihood)[1].lr, 0.0);
  auto scratch = o;
  scratch.models[1] = "scratch:" + scratch.models[1];
  EXPECT_EQ(sweep::family_of(scratch)[1].lr, 0.0);

  // The gt stage trains what the record says: its spec holds the record's lr and epochs.
  o.models = {o.models[1]};
  o.losses = {};
  o.seeds = {0};
  sweep::SweepRunOptions run;
  run.output = sweep::Output::quiet;
  const auto res = sweep::run_sweep(o, run);
  ASSERT_EQ(res.stages.size(), 1u);
  const auto dir = store::RunStore(o.runs_dir).path(res.stages[0].key);
  const auto spec = json::parse(read_file(dir / "meta.json"))["spec"];
  EXPECT_DOUBLE_EQ(spec["finetune"]["lr"].get<double>(), 3e-3);
  EXPECT_EQ(spec["finetune"]["epochs"], 5);
  EXPECT_EQ(methods::read_stage_metrics(dir).steps, 5 * 5);  // 80 examples in batches of 16, 5 epochs
  // The folder records what the model trained with, so a later family.json does not change it.
  sweep::SweepOptions recorded;
  const auto toml = fs::path(o.runs_dir) / "sweep.toml";
  config::apply(recorded, sweep::SweepOptions::schema(), config::parse_toml_file(toml.string()), toml.string());
  EXPECT_EQ(recorded.model_lrs, std::vector<double>{3e-3});
  EXPECT_EQ(recorded.model_epochs, std::vector<int64_t>{5});
  sweep::write_finetune_records(tmp_ / "models" / "family.json", {{"tiny-d16", ojson{{"lr", 1e-3}, {"epochs", 2}}}});
  const auto again = sweep::collect_results(sweep::folder_configs(o.runs_dir));
  ASSERT_EQ(again.stages.size(), 1u);
  EXPECT_EQ(again.stages[0].key, res.stages[0].key);
}

TEST_F(TinySweep, TuneChoosesEachModelsBestGridPointOnValidationAndRecordsIt) {
  auto o = options(tmp_ / "tune");
  o.models = {o.models[0], o.models[1]};
  o.seeds = {0, 1};
  o.tune.lrs = {1e-3, 3e-2};
  o.tune.epochs = {1, 3};
  o.tune.val_fraction = 0.25;
  o.tune.write = (tmp_ / "models" / "family.json").string();
  const auto res = sweep::run_tune(o, sweep::Output::quiet);
  ASSERT_EQ(res.cells.size(), 8u);  // 2 models × 2 epochs × 2 lrs
  ASSERT_EQ(res.chosen.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    for (size_t c = 4 * i; c < 4 * i + 4; ++c) {
      const auto& x = res.cells[c];
      EXPECT_EQ(x.model, res.models[i]);
      EXPECT_EQ(x.n_runs, 2);
      EXPECT_GT(x.n_val, 0);  // a quarter of train half 2's examples, before its cap of 80
      EXPECT_EQ(x.n_val, res.cells[0].n_val);
      EXPECT_EQ(x.steps, x.epochs * 5);
      EXPECT_GE(x.val_accuracy, 0.0);
      EXPECT_LE(x.val_accuracy, 1.0);
      EXPECT_LE(x.val_accuracy, res.cells[res.chosen[i]].val_accuracy);  // the best is chosen
    }
  }
  // Each cell's accuracy is the mean over its runs of what the stages predicted on validation.
  const auto table = json::parse(read_file(fs::path(o.runs_dir) / "tune.json"));
  ASSERT_EQ(table["cells"].size(), 8u);
  for (size_t c = 0; c < 8; ++c) {
    const auto& runs = table["cells"][c]["per_run"];
    EXPECT_NEAR((runs[0].get<double>() + runs[1].get<double>()) / 2, res.cells[c].val_accuracy, 1e-12);
  }
  EXPECT_EQ(table["setting"]["data"]["val_fraction"], 0.25);
  EXPECT_EQ(table["setting"]["precision"], "float32");

  // Recorded: a sweep now trains each model at its chosen lr and epochs.
  for (size_t i = 0; i < 2; ++i) {
    const auto rec = sweep::recorded_finetune(o.models[i]);
    ASSERT_TRUE(rec.has_value()) << o.models[i];
    EXPECT_DOUBLE_EQ(rec->lr, res.cells[res.chosen[i]].lr);
    EXPECT_EQ(rec->epochs, res.cells[res.chosen[i]].epochs);
    EXPECT_EQ(rec->record["tasks"][0], task_);
    const auto fam = sweep::family_of(options(tmp_ / "x"));
    EXPECT_DOUBLE_EQ(fam[i].lr, rec->lr);
  }
  EXPECT_NE(sweep::format_tune(res).find("model_lrs = ["), std::string::npos);

  // A rerun trains nothing and chooses the same.
  store::RunStore store(o.runs_dir);
  const auto n_stages = store.keys().size();
  EXPECT_EQ(n_stages, 16u);  // 8 cells × 2 seeds
  const auto again = sweep::run_tune(o, sweep::Output::quiet);
  EXPECT_EQ(store.keys().size(), n_stages);
  EXPECT_EQ(again.chosen, res.chosen);
}

TEST_F(TinySweep, TuneRefusesAGridItCannotUse) {
  auto o = options(tmp_ / "tune");
  o.tune.lrs = {};
  EXPECT_THROW(sweep::run_tune(o, sweep::Output::quiet), Error);
  o = options(tmp_ / "tune");
  o.tune.epochs = {0};
  EXPECT_THROW(sweep::run_tune(o, sweep::Output::quiet), Error);
  o = options(tmp_ / "tune");  // a record for a readout sweeps would not read it for
  o.finetune.readout.name = "likelihood";
  o.tune.write = (tmp_ / "models" / "family.json").string();
  EXPECT_THROW(sweep::run_tune(o, sweep::Output::quiet), Error);
  o = options(tmp_ / "tune");  // an index the models do not sit beside
  o.tune.write = (tmp_ / "elsewhere.json").string();
  o.tune.lrs = {1e-2};
  o.tune.epochs = {1};
  o.seeds = {0};
  EXPECT_THROW(sweep::run_tune(o, sweep::Output::quiet), Error);
  EXPECT_FALSE(fs::exists(tmp_ / "elsewhere.json"));
}
