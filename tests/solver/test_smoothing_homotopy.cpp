/// @file tests/solver/test_smoothing_homotopy.cpp
/// @brief stage.smoothing: a stage trains the softplus-smoothed network, but
/// every result (metrics, the final network) is the exact piecewise-linear one.
#include "nn/parameter_jacobian.hpp"
#include "solver/augmented_lagrangian.hpp"
#include "solver/case_file.hpp"
#include "solver/exact_fit.hpp"
#include "solver/obstacle_solver.hpp"
#include "solver/solution_fields.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

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

/// obstacle1d with a PReLU network trained by one stage with a wide
/// smoothing (ε = 0.5 → 0.25), so that smoothed and exact networks differ
/// visibly; `extra` adds overrides.
pinn::CaseConfig wide_homotopy_case(const std::string& extra = "") {
  std::vector<std::string> overrides = {"network.activation=prelu", "sampling.interior=64",
                                        "stage.0.iterations=200", "stage.0.multiplier_updates=2",
                                        "stage.0.smoothing=0.5", "stage.0.smoothing_end=0.25", "stage.1.iterations=0"};
  if (!extra.empty()) overrides.push_back(extra);
  return pinn::load_case_file(std::string(PINN_SOURCE_DIR) + "/cases/obstacle1d.toml", overrides);
}

pinn::RunOptions quiet_in_memory() {
  pinn::RunOptions options;
  options.quiet = true;
  options.write_files = false;
  return options;
}

TEST(SmoothingHomotopy, ResultsDescribeTheExactNetwork) {
  pinn::ObstacleSolver solver(wide_homotopy_case(), quiet_in_memory());
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

/// The network's first output at each row of `points`.
std::vector<double> values_at(const pinn::Mlp& net, const pinn::Matrix& points) {
  struct Value {
    KOKKOS_FUNCTION void operator()(int, const pinn::PointJet& jet, double* r, pinn::PointJet*) const {
      r[0] = jet.value[0];
    }
  };
  pinn::Vector values("values", points.extent(0));
  pinn::residual_jacobian(pinn::ExecSpace(), net, points, Value{}, pinn::JetOrder::value, 1, values,
                          pinn::Matrix("none", 0, 0));
  Kokkos::fence();
  return std::vector<double>(values.data(), values.data() + values.extent(0));
}

double rms_difference(const std::vector<double>& a, const std::vector<double>& b) {
  double sum = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) sum += (a[i] - b[i]) * (a[i] - b[i]);
  return std::sqrt(sum / static_cast<double>(a.size()));
}

/// A LeakyReLU network [12, 12] of `inputs` inputs, initialised from
/// `seed`, its activation smoothed to ε = 0.3.
pinn::Mlp smoothed_leaky_network(int inputs, std::uint64_t seed) {
  pinn::MlpConfig network;
  network.n_inputs = inputs;
  network.hidden = {12, 12};
  network.activation = pinn::Activation::leaky_relu;
  pinn::Mlp net(network);
  net.initialize(seed);
  net.set_smoothing(0.3);
  return net;
}

TEST(SmoothingHomotopy, TheExactNetworkIsFittedToTheSmoothedOne) {
  pinn::Mlp net = smoothed_leaky_network(2, 7);
  pinn::Matrix points("points", 400, 2);
  for (int i = 0; i < 20; ++i)
    for (int j = 0; j < 20; ++j) {
      points(20 * i + j, 0) = -1.0 + (i + 0.5) / 10.0;
      points(20 * i + j, 1) = -1.0 + (j + 0.5) / 10.0;
    }
  const std::vector<double> smoothed = values_at(net, points);
  pinn::Mlp exact = net;  // shares the parameters
  exact.set_smoothing(0.0);
  const double gap = rms_difference(values_at(exact, points), smoothed);
  ASSERT_GT(gap, 1e-2) << "the test needs the two networks to differ";

  const pinn::ExactFitReport fit = pinn::fit_exact_to_smoothed(net, points, pinn::Vector(), 30);
  EXPECT_EQ(net.layout().smoothing, 0.0) << "the network keeps the exact activation";
  EXPECT_NEAR(fit.rms_before, gap, 1e-12 * gap);
  EXPECT_GT(fit.steps, 0);
  EXPECT_LE(fit.steps, 30);
  EXPECT_NEAR(fit.rms_after, rms_difference(values_at(net, points), smoothed), 1e-12 * gap);
  EXPECT_LT(fit.rms_after, 0.2 * gap) << "the fit closes most of the gap";

  // Nothing to fit: an exact network stays as it is.
  const std::vector<double> before = values_at(net, points);
  EXPECT_EQ(pinn::fit_exact_to_smoothed(net, points, pinn::Vector(), 30).steps, 0);
  EXPECT_EQ(values_at(net, points), before);
}

TEST(SmoothingHomotopy, TheFitWeighsEachValueByItsFactorInU) {
  pinn::Mlp net = smoothed_leaky_network(1, 3);
  // The distance to the ends of (−1, 1), as a hard boundary condition's d.
  pinn::Matrix points("points", 200, 1);
  pinn::Vector factors("factors", 200);
  for (int i = 0; i < 200; ++i) {
    points(i, 0) = -1.0 + 2.0 * i / 199.0;
    factors(i) = 1.0 - std::abs(points(i, 0));
  }
  const std::vector<double> smoothed = values_at(net, points);
  pinn::Mlp exact = net;  // shares the parameters
  exact.set_smoothing(0.0);
  const auto weighted_rms = [&](const std::vector<double>& values) {
    double sum = 0.0;
    for (int i = 0; i < 200; ++i) sum += std::pow(factors(i) * (values[i] - smoothed[i]), 2);
    return std::sqrt(sum / 200.0);
  };
  const double gap = weighted_rms(values_at(exact, points));
  ASSERT_GT(gap, 1e-3) << "the test needs the two networks to differ";

  const pinn::ExactFitReport fit = pinn::fit_exact_to_smoothed(net, points, factors, 30);
  EXPECT_NEAR(fit.rms_before, gap, 1e-12 * gap) << "the rms of u₀ − u_ε, not of N₀ − N_ε";
  EXPECT_NEAR(fit.rms_after, weighted_rms(values_at(net, points)), 1e-12 * gap);
  EXPECT_LT(fit.rms_after, 0.2 * gap) << "the fit closes most of the gap";
}

TEST(SmoothingHomotopy, AStageFitsTheExactNetworkAtItsEnd) {
  auto run = [](int steps) {
    pinn::ObstacleSolver solver(wide_homotopy_case("stage.0.exact_fit_steps=" + std::to_string(steps)),
                                quiet_in_memory());
    const pinn::RunResult result = solver.run();
    EXPECT_EQ(result.status, pinn::RunStatus::ok);
    EXPECT_EQ(solver.network().layout().smoothing, 0.0);
    return result;
  };
  const pinn::RunResult plain = run(0), fitted = run(20);
  EXPECT_EQ(plain.stages[0].solver_report.find("exact network fitted"), std::string::npos);
  EXPECT_NE(fitted.stages[0].solver_report.find("exact network fitted to the smoothed one"), std::string::npos)
      << fitted.stages[0].solver_report;
  EXPECT_NE(fitted.metrics.rel_l2, plain.metrics.rel_l2) << "the fit moved the network the results describe";
  EXPECT_EQ(fitted.metrics.rel_l2, run(20).metrics.rel_l2) << "reproducible";
}

TEST(SmoothingHomotopy, AFittingStageJudgesItsRoundsAsTheSmoothedNetwork) {
  const pinn::Mlp net = smoothed_leaky_network(1, 7);
  pinn::StageConfig stage;
  EXPECT_EQ(pinn::network_as_judged(net, stage).layout().smoothing, 0.0) << "without a fit: the exact network";
  stage.exact_fit_steps = 20;
  EXPECT_EQ(pinn::network_as_judged(net, stage).layout().smoothing, 0.3) << "with one: the network it reproduces";

  // The same iterates, judged exact or smoothed: the kept round's validation loss differs.
  auto run = [](int fit_steps) {
    const std::vector<std::string> overrides = {
        "network.activation=prelu",      "sampling.interior=64",         "stage.0.iterations=200",
        "stage.1.iterations=30",         "stage.1.multiplier_updates=2", "stage.1.smoothing=0.5",
        "stage.1.smoothing_end=0.25",    "stage.1.select_last_rounds=3",
        "stage.1.exact_fit_steps=" + std::to_string(fit_steps)};
    pinn::ObstacleSolver solver(
        pinn::load_case_file(std::string(PINN_SOURCE_DIR) + "/cases/obstacle1d.toml", overrides), quiet_in_memory());
    const pinn::RunResult result = solver.run();
    EXPECT_EQ(result.status, pinn::RunStatus::ok);
    return result.stages.at(1);
  };
  const pinn::StageSummary exact = run(0), smoothed = run(20);
  ASSERT_GE(exact.selected_round, 0);
  ASSERT_GE(smoothed.selected_round, 0);
  EXPECT_NE(smoothed.selected_validation_loss, exact.selected_validation_loss);
  EXPECT_EQ(smoothed.selected_validation_loss, run(20).selected_validation_loss) << "reproducible";
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
