// Tests for config/schema and config/cli: TOML keys, flags, overrides, errors, dump round-trip.
#include "w2s/config/schema.h"

#include <gtest/gtest.h>

#include <fstream>

#include "test_support.h"
#include "w2s/config/cli.h"

namespace w2s::config {
namespace {

using test::error_of;

struct Optim {
  double lr_peak = 1e-3;      // peak learning rate
  int64_t warmup_steps = 10;  // linear warmup
  static const Schema<Optim>& schema() {
    static const auto s = Schema<Optim>()
                              .field("lr_peak", &Optim::lr_peak, "peak learning rate")
                              .field("warmup_steps", &Optim::warmup_steps, "warmup steps");
    return s;
  }
};

struct Opts {
  std::string model = "models/tiny";             // checkpoint folder
  int threads = 0;                               // 0 = all cores
  bool verbose = false;                          // more logging
  std::string loss = "xent";                     // loss name
  std::vector<std::string> tasks = {"reviews"};  // tasks to run
  std::vector<int64_t> seeds = {0, 1, 2};        // seeds
  Optim optim;                                   // optimizer
  static const Schema<Opts>& schema() {
    static const auto s = Schema<Opts>()
                              .field("model", &Opts::model, "checkpoint folder")
                              .field("threads", &Opts::threads, "threads")
                              .field("verbose", &Opts::verbose, "more logging")
                              .field("loss", &Opts::loss, "loss", {"xent", "logconf"})
                              .field("tasks", &Opts::tasks, "tasks")
                              .field("seeds", &Opts::seeds, "seeds")
                              .section("optim", &Opts::optim, Optim::schema());
    return s;
  }
};

TEST(Config, TomlAppliesNestedAndListValues) {
  Opts o;
  apply(o, Opts::schema(),
        parse_toml_string(R"(
model = "m"
seeds = [4, 5]
tasks = "spam"
[optim]
lr_peak = 3
)",
                          "t.toml"),
        "t.toml");
  EXPECT_EQ(o.model, "m");
  EXPECT_EQ(o.seeds, (std::vector<int64_t>{4, 5}));
  EXPECT_EQ(o.tasks, (std::vector<std::string>{"spam"}));
  EXPECT_DOUBLE_EQ(o.optim.lr_peak, 3.0);  // an integer is accepted for a float
  EXPECT_EQ(o.optim.warmup_steps, 10);
}

TEST(Config, UnknownKeySuggestsClosest) {
  Opts o;
  auto msg =
      error_of([&] { apply(o, Opts::schema(), parse_toml_string("[optim]\nlr_peek = 1\n", "x.toml"), "x.toml"); });
  EXPECT_NE(msg.find("x.toml"), std::string::npos) << msg;
  EXPECT_NE(msg.find("optim.lr_peek"), std::string::npos) << msg;
  EXPECT_NE(msg.find("did you mean 'optim.lr_peak'"), std::string::npos) << msg;
  msg = error_of([&] { apply(o, Opts::schema(), parse_toml_string("zzzzzzzzzz = 1\n", "x.toml"), "x.toml"); });
  EXPECT_EQ(msg.find("did you mean"), std::string::npos) << msg;
}

TEST(Config, TypeErrorsAndChoicesNameTheKey) {
  Opts o;
  auto msg = error_of([&] { apply(o, Opts::schema(), parse_toml_string("threads = \"x\"\n", "a.toml"), "a.toml"); });
  EXPECT_NE(msg.find("threads"), std::string::npos) << msg;
  EXPECT_NE(msg.find("integer"), std::string::npos) << msg;
  msg = error_of([&] { apply(o, Opts::schema(), parse_toml_string("loss = \"mse\"\n", "a.toml"), "a.toml"); });
  EXPECT_NE(msg.find("xent, logconf"), std::string::npos) << msg;
  msg = error_of([&] { parse_toml_string("a = \n", "bad.toml"); });
  EXPECT_NE(msg.find("bad.toml:1:"), std::string::npos) << msg;
}

TEST(Config, DumpRoundTripsThroughToml) {
  Opts o;
  o.model = "a \"quoted\" path";
  o.optim.lr_peak = 2.5e-4;
  o.seeds = {7};
  const auto text = dump_toml(o, Opts::schema());
  EXPECT_NE(text.find("[optim]"), std::string::npos) << text;
  Opts back;
  back.seeds = {};
  apply(back, Opts::schema(), parse_toml_string(text, "dump"), "dump");
  EXPECT_EQ(back.model, o.model);
  EXPECT_DOUBLE_EQ(back.optim.lr_peak, 2.5e-4);
  EXPECT_EQ(back.seeds, (std::vector<int64_t>{7}));
  EXPECT_EQ(dump_toml(back, Opts::schema()), text);
}

TEST(Config, AnyTomlThatParsesDumpsToTomlThatReadsBackTheSame) {
  // Keys that need quotes (spaces, dots inside a quoted key's table, empty), strings with control
  // characters and DEL (which TOML requires escaped), and reals that print like integers.
  const std::string text =
      "\"a b\" = 1\n"
      "\" x\" = \"tab\\tnl\\ndel\\u007Fbell\\u0007 é\"\n"
      "\"c\\u0000\" = true\n"
      "big = 1e15\n"
      "huge = 123456789012345680000.0\n"
      "[\"t q\".\"k=\"]\n"
      "v = [1.5, \"s\\\"\\\\\"]\n";
  const FlatConfig flat = parse_toml_string(text, "keys.toml");
  ASSERT_EQ(flat.size(), 6u);
  const std::string dumped = to_toml(flat);
  const FlatConfig back = parse_toml_string(dumped, "dumped.toml");
  ASSERT_EQ(back.size(), flat.size()) << dumped;
  for (size_t i = 0; i < flat.size(); ++i) {
    EXPECT_EQ(back[i].first, flat[i].first) << dumped;
    EXPECT_EQ(back[i].second.data.index(), flat[i].second.data.index()) << flat[i].first << "\n" << dumped;
  }
  EXPECT_EQ(to_toml(back), dumped);
  EXPECT_NE(dumped.find("\"a b\" = 1"), std::string::npos) << dumped;
  EXPECT_NE(dumped.find("[\"t q\".\"k=\"]"), std::string::npos) << dumped;
  EXPECT_NE(dumped.find("\\u007F"), std::string::npos) << dumped;
  // A key part with a dot, or empty, names no option and would not read back: refused.
  for (const std::string bad : {"\"a.b\" = 1\n", "[\"\".x]\ny = 2\n", "[t]\n\"\" = 1\n"}) {
    const auto msg = error_of([&] { parse_toml_string(bad, "odd.toml"); });
    EXPECT_NE(msg.find("odd.toml:"), std::string::npos) << bad << msg;
    EXPECT_NE(msg.find("may not be empty or contain '.'"), std::string::npos) << bad << msg;
  }
}

TEST(Config, JsonIsNested) {
  Opts o;
  const auto j = to_json(flatten(o, Opts::schema()));
  EXPECT_NE(j.find("\"optim\": {"), std::string::npos) << j;
  EXPECT_NE(j.find("\"lr_peak\": 0.001"), std::string::npos) << j;
}

TEST(ConfigCli, FlagsOverrideSetOverridesFileOverridesDefaults) {
  test::TempDir dir;
  const auto file = (dir / "c.toml").string();
  std::ofstream(file) << "threads = 3\nloss = \"logconf\"\n[optim]\nwarmup_steps = 5\n";
  CLI::App app("t");
  auto* cmd = app.add_subcommand("run");
  auto bind = bind_cli<Opts>(*cmd, {"model"});
  app.parse("run mdir --config " + file + " --set threads=4 --optim.lr-peak 0.5", false);
  const Opts o = bind->resolve();
  EXPECT_EQ(o.model, "mdir");
  EXPECT_EQ(o.threads, 4);
  EXPECT_EQ(o.loss, "logconf");
  EXPECT_EQ(o.optim.warmup_steps, 5);
  EXPECT_DOUBLE_EQ(o.optim.lr_peak, 0.5);
  EXPECT_FALSE(bind->dump_requested());
}

TEST(ConfigCli, BooleansAreSwitches) {
  CLI::App app("t");
  auto* cmd = app.add_subcommand("run");
  auto bind = bind_cli<Opts>(*cmd);
  app.parse("run --verbose", false);
  EXPECT_TRUE(bind->resolve().verbose);
  CLI::App app2("t");
  auto* cmd2 = app2.add_subcommand("run");
  auto bind2 = bind_cli<Opts>(*cmd2);
  app2.parse("run --set verbose=true --verbose=false", false);
  EXPECT_FALSE(bind2->resolve().verbose);
}

TEST(ConfigCli, BadFlagValueNamesTheFlag) {
  CLI::App app("t");
  auto* cmd = app.add_subcommand("run");
  auto bind = bind_cli<Opts>(*cmd);
  app.parse("run --set optim.warmup-steps=3", false);
  auto msg = error_of([&] { bind->resolve(); });
  EXPECT_NE(msg.find("did you mean 'optim.warmup_steps'"), std::string::npos) << msg;
  CLI::App app2("t");
  auto* cmd2 = app2.add_subcommand("run");
  auto bind2 = bind_cli<Opts>(*cmd2);
  app2.parse("run --threads abc", false);
  msg = error_of([&] { bind2->resolve(); });
  EXPECT_NE(msg.find("--threads"), std::string::npos) << msg;
}

}  // namespace
}  // namespace w2s::config
