/// @file tests/solver/test_time_budget.cpp
/// @brief The run's time budget ([run] time_budget, --budget) divided among
/// the stages, and the convergence stop (stage.patience) of the stages that
/// solve each round apart.
#include "nn/error.hpp"
#include "solver/augmented_lagrangian.hpp"
#include "solver/case_file.hpp"
#include "solver/obstacle_solver.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

const std::string kCase = std::string(PINN_SOURCE_DIR) + "/cases/obstacle1d.toml";

std::string refusal(const std::vector<std::string>& overrides) {
  try {
    pinn::load_case_file(kCase, overrides);
  } catch (const pinn::UserError& e) {
    return e.what();
  }
  return "";
}

pinn::RunResult run_quietly(const pinn::CaseConfig& config) {
  pinn::RunOptions options;
  options.quiet = true;
  options.write_files = false;
  pinn::ObstacleSolver solver(config, options);
  return solver.run();
}

}  // namespace

TEST(TimeBudget, ReadFromTheCaseAndRefusedWhereWrong) {
  EXPECT_EQ(pinn::load_case_file(kCase, {"run.time_budget=30"}).time_budget, 30.0);
  EXPECT_EQ(pinn::load_case_file(kCase).time_budget, 0.0) << "no budget unless asked for";
  EXPECT_NE(refusal({"run.time_budget=-1"}).find("run.time_budget: found -1"), std::string::npos);
  EXPECT_NE(refusal({"stage.1.budget_share=0"}).find("budget_share"), std::string::npos);
  // The convergence stop belongs to stages that solve each round apart.
  const std::string adam = refusal({"stage.0.patience=3"});
  EXPECT_NE(adam.find("stage.0"), std::string::npos) << adam;
  EXPECT_NE(adam.find("ceres_lm, ceres_lbfgs, natural_gradient"), std::string::npos) << adam;
  const std::string change = refusal({"stage.1.min_change=1"});
  EXPECT_NE(change.find("stage.1.min_change: found 1; allowed: a relative change in [0, 1)"), std::string::npos)
      << change;
}

TEST(TimeBudget, EachStageGetsItsShareOfWhatRemains) {
  // Two Adam stages far too long for a budget of 1 s: each stops at its
  // share (1 : 3 of what remains), and both run.
  pinn::CaseConfig config = pinn::load_case_file(
      kCase, {"run.time_budget=1", "sampling.interior=64",
              "stage.0={type = \"adam\", iterations = 100000000, learning_rate = 1e-3}",
              "stage.1={type = \"adam\", iterations = 100000000, learning_rate = 1e-4, budget_share = 3}"});
  const pinn::RunResult result = run_quietly(config);
  ASSERT_EQ(result.status, pinn::RunStatus::ok);
  ASSERT_EQ(result.stages.size(), 2u);
  for (const pinn::StageSummary& stage : result.stages) {
    EXPECT_EQ(stage.termination, pinn::StageTermination::time_limit) << stage.name;
    EXPECT_GT(stage.iterations, 0) << stage.name;
  }
  // The second, with three times the share, runs about three times as long.
  // Compared in seconds, which the shares divide: iterations counted the
  // machine's load as well (the first stage took more of them while other
  // processes slowed the second).
  EXPECT_GT(result.stages[1].seconds, 1.5 * result.stages[0].seconds)
      << result.stages[0].seconds << " s, " << result.stages[1].seconds << " s";
}

TEST(TimeBudget, ARoundSolvingStageCutByItSaysSo) {
  // A Levenberg–Marquardt stage far too long for its share: its rounds end
  // by their share of the time, and the stage reports time_limit (Ceres says
  // NO_CONVERGENCE for both a spent iteration count and a spent time).
  pinn::CaseConfig config = pinn::load_case_file(
      kCase, {"run.time_budget=1", "stage.0.iterations=50", "stage.1.iterations=100000000",
              "stage.1.multiplier_updates=3", "stage.1.budget_share=100"});
  const pinn::RunResult result = run_quietly(config);
  ASSERT_EQ(result.status, pinn::RunStatus::ok);
  ASSERT_EQ(result.stages.size(), 2u);
  EXPECT_EQ(result.stages[1].termination, pinn::StageTermination::time_limit);
  EXPECT_GT(result.stages[1].iterations, 0);
}

TEST(TimeBudget, TheDefaultPipelineDividesIt) {
  const pinn::CaseConfig c = pinn::parse_case(
      "[problem]\nname = \"p\"\ndomain = { type = \"interval\", min = [0.0], max = [2.0] }\nsource = \"-4\"\n"
      "obstacle = \"-0.3\"\nboundary = { type = \"dirichlet\", value = \"0\" }\n[run]\ntime_budget = 20\n",
      "p.toml", {});
  ASSERT_EQ(c.stages.size(), 2u);
  EXPECT_EQ(c.stages[0].budget_share, 1.0);
  EXPECT_EQ(c.stages[1].budget_share, 4.0);
  EXPECT_EQ(c.stages[1].patience, 5);
  EXPECT_NE(c.pipeline_notes.back().find("time_budget"), std::string::npos) << c.pipeline_notes.back();
}

TEST(TimeBudget, LengthensTheNaturalGradientRoundsOfThe2DDefault) {
  // Without a budget the 2D default takes 300 steps in 31 rounds; with one,
  // up to 900 (rounds of 30), each round cut at its share of the stage's time.
  const std::string problem =
      "[problem]\nname = \"p\"\ndomain = { type = \"rectangle\", min = [0.0, 0.0], max = [1.0, 1.0] }\n"
      "source = \"-8\"\nobstacle = \"-0.1\"\nboundary = { type = \"dirichlet\", value = \"0\" }\n";
  const pinn::CaseConfig plain = pinn::parse_case(problem, "p.toml", {});
  const pinn::CaseConfig budgeted = pinn::parse_case(problem + "[run]\ntime_budget = 60\n", "p.toml", {});
  ASSERT_EQ(plain.stages.size(), 2u);
  ASSERT_EQ(budgeted.stages.size(), 2u);
  EXPECT_EQ(budgeted.stages[1].type, "natural_gradient");
  EXPECT_EQ(pinn::AugmentedLagrangian::iterations_per_round(plain.stages[1]), 10);
  EXPECT_EQ(pinn::AugmentedLagrangian::iterations_per_round(budgeted.stages[1]), 30);
  EXPECT_EQ(budgeted.stages[1].multiplier_updates, plain.stages[1].multiplier_updates);
  EXPECT_EQ(budgeted.stages[0].iterations, plain.stages[0].iterations) << "Adam is not lengthened";
  EXPECT_EQ(budgeted.stages[1].budget_share / budgeted.stages[0].budget_share, 3.0);
  EXPECT_NE(budgeted.pipeline_notes.back().find("900 steps"), std::string::npos) << budgeted.pipeline_notes.back();
  // A file's own stages keep their iterations under a budget.
  const pinn::CaseConfig own = pinn::parse_case(
      problem + "[run]\ntime_budget = 60\n[[stage]]\ntype = \"natural_gradient\"\niterations = 40\n", "p.toml", {});
  EXPECT_EQ(own.stages.back().iterations, 40);
}

TEST(ConvergenceStop, EndsARoundSolvingStageWhenUStopsChanging) {
  // obstacle1d's Levenberg–Marquardt stage settles long before its 60 rounds
  // end: with patience it stops there, without it runs them all.
  const std::vector<std::string> shorter = {"stage.0.iterations=500", "stage.1.iterations=300",
                                            "stage.1.multiplier_updates=29"};
  std::vector<std::string> stopping = shorter;
  stopping.insert(stopping.end(), {"stage.1.patience=3", "stage.1.min_change=1e-4"});
  const pinn::RunResult stopped = run_quietly(pinn::load_case_file(kCase, stopping));
  const pinn::RunResult full = run_quietly(pinn::load_case_file(kCase, shorter));
  ASSERT_EQ(stopped.status, pinn::RunStatus::ok);
  EXPECT_EQ(stopped.stages.back().termination, pinn::StageTermination::converged);
  EXPECT_LT(stopped.stages.back().iterations, 300);
  EXPECT_EQ(full.stages.back().termination, pinn::StageTermination::completed);
  EXPECT_EQ(full.stages.back().iterations, 300);
  // Settled means settled: the early end costs little accuracy.
  EXPECT_LT(stopped.metrics.rel_l2, 3.0 * full.metrics.rel_l2 + 1e-4);
}
