/// @file tests/nn/test_activation_smoothing.cpp
/// @brief The softplus-smoothed ReLU/LeakyReLU/PReLU of the smoothing
/// homotopy: derivatives against finite differences, distance to the exact
/// activation, and how a network switches between smoothed and exact.
#include "nn/nn.hpp"
#include "nn_test_helpers.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace {

using pinn::Activation;
using pinn::ActivationValues;
using pinn::activation_values;

TEST(ActivationSmoothing, DerivativesMatchFiniteDifferences) {
  const double eps = 0.2, h = 1e-6;
  for (const Activation act : {Activation::relu, Activation::leaky_relu, Activation::prelu}) {
    for (const double alpha : {0.1, 0.35}) {
      for (const double z : {-1.3, -0.2, -1e-3, 0.0, 0.05, 0.4, 2.0}) {
        const ActivationValues v = activation_values(act, z, alpha, eps);
        const ActivationValues zp = activation_values(act, z + h, alpha, eps);
        const ActivationValues zm = activation_values(act, z - h, alpha, eps);
        const std::string at = pinn::to_string(act) + " z=" + std::to_string(z) + " alpha=" + std::to_string(alpha);
        EXPECT_NEAR(v.d1, (zp.f - zm.f) / (2 * h), 1e-8) << at;
        EXPECT_NEAR(v.d2, (zp.d1 - zm.d1) / (2 * h), 1e-7) << at;
        EXPECT_NEAR(v.d3, (zp.d2 - zm.d2) / (2 * h), 1e-6) << at;
        const ActivationValues ap = activation_values(act, z, alpha + h, eps);
        const ActivationValues am = activation_values(act, z, alpha - h, eps);
        if (act == Activation::prelu) {
          EXPECT_NEAR(v.df_dalpha, (ap.f - am.f) / (2 * h), 1e-8) << at;
          EXPECT_NEAR(v.dd1_dalpha, (ap.d1 - am.d1) / (2 * h), 1e-8) << at;
          EXPECT_NEAR(v.dd2_dalpha, (ap.d2 - am.d2) / (2 * h), 1e-7) << at;
        } else {  // the slope is fixed: no α-derivatives
          EXPECT_EQ(v.df_dalpha, 0.0) << at;
          EXPECT_EQ(v.dd1_dalpha, 0.0) << at;
          EXPECT_EQ(v.dd2_dalpha, 0.0) << at;
        }
      }
    }
  }
}

TEST(ActivationSmoothing, StaysWithinItsBoundOfTheExactActivation) {
  // 0 ≤ f_ε − f ≤ (1 − α) ε ln 2, with equality at z = 0 and the gap closing away from the kink.
  for (const double eps : {1.0, 0.1, 1e-3}) {
    for (const double alpha : {0.0, 0.25}) {
      const double bound = (1.0 - alpha) * eps * std::log(2.0);
      double largest = 0.0;
      for (double z = -3.0; z <= 3.0; z += 1e-3) {
        const double gap = activation_values(Activation::prelu, z, alpha, eps).f -
                           activation_values(Activation::prelu, z, alpha, 0.0).f;
        EXPECT_GE(gap, -1e-15);
        largest = std::max(largest, gap);
      }
      EXPECT_NEAR(largest, bound, 1e-12 + 1e-9 * bound) << "eps " << eps;
      const double far = activation_values(Activation::prelu, 40 * eps, alpha, eps).f - 40 * eps;
      EXPECT_LE(std::abs(far), 1e-6 * bound) << "40 widths from the kink the two agree";
    }
  }
}

TEST(ActivationSmoothing, StaysFiniteFarFromTheKink) {
  for (const double z : {-1e6, -700.0, 700.0, 1e6}) {
    const ActivationValues v = activation_values(Activation::prelu, z, 0.2, 1e-3);
    for (const double x : {v.f, v.d1, v.d2, v.d3, v.df_dalpha, v.dd1_dalpha, v.dd2_dalpha})
      EXPECT_TRUE(std::isfinite(x)) << "z = " << z;
  }
}

TEST(ActivationSmoothing, SmoothActivationsIgnoreTheWidth) {
  const ActivationValues a = activation_values(Activation::tanh, 0.3, 0.0, 0.5);
  const ActivationValues b = activation_values(Activation::tanh, 0.3, 0.0, 0.0);
  EXPECT_EQ(a.f, b.f);
  EXPECT_EQ(a.d2, b.d2);
}

pinn::Mlp prelu_network() {
  pinn::MlpConfig config;
  config.n_inputs = 2;
  config.hidden = {32, 32};  // a width with a fused kernel
  config.activation = Activation::prelu;
  pinn::Mlp net(config);
  net.initialize(3);
  return net;
}

TEST(ActivationSmoothing, CopiesShareParametersAndKeepTheirOwnWidth) {
  pinn::Mlp smoothed = prelu_network();
  smoothed.set_smoothing(0.05);
  pinn::Mlp exact = smoothed;  // what the solver's results use
  exact.set_smoothing(0.0);
  EXPECT_EQ(smoothed.layout().smoothing, 0.05);
  const pinn::Matrix points = pinn::test::random_points(64, 2, 11);
  const auto exact_jets = pinn::test::jets_of(exact, points, pinn::JetOrder::gradient);
  const auto smoothed_jets = pinn::test::jets_of(smoothed, points, pinn::JetOrder::gradient);
  double largest = 0.0;
  for (std::size_t i = 0; i < exact_jets.size(); ++i)
    largest = std::max(largest, std::abs(exact_jets[i].value[0] - smoothed_jets[i].value[0]));
  EXPECT_GT(largest, 0.0) << "the smoothed network differs near its kinks";
  EXPECT_LT(largest, 0.5) << "and stays within O(ε) of the exact one";
  // Shared parameters: a change through one copy shows in the other.
  Kokkos::deep_copy(smoothed.params(), 0.0);
  EXPECT_EQ(pinn::test::jets_of(exact, points, pinn::JetOrder::value)[0].value[0], 0.0);
}

TEST(ActivationSmoothing, ASmoothedPReLUNetworkRunsTheGeneralKernel) {
  // The fused PReLU kernel hard-codes the exact activation; a smoothed
  // LeakyReLU runs the fused smooth family (tests/nn/test_fused_kernel.cpp).
  pinn::Mlp net = prelu_network();
  EXPECT_EQ(pinn::detail::select_fused_width(net.layout(), pinn::KernelPath::automatic), 32);
  net.set_smoothing(0.1);
  EXPECT_EQ(pinn::detail::select_fused_width(net.layout(), pinn::KernelPath::automatic), 0);
  // Back to ε = 0: the fused kernel again, and the same values as the general kernel.
  net.set_smoothing(0.0);
  const pinn::Matrix points = pinn::test::random_points(16, 2, 5);
  const auto general = Kokkos::create_mirror_view_and_copy(
      Kokkos::HostSpace(),
      pinn::evaluate_jets(pinn::ExecSpace(), net, points, pinn::JetOrder::gradient, -1, pinn::KernelPath::general));
  const auto fused = pinn::test::jets_of(net, points, pinn::JetOrder::gradient);
  for (int i = 0; i < 16; ++i) EXPECT_NEAR(general(i).value[0], fused[i].value[0], 1e-13);
}

TEST(ActivationSmoothing, RefusesANegativeOrNonFiniteWidth) {
  pinn::Mlp net = prelu_network();
  EXPECT_THROW(net.set_smoothing(-0.1), pinn::ApiError);
  EXPECT_THROW(net.set_smoothing(std::numeric_limits<double>::quiet_NaN()), pinn::ApiError);
  EXPECT_THROW(net.set_smoothing(std::numeric_limits<double>::infinity()), pinn::ApiError);
  EXPECT_EQ(net.layout().smoothing, 0.0);
}

}  // namespace
