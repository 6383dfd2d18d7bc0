/// @file tests/solver/test_lm_stage.cpp
/// @brief The Levenberg–Marquardt pieces: every family's Jacobian checked with
/// ceres::GradientChecker for each activation family and loss form, Jᵀr equal
/// to the gradient of the pointwise loss, and the stage recovering obstacle1d
/// from a perturbed network.
#include "nn/mlp_evaluation.hpp"
#include "nn/parameter_jacobian.hpp"
#include "solver/case_file.hpp"
#include "solver/stages/batched_residuals.hpp"
#include "solver/obstacle_solver.hpp"

#include <ceres/gradient_checker.h>
#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace {

struct LmCase {
  pinn::Activation activation;
  pinn::LossForm form;
  pinn::BoundaryMode boundary;
  int dim;
  bool upper;
};

std::string lm_case_name(const ::testing::TestParamInfo<LmCase>& info) {
  return pinn::to_string(info.param.activation) + "_" + pinn::to_string(info.param.form) + "_" +
         pinn::to_string(info.param.boundary) + "_" + std::to_string(info.param.dim) + "d" +
         (info.param.upper ? "_double" : "");
}

/// A small problem with multipliers set, so every residual branch is active somewhere.
struct LmProblem {
  pinn::ObstacleProblem problem;
  pinn::TrainingPoints points;
  pinn::ObstacleLossParams params;
};

/// `smooth_barrier`: multipliers large enough that every barrier argument is
/// positive, so max(0, ·) is smooth there (finite differences across its kink
/// would compare against a one-sided slope).
/// `zero_source`: f = 0, so F = 0 and the energy's residual form equals the
/// pointwise energy exactly (otherwise they agree only after integration by parts).
LmProblem make_setup(const LmCase& c, bool smooth_barrier = false, bool zero_source = false) {
  LmProblem s;
  s.problem.domain = c.dim == 1 ? pinn::Domain::interval(0, 1) : pinn::Domain::rectangle({0, 0}, {1, 1});
  if (zero_source) {
    s.problem.source = [](const double*) { return 0.0; };
  } else {
    s.problem.source = [](const double* x) { return -2.0 + x[0]; };
  }
  s.problem.boundary = [](const double* x) { return 0.1 * x[0]; };
  s.problem.lower_obstacle = [](const double* x) { return 0.05 - 0.5 * (x[0] - 0.5) * (x[0] - 0.5); };
  if (c.upper) s.problem.upper_obstacle = [](const double*) { return 0.08; };
  const auto interior = s.problem.domain.sample_interior(c.dim == 1 ? 9 : 16, pinn::SamplingMethod::halton, 3);
  const auto boundary = c.boundary == pinn::BoundaryMode::penalty ? s.problem.domain.sample_boundary(6)
                                                                  : std::vector<double>{};
  s.points = pinn::make_training_points(s.problem, interior, boundary);
  auto data = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), s.points.data);
  for (int i = 0; i < s.points.n_interior; ++i) {
    data(i).lambda_lower = smooth_barrier ? 20.0 : ((i % 3 == 0) ? 0.4 : 0.0);
    data(i).lambda_upper = smooth_barrier ? 20.0 : ((i % 4 == 1) ? 0.3 : 0.0);
  }
  // Boundary multipliers η of u = g (penalty boundary conditions).
  for (int i = s.points.n_interior; i < s.points.size(); ++i) data(i).boundary_multiplier = 0.25 - 0.1 * i;
  Kokkos::deep_copy(s.points.data, data);
  s.params.settings.form = c.form;
  s.params.settings.boundary = c.boundary;
  s.params.settings.penalty = 30.0;
  s.params.dim = c.dim;
  s.params.has_lower = true;
  s.params.has_upper = c.upper;
  return s;
}

pinn::Mlp make_net(const LmCase& c) {
  pinn::MlpConfig config;
  config.n_inputs = c.dim;
  config.n_outputs = c.form == pinn::LossForm::first_order ? 1 + c.dim : 1;
  config.hidden = {5, 4};
  config.activation = c.activation;
  config.alpha = 0.2;
  config.input_lower.assign(c.dim, 0.0);
  config.input_upper.assign(c.dim, 1.0);
  pinn::Mlp net(config);
  net.initialize(11);
  return net;
}

class LmFamilies : public ::testing::TestWithParam<LmCase> {};

TEST_P(LmFamilies, GradientCheckerAcceptsEveryFamily) {
  const LmCase c = GetParam();
  LmProblem s = make_setup(c, true);
  pinn::Mlp net = make_net(c);
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), net.params());
  std::vector<double> x(host.data(), host.data() + net.n_params());
  pinn::ObstaclePointResiduals functor{s.points.data, s.params, pinn::residual_layout(s.params)};
  pinn::BatchedResiduals batch(pinn::ExecSpace(), net, s.points.coordinates, functor, pinn::jet_order_for(c.form), x.data());
  int families = 0;
  for (auto family : {pinn::ResidualFamily::pde, pinn::ResidualFamily::obstacle, pinn::ResidualFamily::boundary}) {
    std::vector<int> rows = batch.rows_of(family, s.points.data);
    if (rows.empty()) continue;
    ++families;
    pinn::FamilyCost cost(&batch, rows);
    ceres::NumericDiffOptions numeric;
    // Ridders' extrapolation starts from this step; small, so that it does not
    // cross the kinks of piecewise-linear activations.
    numeric.ridders_relative_initial_step_size = 1e-5;
    const std::vector<const ceres::Manifold*>* no_manifolds = nullptr;
    ceres::GradientChecker checker(&cost, no_manifolds, numeric);
    ceres::GradientChecker::ProbeResults results;
    const double* blocks[] = {x.data()};
    // 1e-4: the small Ridders steps leave ~1e-5 of round-off in the numeric side;
    // a wrong seed shows up as O(1).
    EXPECT_TRUE(checker.Probe(blocks, 1e-4, &results))
        << "family " << static_cast<int>(family) << ": max relative error " << results.maximum_relative_error << "\n"
        << results.error_log.substr(0, 2000);
  }
  EXPECT_GE(families, 2);
}

TEST_P(LmFamilies, JacobianTransposeResidualIsTheLossGradient) {
  const LmCase c = GetParam();
  LmProblem s = make_setup(c, false, c.form == pinn::LossForm::energy);
  pinn::Mlp net = make_net(c);
  const int n = net.n_params();
  pinn::ObstaclePointResiduals functor{s.points.data, s.params, pinn::residual_layout(s.params)};
  const int rows = s.points.size() * functor.layout.per_point();
  pinn::Vector r("r", rows);
  pinn::Matrix J("J", rows, n);
  pinn::GradientWorkspace ws;
  pinn::residual_jacobian(pinn::ExecSpace(), net, s.points.coordinates, functor, pinn::jet_order_for(c.form),
                          functor.layout.per_point(), r, J, ws);
  auto hr = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), r);
  auto hJ = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), J);
  pinn::Vector g("g", n);
  pinn::loss_and_gradient(pinn::ExecSpace(), net, s.points.coordinates,
                          pinn::ObstaclePointLoss{s.points.data, s.params}, pinn::jet_order_for(c.form), g, ws);
  auto hg = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), g);
  for (int p = 0; p < n; ++p) {
    double jtr = 0.0;
    for (int row = 0; row < rows; ++row) jtr += hJ(row, p) * hr(row);
    EXPECT_NEAR(jtr, hg(p), 1e-10 * (1.0 + std::abs(hg(p)))) << "parameter " << p;
  }
}

/// The natural-gradient stage's energy_source = "points": with f ≠ 0 the
/// squares' Jᵀr plus the linear rows' J is the loss gradient, and ½Σr² + Σr
/// is the loss up to the multipliers' constants (F plays no part).
void expect_linear_source_rows_are_the_loss(const LmCase& c) {
  SCOPED_TRACE(pinn::to_string(c.activation) + " " + pinn::to_string(c.boundary) + " " + std::to_string(c.dim) + "D");
  LmProblem s = make_setup(c, false, false);
  s.params.linear_source_rows = true;
  pinn::Mlp net = make_net(c);
  const int n = net.n_params();
  pinn::ObstaclePointResiduals functor{s.points.data, s.params, pinn::residual_layout(s.params)};
  const int per_point = functor.layout.per_point();
  const int rows = s.points.size() * per_point;
  pinn::Vector r("r", rows);
  pinn::Matrix J("J", rows, n);
  pinn::GradientWorkspace ws;
  pinn::residual_jacobian(pinn::ExecSpace(), net, s.points.coordinates, functor, pinn::jet_order_for(c.form),
                          per_point, r, J, ws);
  auto hr = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), r);
  auto hJ = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), J);
  auto data = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), s.points.data);
  std::vector<char> linear(static_cast<std::size_t>(rows), 0);
  int n_linear = 0;
  double cost = 0.0;
  for (int row = 0; row < rows; ++row) {
    linear[row] = pinn::residual_family(functor, data(row / per_point), row % per_point) == pinn::ResidualFamily::linear;
    n_linear += linear[row];
    cost += linear[row] ? hr(row) : 0.5 * hr(row) * hr(row);
  }
  EXPECT_EQ(n_linear, s.points.n_interior);
  pinn::Vector g("g", n);
  const double loss = pinn::loss_and_gradient(pinn::ExecSpace(), net, s.points.coordinates,
                                              pinn::ObstaclePointLoss{s.points.data, s.params},
                                              pinn::jet_order_for(c.form), g, ws);
  double constant = 0.0;
  for (int i = 0; i < s.points.n_interior; ++i) {
    const double mu = s.params.settings.penalty;
    constant -= data(i).obstacle_weight * data(i).lambda_lower * data(i).lambda_lower / (2 * mu);
    if (c.upper) constant -= data(i).obstacle_weight * data(i).lambda_upper * data(i).lambda_upper / (2 * mu);
  }
  for (int i = s.points.n_interior; i < s.points.size(); ++i)  // penalty boundary points: −Σwη²/(2β)
    constant -= data(i).weight * data(i).boundary_multiplier * data(i).boundary_multiplier /
                (2 * s.params.settings.boundary_weight);
  EXPECT_NEAR(cost + constant, loss, 1e-12 * (1.0 + std::abs(loss)));
  auto hg = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), g);
  for (int p = 0; p < n; ++p) {
    double jtr = 0.0;
    for (int row = 0; row < rows; ++row) jtr += hJ(row, p) * (linear[row] ? 1.0 : hr(row));
    EXPECT_NEAR(jtr, hg(p), 1e-10 * (1.0 + std::abs(hg(p)))) << "parameter " << p;
  }
}

using A = pinn::Activation;
using F = pinn::LossForm;
using M = pinn::BoundaryMode;

TEST(LmStage, LinearSourceRowsAreTheLossItselfWithASource) {
  for (const LmCase& c : {LmCase{A::tanh, F::energy, M::hard, 1, false}, LmCase{A::tanh, F::energy, M::hard, 2, true},
                          LmCase{A::tanh, F::energy, M::penalty, 2, false},
                          LmCase{A::leaky_relu, F::energy, M::hard, 2, false}})
    expect_linear_source_rows_are_the_loss(c);
}
INSTANTIATE_TEST_SUITE_P(ActivationsAndForms, LmFamilies,
                         ::testing::Values(LmCase{A::tanh, F::energy, M::hard, 1, false},
                                           LmCase{A::tanh, F::energy, M::hard, 2, true},
                                           LmCase{A::prelu, F::energy, M::hard, 1, false},
                                           LmCase{A::leaky_relu, F::energy, M::hard, 2, false},
                                           LmCase{A::tanh, F::strong, M::hard, 1, false},
                                           LmCase{A::softplus, F::strong, M::penalty, 2, true},
                                           LmCase{A::sin, F::proximal, M::hard, 1, false},
                                           LmCase{A::tanh, F::first_order, M::hard, 1, false},
                                           LmCase{A::prelu, F::first_order, M::penalty, 2, false},
                                           LmCase{A::relu, F::first_order, M::hard, 1, true}),
                         lm_case_name);

TEST(LmStage, RecoversObstacle1dFromAPerturbedNetwork) {
  pinn::CaseConfig config = pinn::load_case_file(
      std::string(PINN_SOURCE_DIR) + "/cases/obstacle1d.toml",
      {"stage.0.iterations=2500", "sampling.interior=128", "stage.0.multiplier_updates=5",
       "stage.1={type = \"ceres_lm\", iterations = 60, multiplier_updates = 6}", "output.log_every=1000"});
  // Train, perturb every parameter, then let only the LM stage repair it.
  pinn::RunOptions options;
  options.quiet = true;
  options.write_files = false;
  pinn::CaseConfig adam_only = config;
  adam_only.stages.resize(1);
  pinn::ObstacleSolver trainer(adam_only, options);
  const pinn::RunResult trained = trainer.run();
  pinn::HostVector params("params", trainer.network().n_params());
  Kokkos::deep_copy(params, trainer.network().params());
  std::mt19937_64 rng(5);
  std::normal_distribution<double> noise(0.0, 0.02);
  for (std::size_t p = 0; p < params.extent(0); ++p) params(p) += noise(rng);

  pinn::CaseConfig lm_only = config;
  lm_only.stages.erase(lm_only.stages.begin());
  pinn::ObstacleSolver refiner(lm_only, options);
  pinn::Mlp refiner_network = refiner.network();  // a copy shares the parameters (nn/mlp.hpp)
  Kokkos::deep_copy(refiner_network.params(), params);
  const pinn::RunResult refined = refiner.run();
  ASSERT_EQ(refined.stages.size(), 1u);
  EXPECT_EQ(refined.stages[0].name, "ceres_lm");
  EXPECT_FALSE(refined.stages[0].solver_report.empty());
  EXPECT_LT(refined.stages[0].loss_end, refined.stages[0].loss_start);
  EXPECT_LE(refined.metrics.rel_l2, 1e-2) << "Adam alone reached " << trained.metrics.rel_l2;
  EXPECT_LT(refined.metrics.rel_l2, trained.metrics.rel_l2);
}

}  // namespace
