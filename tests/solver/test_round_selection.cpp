/// @file tests/solver/test_round_selection.cpp
/// @brief stage.select_last_rounds: a Ceres stage ends on the network of the
/// round (among its last ones) with the lowest validation loss, and says so.
#include "solver/augmented_lagrangian.hpp"
#include "solver/case_file.hpp"
#include "solver/obstacle_solver.hpp"
#include "solver/report.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cmath>
#include <string>
#include <vector>

namespace {

std::vector<double> parameters_of(const pinn::ObstacleSolver& solver) {
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), solver.network().params());
  return std::vector<double>(host.data(), host.data() + host.extent(0));
}

struct StageRun {
  std::vector<double> parameters;
  pinn::RunResult result;
  std::vector<pinn::HistoryRow> history;
  std::vector<double> multipliers;  ///< the training points' at the end
  nlohmann::json summary;  ///< summary.json
};

/// obstacle1d, a short Adam start, then a Ceres stage of `iterations` split
/// into updates + 1 rounds, selecting among the last `select` rounds.
StageRun run_stage(const std::string& type, int iterations, int updates, int select) {
  std::string stage = "stage.1={type = \"" + type + "\", iterations = " + std::to_string(iterations) +
                      ", multiplier_updates = " + std::to_string(updates);
  if (select > 0) stage += ", select_last_rounds = " + std::to_string(select);
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
  const auto data = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), solver.training_points().data);
  for (int i = 0; i < solver.training_points().size(); ++i) run.multipliers.push_back(data(i).lambda_lower);
  run.summary = nlohmann::json::parse(pinn::summary_json(solver.config(), solver.network(), run.result));
  return run;
}

TEST(RoundSelection, KeepsTheRoundWithTheLowestValidationLoss) {
  for (const std::string type : {"ceres_lbfgs", "ceres_lm"}) {
    // The first round of the two-round stage is the one-round stage of half its length;
    // selecting among one round gives that round's validation loss.
    const StageRun first = run_stage(type, 15, 0, 1);
    const StageRun last = run_stage(type, 30, 1, 1);
    const StageRun selected = run_stage(type, 30, 1, 2);
    ASSERT_EQ(selected.result.status, pinn::RunStatus::ok) << type;
    const double loss_first = first.result.stages[1].selected_validation_loss;
    const double loss_last = last.result.stages[1].selected_validation_loss;
    EXPECT_EQ(first.result.stages[1].selected_round, 0) << type;
    EXPECT_EQ(last.result.stages[1].selected_round, 1) << type;
    ASSERT_NE(loss_first, loss_last) << type << ": the second round changed the network";
    const int expected = loss_first < loss_last ? 0 : 1;
    EXPECT_EQ(selected.result.stages[1].selected_round, expected) << type;
    EXPECT_EQ(selected.result.stages[1].selected_validation_loss, std::min(loss_first, loss_last)) << type;
    EXPECT_EQ(selected.parameters, expected == 0 ? first.parameters : last.parameters) << type;
    // The last history row and the metrics are those of the kept network.
    EXPECT_EQ(selected.history.back().rel_l2, selected.result.metrics.rel_l2) << type;
    EXPECT_EQ(selected.history.back().iteration, last.history.back().iteration) << type;
    // summary.json names the kept round 1-based, as the log does.
    const nlohmann::json& stage = selected.summary["stages"][1];
    EXPECT_EQ(stage["selected_round"], expected + 1) << type;
    EXPECT_EQ(stage["selected_validation_loss"].get<double>(), std::min(loss_first, loss_last)) << type;
  }
}

TEST(RoundSelection, KeepsTheMultipliersOfTheKeptRound) {
  // Five LBFGS rounds of 20 steps; on obstacle1d the fourth has the lowest
  // validation loss. The run cut after the kept round ends on the same
  // network, with the multipliers of its last round: the contact set and
  // complementarity reported must be those, not the fifth round's.
  const StageRun selected = run_stage("ceres_lbfgs", 100, 4, 5);
  ASSERT_EQ(selected.result.status, pinn::RunStatus::ok);
  const int kept = selected.result.stages[1].selected_round;
  ASSERT_LT(kept, 4) << "the last round was kept: this test needs an earlier one";
  const StageRun cut = run_stage("ceres_lbfgs", 20 * (kept + 1), kept, 0);
  EXPECT_EQ(selected.parameters, cut.parameters);
  EXPECT_EQ(selected.multipliers, cut.multipliers);
  EXPECT_EQ(selected.result.metrics.complementarity, cut.result.metrics.complementarity);
  EXPECT_EQ(selected.result.metrics.contact_measure, cut.result.metrics.contact_measure);
  const StageRun unselected = run_stage("ceres_lbfgs", 100, 4, 0);
  EXPECT_NE(unselected.multipliers, cut.multipliers) << "the later rounds changed the multipliers";
}

TEST(RoundSelection, OneRoundIsTheLastIterate) {
  const StageRun plain = run_stage("ceres_lbfgs", 30, 1, 0);
  const StageRun one = run_stage("ceres_lbfgs", 30, 1, 1);
  EXPECT_EQ(one.parameters, plain.parameters);
  EXPECT_EQ(one.result.metrics.rel_l2, plain.result.metrics.rel_l2);
  EXPECT_EQ(plain.result.stages[1].selected_round, -1);
  EXPECT_FALSE(plain.summary["stages"][1].contains("selected_round")) << "no selection, no key";
  EXPECT_EQ(one.result.stages[1].selected_round, 1);
}

TEST(RoundSelection, GaussTrainingPointsAreJudgedOnGaussPointsTwiceAsFine) {
  const pinn::Domain box = pinn::Domain::rectangle({-2, -1}, {2, 1});
  const std::array<int, 3> cells = box.grid_cells(4096);  // 76 × 54, the training set's grid_cells
  const std::vector<double> training = box.sample_interior(4096, pinn::SamplingMethod::gauss, 0);
  const pinn::Domain::GridQuadrature rule = pinn::validation_rule(box, cells, pinn::SamplingMethod::gauss);
  // As many points as the midpoints twice as fine, none of them a training point.
  ASSERT_EQ(rule.points.size(), 2u * (2 * 76) * (2 * 54));
  EXPECT_TRUE(rule.weights.empty());
  for (std::size_t i = 0; i < rule.points.size(); i += 2)
    for (std::size_t j = 0; j < training.size(); j += 2)
      ASSERT_FALSE(rule.points[i] == training[j] && rule.points[i + 1] == training[j + 1]) << i / 2;
  // Exact for a cubic in each direction, as the training rule is; the midpoint
  // rule as fine is not, so it could not rank rounds whose energies differ by less.
  const auto mean_of_cubic = [&](const std::vector<double>& points) {
    double sum = 0.0;
    for (std::size_t i = 0; i < points.size(); i += 2) {
      const double x = points[i], y = points[i + 1];
      sum += x * x * x * (1 + y) + x * x * y * y;
    }
    return sum * box.measure() / static_cast<double>(points.size() / 2);
  };
  const double exact = 32.0 / 9.0;
  EXPECT_NEAR(mean_of_cubic(rule.points), exact, 1e-12);
  const pinn::Domain::GridQuadrature midpoints = pinn::validation_rule(box, cells, pinn::SamplingMethod::grid);
  EXPECT_EQ(midpoints.points.size(), rule.points.size());
  EXPECT_GT(std::abs(mean_of_cubic(midpoints.points) - exact), 1e-5);
  // Other training points keep the midpoints twice as fine.
  EXPECT_EQ(midpoints.points, box.grid_points({2 * 76, 2 * 54, 1}, pinn::SamplingMethod::grid));
  EXPECT_EQ(pinn::validation_rule(box, cells, pinn::SamplingMethod::halton).points, midpoints.points);
}

}  // namespace
