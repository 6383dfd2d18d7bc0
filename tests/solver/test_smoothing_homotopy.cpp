/// @file tests/solver/test_smoothing_homotopy.cpp
/// @brief stage.smoothing: a stage trains the softplus-smoothed network, but
/// every result (metrics, the final network) is the exact piecewise-linear one.
#include "solver/case_file.hpp"
#include "solver/obstacle_solver.hpp"
#include "solver/solution_fields.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace {

/// Relative L2 error of `net` against the exact solution at 1001 points of (0, 1).
double relative_error(const pinn::Mlp& net, const pinn::CaseConfig& config) {
  std::vector<double> x(1001);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<double>(i) / 1000.0;
  const pinn::SolutionFields f = pinn::evaluate_solution(pinn::ExecSpace(), net, config.problem, config.loss, x);
  double err = 0.0, norm = 0.0;
  for (int i = 0; i < f.n; ++i) {
    const double exact = config.problem.exact(&x[static_cast<std::size_t>(i)]);
    err += (f.u[i] - exact) * (f.u[i] - exact);
    norm += exact * exact;
  }
  return std::sqrt(err / norm);
}

TEST(SmoothingHomotopy, ResultsDescribeTheExactNetwork) {
  // A wide smoothing (ε = 0.5 → 0.25) so that smoothed and exact networks differ visibly.
  pinn::CaseConfig config = pinn::load_case_file(
      std::string(PINN_SOURCE_DIR) + "/cases/obstacle1d.toml",
      {"network.activation=prelu", "sampling.interior=64", "stage.0.iterations=200", "stage.0.multiplier_updates=2",
       "stage.0.smoothing=0.5", "stage.0.smoothing_end=0.25", "stage.1.iterations=0"});
  pinn::RunOptions options;
  options.quiet = true;
  options.write_files = false;
  pinn::ObstacleSolver solver(config, options);
  const pinn::RunResult result = solver.run();
  ASSERT_EQ(result.status, pinn::RunStatus::ok);
  EXPECT_EQ(solver.network().layout().smoothing, 0.0) << "the homotopy ends with its stage";

  const double exact_error = relative_error(solver.network(), solver.config());
  pinn::Mlp smoothed = solver.network();  // shares the trained parameters
  smoothed.set_smoothing(0.25);
  const double smoothed_error = relative_error(smoothed, solver.config());
  ASSERT_GT(std::abs(smoothed_error - exact_error), 0.05 * exact_error) << "the test needs the two to differ";
  EXPECT_NEAR(result.metrics.rel_l2, exact_error, 1e-3 * exact_error);
}

TEST(SmoothingHomotopy, TrainsADifferentNetworkThanTheExactActivation) {
  auto run = [](const std::vector<std::string>& extra) {
    std::vector<std::string> overrides = {"network.activation=prelu", "sampling.interior=64",
                                          "stage.0.iterations=50", "stage.1.iterations=0"};
    overrides.insert(overrides.end(), extra.begin(), extra.end());
    pinn::RunOptions options;
    options.quiet = true;
    options.write_files = false;
    pinn::ObstacleSolver solver(
        pinn::load_case_file(std::string(PINN_SOURCE_DIR) + "/cases/obstacle1d.toml", overrides), options);
    return solver.run().stages.at(0).loss_start;
  };
  // The first loss already differs: the stage evaluates the smoothed network from its first step.
  EXPECT_NE(run({"stage.0.smoothing=0.3"}), run({}));
  EXPECT_EQ(run({"stage.0.smoothing=0.3"}), run({"stage.0.smoothing=0.3"})) << "reproducible";
}

}  // namespace
