/// @file tests/solver/test_round_average.cpp
/// @brief stage.average_last_rounds: a Ceres stage ends on the mean of the
/// parameters that ended its last rounds, and says so in its history.
#include "physics/case_file.hpp"
#include "solver/obstacle_solver.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace {

std::vector<double> parameters_of(const pinn::ObstacleSolver& solver) {
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), solver.network().params());
  return std::vector<double>(host.data(), host.data() + host.extent(0));
}

/// obstacle1d, a short Adam start, then a Ceres stage of 2 × 15 iterations
/// (`updates` = 1) or its first round alone (`updates` = 0, 15 iterations).
struct StageRun {
  std::vector<double> parameters;
  pinn::RunResult result;
  std::vector<pinn::HistoryRow> history;
};

StageRun run_stage(const std::string& type, int iterations, int updates, int average) {
  std::string stage = "stage.1={type = \"" + type + "\", iterations = " + std::to_string(iterations) +
                      ", multiplier_updates = " + std::to_string(updates);
  if (average > 0) stage += ", average_last_rounds = " + std::to_string(average);
  stage += "}";
  pinn::CaseConfig config = pinn::load_case_file(
      std::string(PINN_SOURCE_DIR) + "/cases/obstacle1d.toml",
      {"stage.0.iterations=300", "stage.0.multiplier_updates=1", "sampling.interior=64", "output.log_every=5", stage});
  pinn::RunOptions options;
  options.quiet = true;
  options.write_files = false;
  pinn::ObstacleSolver solver(config, options);
  StageRun run;
  run.result = solver.run();
  run.parameters = parameters_of(solver);
  run.history = solver.history();
  return run;
}

TEST(RoundAverage, EndsOnTheMeanOfTheLastRoundsParameters) {
  for (const std::string type : {"ceres_lbfgs", "ceres_lm"}) {
    // The first round of the two-round stage is the one-round stage of half its length.
    const StageRun first_round = run_stage(type, 15, 0, 0);
    const StageRun last_iterate = run_stage(type, 30, 1, 0);
    const StageRun averaged = run_stage(type, 30, 1, 2);
    ASSERT_EQ(averaged.result.status, "ok") << type;
    ASSERT_EQ(first_round.parameters.size(), averaged.parameters.size());
    double moved = 0.0;
    for (std::size_t i = 0; i < averaged.parameters.size(); ++i) {
      const double expected = (first_round.parameters[i] + last_iterate.parameters[i]) / 2;
      EXPECT_EQ(averaged.parameters[i], expected) << type << ": parameter " << i;
      moved = std::max(moved, std::abs(last_iterate.parameters[i] - first_round.parameters[i]));
    }
    EXPECT_GT(moved, 1e-8) << type << ": the second round moved the network, so the mean differs from both ends";
    // The last history row and the metrics are those of the averaged network.
    EXPECT_EQ(averaged.history.back().rel_l2, averaged.result.metrics.rel_l2) << type;
    EXPECT_NE(averaged.result.metrics.rel_l2, last_iterate.result.metrics.rel_l2) << type;
    EXPECT_EQ(averaged.history.back().iteration, last_iterate.history.back().iteration) << type;
  }
}

TEST(RoundAverage, OneRoundIsTheLastIterate) {
  const StageRun plain = run_stage("ceres_lbfgs", 30, 1, 0);
  const StageRun one = run_stage("ceres_lbfgs", 30, 1, 1);
  EXPECT_EQ(one.parameters, plain.parameters);
  EXPECT_EQ(one.result.metrics.rel_l2, plain.result.metrics.rel_l2);
}

}  // namespace
