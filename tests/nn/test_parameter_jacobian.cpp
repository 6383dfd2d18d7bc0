/// @file tests/nn/test_parameter_jacobian.cpp
/// @brief Per-point residual Jacobians (nn/parameter_jacobian.hpp) against finite
/// differences of the residuals, and against the gradient of ½‖r‖².
#include "nn/nn.hpp"
#include "tests/nn/nn_test_helpers.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace {

using pinn::Activation;
using pinn::AlphaConstraint;
using pinn::AlphaMode;
using pinn::JetOrder;
using pinn::PointJet;
using pinn::test::to_host;

constexpr int kResiduals = 3;

/// Three residuals that use u, ∇u and Δu nonlinearly, with point-dependent weights:
///   r0 = (1 + 0.1 i) u + Δu
///   r1 = u ∂₀u + 0.5
///   r2 = Δu + 0.3 |∇u|² − ∂_{d−1}u
struct JetResidual {
  int n_inputs;
  KOKKOS_FUNCTION void operator()(int i, const PointJet& jet, double* r, PointJet* seeds) const {
    const double w = 1.0 + 0.1 * i;
    r[0] = w * jet.value[0] + jet.lap[0];
    seeds[0].value[0] = w;
    seeds[0].lap[0] = 1.0;
    r[1] = jet.value[0] * jet.grad[0][0] + 0.5;
    seeds[1].value[0] = jet.grad[0][0];
    seeds[1].grad[0][0] = jet.value[0];
    double g2 = 0.0;
    for (int k = 0; k < n_inputs; ++k) {
      g2 += jet.grad[0][k] * jet.grad[0][k];
      seeds[2].grad[0][k] = 0.6 * jet.grad[0][k];
    }
    r[2] = jet.lap[0] + 0.3 * g2 - jet.grad[0][n_inputs - 1];
    seeds[2].grad[0][n_inputs - 1] -= 1.0;
    seeds[2].lap[0] = 1.0;
  }
};

/// ½ Σ r², the least-squares loss whose gradient is Jᵀ r.
struct HalfSquaredResidual {
  JetResidual residual;
  KOKKOS_FUNCTION double operator()(int i, const PointJet& jet, PointJet& seed) const {
    double r[kResiduals] = {0, 0, 0};
    PointJet seeds[kResiduals];
    for (auto& s : seeds) s.zero();
    residual(i, jet, r, seeds);
    double loss = 0.0;
    for (int k = 0; k < kResiduals; ++k) {
      loss += 0.5 * r[k] * r[k];
      seed.value[0] += r[k] * seeds[k].value[0];
      seed.lap[0] += r[k] * seeds[k].lap[0];
      for (int d = 0; d < pinn::kMaxInputs; ++d) seed.grad[0][d] += r[k] * seeds[k].grad[0][d];
    }
    return loss;
  }
};

struct JacobianCase {
  Activation activation;
  int n_inputs;
  AlphaMode mode;
  AlphaConstraint constraint;
};

class ResidualJacobian : public ::testing::TestWithParam<JacobianCase> {
 protected:
  pinn::Mlp make_net() const {
    pinn::MlpConfig config;
    config.n_inputs = GetParam().n_inputs;
    config.hidden = {6, 5};
    config.activation = GetParam().activation;
    config.alpha = 0.3;
    config.alpha_mode = GetParam().mode;
    config.alpha_constraint = GetParam().constraint;
    pinn::Mlp net(config);
    net.initialize(17);
    std::vector<double> p = to_host(net.params());
    for (std::size_t i = 0; i < p.size(); ++i) p[i] += 0.05 * std::cos(2.0 * i);
    pinn::test::from_host(p, net.params());
    return net;
  }
  // 70 points: two full chunks and a partial one.
  static constexpr int n_points = 70;
};

TEST_P(ResidualJacobian, MatchesFiniteDifferencesOfTheResiduals) {
  pinn::Mlp net = make_net();
  const int d = GetParam().n_inputs;
  const auto points = pinn::test::random_points(n_points, d, 23);
  const JetResidual residual{d};
  const int rows = n_points * kResiduals;
  pinn::Vector r("r", rows), r_scratch("r_scratch", rows);
  pinn::Matrix J("J", rows, net.n_params());
  pinn::residual_jacobian(pinn::ExecSpace(), net, points, residual, JetOrder::laplacian, kResiduals, r, J);
  auto hJ = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), J);
  pinn::GradientWorkspace ws;
  const double h = 1e-6;
  int nonzero_columns = 0;
  for (int p = 0; p < net.n_params(); ++p) {
    std::vector<double> params = to_host(net.params());
    const double saved = params[p];
    params[p] = saved + h;
    pinn::test::from_host(params, net.params());
    pinn::residual_jacobian(pinn::ExecSpace(), net, points, residual, JetOrder::laplacian, kResiduals, r_scratch,
                            pinn::Matrix(), ws);
    const auto plus = to_host(r_scratch);
    params[p] = saved - h;
    pinn::test::from_host(params, net.params());
    pinn::residual_jacobian(pinn::ExecSpace(), net, points, residual, JetOrder::laplacian, kResiduals, r_scratch,
                            pinn::Matrix(), ws);
    const auto minus = to_host(r_scratch);
    params[p] = saved;
    pinn::test::from_host(params, net.params());
    bool nonzero = false;
    for (int row = 0; row < rows; ++row) {
      const double fd = (plus[row] - minus[row]) / (2 * h);
      ASSERT_NEAR(hJ(row, p), fd, 1e-6 * (1.0 + std::abs(fd))) << "row " << row << " parameter " << p;
      nonzero = nonzero || hJ(row, p) != 0.0;
    }
    nonzero_columns += nonzero;
  }
  EXPECT_EQ(nonzero_columns, net.n_params()) << "every parameter should move some residual";
}

/// How far two kernels that do the same arithmetic may differ. On host
/// memory they are compiled alike and agree bitwise (0); a device compiler
/// fuses multiply–adds differently per kernel, so there they agree to a few
/// rounding errors (seen on an H200: README "Backends").
double same_arithmetic_tolerance(double value) {
  constexpr bool host = Kokkos::SpaceAccessibility<Kokkos::HostSpace, pinn::MemSpace>::accessible;
  return host ? 0.0 : 1e-13 * (1.0 + std::abs(value));
}

TEST_P(ResidualJacobian, ResidualsMatchTheJetsAndJacobianTransposeResidualIsTheGradient) {
  pinn::Mlp net = make_net();
  const int d = GetParam().n_inputs;
  const auto points = pinn::test::random_points(n_points, d, 29);
  const JetResidual residual{d};
  const int rows = n_points * kResiduals;
  pinn::Vector r("r", rows);
  pinn::Matrix J("J", rows, net.n_params());
  pinn::residual_jacobian(pinn::ExecSpace(), net, points, residual, JetOrder::laplacian, kResiduals, r, J);
  const auto hr = to_host(r);
  const auto jets = pinn::test::jets_of(net, points, JetOrder::laplacian);
  for (int i = 0; i < n_points; ++i) {
    double expected[kResiduals];
    PointJet seeds[kResiduals];
    for (auto& s : seeds) s.zero();
    residual(i, jets[i], expected, seeds);
    for (int k = 0; k < kResiduals; ++k)
      EXPECT_NEAR(hr[i * kResiduals + k], expected[k], same_arithmetic_tolerance(expected[k]))
          << "point " << i;
  }
  pinn::Vector grad("grad", net.n_params());
  pinn::GradientWorkspace ws;
  const double loss = pinn::loss_and_gradient(pinn::ExecSpace(), net, points, HalfSquaredResidual{residual},
                                              JetOrder::laplacian, grad, ws);
  double half_norm = 0.0;
  for (const double v : hr) half_norm += 0.5 * v * v;
  EXPECT_NEAR(loss, half_norm, 1e-13 * half_norm);
  const auto g = to_host(grad);
  auto hJ = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), J);
  for (int p = 0; p < net.n_params(); ++p) {
    double jtr = 0.0, scale = 0.0;
    for (int row = 0; row < rows; ++row) {
      jtr += hJ(row, p) * hr[row];
      scale += std::abs(hJ(row, p) * hr[row]);
    }
    EXPECT_NEAR(g[p], jtr, 1e-12 * (1.0 + scale)) << "parameter " << p;
  }
}

std::string case_name(const ::testing::TestParamInfo<JacobianCase>& info) {
  std::string name = pinn::to_string(info.param.activation) + "_in" + std::to_string(info.param.n_inputs);
  if (info.param.activation == Activation::prelu)
    name += (info.param.mode == AlphaMode::channel ? "_channel" : "_layer") + std::string("_") +
            pinn::to_string(info.param.constraint);
  return name;
}

INSTANTIATE_TEST_SUITE_P(
    TanhAndPrelu, ResidualJacobian,
    ::testing::Values(JacobianCase{Activation::tanh, 1, AlphaMode::layer, AlphaConstraint::none},
                      JacobianCase{Activation::tanh, 2, AlphaMode::layer, AlphaConstraint::none},
                      JacobianCase{Activation::prelu, 1, AlphaMode::layer, AlphaConstraint::none},
                      JacobianCase{Activation::prelu, 2, AlphaMode::channel, AlphaConstraint::none},
                      JacobianCase{Activation::prelu, 2, AlphaMode::channel, AlphaConstraint::unit_interval}),
    case_name);

TEST(ResidualJacobianApi, RejectsWrongSizes) {
  pinn::MlpConfig config;
  config.n_inputs = 2;
  pinn::Mlp net(config);
  net.initialize(1);
  const auto points = pinn::test::random_points(10, 2, 1);
  const JetResidual residual{2};
  pinn::Vector r("r", 30), r_short("r_short", 29);
  pinn::Matrix J("J", 30, net.n_params()), J_bad("J_bad", 30, net.n_params() + 1);
  EXPECT_THROW(pinn::residual_jacobian(pinn::ExecSpace(), net, points, residual, JetOrder::laplacian, 3, r_short, J),
               pinn::ApiError);
  EXPECT_THROW(pinn::residual_jacobian(pinn::ExecSpace(), net, points, residual, JetOrder::laplacian, 3, r, J_bad),
               pinn::ApiError);
  EXPECT_THROW(pinn::residual_jacobian(pinn::ExecSpace(), net, points, residual, JetOrder::laplacian,
                                       pinn::kMaxResidualsPerPoint + 1, r, J),
               pinn::ApiError);
  EXPECT_NO_THROW(pinn::residual_jacobian(pinn::ExecSpace(), net, points, residual, JetOrder::laplacian, 3, r, J));
}

}  // namespace
