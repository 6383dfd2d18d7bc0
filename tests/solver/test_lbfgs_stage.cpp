/// @file tests/solver/test_lbfgs_stage.cpp
/// @brief The Ceres LBFGS stage lowers the loss of an Adam-trained network and
/// reports itself like every stage.
#include "solver/case_file.hpp"
#include "solver/obstacle_solver.hpp"

#include <gtest/gtest.h>

namespace {

TEST(LbfgsStage, RefinesAnAdamStartAndReportsCeresTermination) {
  pinn::CaseConfig config = pinn::load_case_file(
      std::string(PINN_SOURCE_DIR) + "/cases/obstacle1d.toml",
      {"stage.0.iterations=800", "sampling.interior=128", "stage.0.multiplier_updates=0",
       "stage.1={type = \"ceres_lbfgs\", iterations = 300}", "output.log_every=100"});
  pinn::RunOptions options;
  options.quiet = true;
  options.write_files = false;
  pinn::ObstacleSolver solver(config, options);
  const pinn::RunResult result = solver.run();
  ASSERT_EQ(result.stages.size(), 2u);
  const pinn::StageSummary& adam = result.stages[0];
  const pinn::StageSummary& lbfgs = result.stages[1];
  EXPECT_EQ(lbfgs.name, "ceres_lbfgs");
  EXPECT_GT(lbfgs.iterations, 10);
  EXPECT_LE(lbfgs.iterations, 300);
  EXPECT_TRUE(lbfgs.termination == pinn::StageTermination::completed ||
              lbfgs.termination == pinn::StageTermination::converged)
      << pinn::to_string(lbfgs.termination);
  EXPECT_NEAR(lbfgs.loss_start, adam.loss_end, 1e-12 * std::abs(adam.loss_end)) << "LBFGS starts where Adam stopped";
  EXPECT_LT(lbfgs.loss_end, lbfgs.loss_start - 1e-4) << "a line search never increases the loss";
  // The history continues through the second stage.
  int lbfgs_rows = 0;
  for (const auto& row : solver.history()) lbfgs_rows += row.stage == "ceres_lbfgs";
  EXPECT_GE(lbfgs_rows, 2);
}

TEST(LbfgsStage, StopsWhenInterrupted) {
  pinn::CaseConfig config = pinn::load_case_file(
      std::string(PINN_SOURCE_DIR) + "/cases/obstacle1d.toml",
      {"stage.0={type = \"ceres_lbfgs\", iterations = 50}", "sampling.interior=64"});
  std::atomic<bool> stop{true};
  pinn::RunOptions options;
  options.quiet = true;
  options.write_files = false;
  options.stop_requested = &stop;
  pinn::ObstacleSolver solver(config, options);
  const pinn::RunResult result = solver.run();
  EXPECT_EQ(result.status, pinn::RunStatus::interrupted);
  EXPECT_LE(result.stages[0].iterations, 1);
}

}  // namespace
