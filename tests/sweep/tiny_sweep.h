// The sweep tests' fixture: a family of three tiny models (d8, d16, d32) and a toy task, with a
// sweep config small enough to train every stage in seconds.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "test_support.h"
#include "tiny_family.h"
#include "w2s/sweep/sweep.h"

class TinySweep : public ::testing::Test {
 protected:
  void SetUp() override {
    family_ = w2s::test::make_tiny_family(tmp_ / "models", {8, 16, 32});
    task_ = w2s::test::make_toy_task(tmp_ / "toy.jsonl", 300);
  }
  w2s::sweep::SweepOptions options(const std::filesystem::path& runs) {
    w2s::sweep::SweepOptions o;
    o.runs_dir = runs.string();
    o.tasks = {task_};
    for (const auto& m : family_) o.models.push_back(m.string());
    o.seeds = {0, 1};
    o.losses = {"xent", "logconf"};
    o.data.split.n_train1 = 80;
    o.data.split.n_train2 = 80;
    o.data.split.n_test = 60;
    o.finetune.lr = 1e-2;
    o.finetune.epochs = 3;
    o.finetune.batch_size = 16;
    o.finetune.micro_batch = 8;  // accumulation: batch-level losses must still see the whole batch
    o.finetune.eval_points = 3;
    o.finetune.precision = "float32";  // the same numbers on every CPU (auto is bf16 where it is fast)
    return o;
  }
  w2s::test::TempDir tmp_;
  std::vector<std::filesystem::path> family_;
  std::string task_;
};
