/// @file tests/solver/test_output_layer_solve.cpp
/// @brief Variable projection: the output-layer solve reaches the optimum over
/// the output layer (zero gradient there, the hidden layers untouched), never
/// raises the cost, and is idempotent; a stage with output_solve_every runs it.
#include "nn/parameter_jacobian.hpp"
#include "solver/case_file.hpp"
#include "solver/obstacle_solver.hpp"
#include "solver/output_layer_solve.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace {

struct SolveSetup {
  pinn::ObstacleProblem problem;
  pinn::TrainingPoints points;
  pinn::ObstacleLossParams params;
};

/// obstacle1d-like data with f ≠ 0 and multipliers at some points, so the
/// ReLU² obstacle residual is on at some points and off at others.
SolveSetup make_setup(pinn::BoundaryMode boundary) {
  SolveSetup s;
  s.problem.domain = pinn::Domain::interval(0, 1);
  s.problem.source = [](const double* x) { return -1.0 + x[0]; };
  s.problem.boundary = [](const double*) { return 0.0; };
  s.problem.lower_obstacle = [](const double* x) { return 0.3 - 4.0 * (x[0] - 0.5) * (x[0] - 0.5); };
  const auto interior = s.problem.domain.sample_interior(64, pinn::SamplingMethod::grid, 1);
  const auto edge = boundary == pinn::BoundaryMode::penalty ? s.problem.domain.sample_boundary(2) : std::vector<double>{};
  s.points = pinn::make_training_points(s.problem, interior, edge);
  auto data = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), s.points.data);
  for (int i = 0; i < s.points.n_interior; ++i) data(i).lambda_lower = (i % 5 == 0) ? 0.5 : 0.0;
  Kokkos::deep_copy(s.points.data, data);
  s.params.settings.form = pinn::LossForm::energy;
  s.params.settings.boundary = boundary;
  s.params.settings.penalty = 100.0;
  s.params.dim = 1;
  s.params.has_lower = true;
  return s;
}

pinn::Mlp make_net(pinn::Activation activation) {
  pinn::MlpConfig config;
  config.hidden = {12, 10};
  config.activation = activation;
  config.input_lower = {0.0};
  config.input_upper = {1.0};
  pinn::Mlp net(config);
  net.initialize(3);
  return net;
}

std::vector<double> host_params(const pinn::Mlp& net) {
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), net.params());
  return std::vector<double>(h.data(), h.data() + net.n_params());
}

/// Gradient of ½‖r‖² with respect to every parameter, Jᵀr.
std::vector<double> residual_gradient(const pinn::Mlp& net, const SolveSetup& s) {
  const pinn::ObstaclePointResiduals functor{s.points.data, s.params, pinn::residual_layout(s.params)};
  const int per_point = functor.layout.per_point();
  const int rows = s.points.size() * per_point;
  pinn::Vector r("r", rows);
  pinn::Matrix j("J", rows, net.n_params());
  pinn::residual_jacobian(pinn::ExecSpace(), net, s.points.coordinates, functor, pinn::JetOrder::gradient, per_point,
                          r, j);
  auto rh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), r);
  auto jh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), j);
  std::vector<double> g(net.n_params(), 0.0);
  for (int row = 0; row < rows; ++row)
    for (int p = 0; p < net.n_params(); ++p) g[p] += jh(row, p) * rh(row);
  return g;
}

class OutputLayerSolve : public ::testing::TestWithParam<std::tuple<pinn::Activation, pinn::BoundaryMode>> {};

TEST_P(OutputLayerSolve, ReachesTheOptimumOverTheOutputLayerOnly) {
  const auto [activation, boundary] = GetParam();
  const SolveSetup s = make_setup(boundary);
  pinn::Mlp net = make_net(activation);
  const std::vector<double> before = host_params(net);
  const pinn::ObstaclePointResiduals functor{s.points.data, s.params, pinn::residual_layout(s.params)};
  pinn::OutputLayerSolver solver;
  const pinn::OutputLayerSolve result =
      solver.solve(pinn::ExecSpace(), net, s.points.coordinates, functor, pinn::JetOrder::gradient, 20);
  EXPECT_GT(result.steps, 0);
  EXPECT_LT(result.cost_after, result.cost_before);

  const std::vector<double> after = host_params(net);
  const int first = net.layout().w_offset[net.layout().n_layers - 1];
  for (int p = 0; p < first; ++p) ASSERT_EQ(after[p], before[p]) << "hidden parameter " << p << " moved";

  // Stationary in the output layer: Jᵀr vanishes there, relative to its size
  // at the start, up to the solver's tiny ridge term (1e-8 of AᵀA's mean diagonal).
  pinn::Mlp start = make_net(activation);
  const std::vector<double> g0 = residual_gradient(start, s);
  const std::vector<double> g1 = residual_gradient(net, s);
  double norm0 = 0.0, norm1 = 0.0;
  for (int p = first; p < net.n_params(); ++p) {
    norm0 += g0[p] * g0[p];
    norm1 += g1[p] * g1[p];
  }
  EXPECT_LT(std::sqrt(norm1), 1e-4 * std::sqrt(norm0));

  // A second solve finds nothing left to do.
  const pinn::OutputLayerSolve again =
      solver.solve(pinn::ExecSpace(), net, s.points.coordinates, functor, pinn::JetOrder::gradient, 20);
  EXPECT_LE(again.cost_after, result.cost_after);
  EXPECT_NEAR(again.cost_after, result.cost_after, 1e-10 * result.cost_after);
}

INSTANTIATE_TEST_SUITE_P(ActivationsAndBoundaries, OutputLayerSolve,
                         ::testing::Combine(::testing::Values(pinn::Activation::prelu, pinn::Activation::leaky_relu,
                                                              pinn::Activation::tanh),
                                            ::testing::Values(pinn::BoundaryMode::hard, pinn::BoundaryMode::penalty)));

TEST(OutputLayerSolveStage, AdamWithOutputSolvesEndsOnTheOutputOptimum) {
  pinn::CaseConfig config = pinn::load_case_file(
      std::string(PINN_SOURCE_DIR) + "/cases/obstacle1d.toml",
      {"network.activation=\"prelu\"", "network.hidden=[8, 8]", "sampling.interior=64", "stage.0.iterations=200",
       "stage.0.multiplier_updates=0", "stage.0.output_solve_every=20", "stage.1.iterations=0"});
  config.stages.resize(1);
  pinn::RunOptions options;
  options.quiet = true;
  options.write_files = false;
  pinn::ObstacleSolver trainer(config, options);
  const pinn::RunResult result = trainer.run();
  ASSERT_EQ(result.status, pinn::RunStatus::ok);
  // The stage ends with a solve, so one more finds (almost) nothing to gain.
  pinn::Mlp net(trainer.config().network);
  Kokkos::deep_copy(net.params(), trainer.network().params());
  pinn::OutputLayerSolver solver;
  const pinn::ObstaclePointResiduals functor{trainer.training_points().data, trainer.loss_params(),
                                             pinn::residual_layout(trainer.loss_params())};
  const pinn::OutputLayerSolve again = solver.solve(pinn::ExecSpace(), net,
                                                    trainer.training_points().coordinates, functor,
                                                    pinn::JetOrder::gradient, 20);
  EXPECT_NEAR(again.cost_after, again.cost_before, 1e-9 * std::abs(again.cost_before));
}

}  // namespace
