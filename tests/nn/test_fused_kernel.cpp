/// @file tests/nn/test_fused_kernel.cpp
/// @brief The width-templated fused kernels (nn/detail/fused_jet_kernel.hpp)
/// against the general kernel: same jets, loss and gradient (to 1e-13
/// relative; by construction they are bitwise equal), the dispatch that picks
/// them, its error for shapes without one, and a training loop whose resident
/// memory does not grow.
#include "nn/nn.hpp"
#include "tests/nn/nn_test_helpers.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <tuple>
#include <unistd.h>
#include <vector>

namespace {

using pinn::Activation;
using pinn::JetOrder;
using pinn::KernelPath;

struct FusedCase {
  Activation activation;
  int width;
  int depth;  ///< hidden layers
  int n_inputs;
  int n_outputs;
  JetOrder order;
  pinn::AlphaMode alpha_mode = pinn::AlphaMode::channel;
  pinn::AlphaConstraint constraint = pinn::AlphaConstraint::none;
  double smoothing = 0.0;  ///< a smoothed ReLU/LeakyReLU runs the fused smooth family
};

pinn::Mlp make_net(const FusedCase& c) {
  pinn::MlpConfig config;
  config.n_inputs = c.n_inputs;
  config.n_outputs = c.n_outputs;
  config.hidden.assign(c.depth, c.width);
  config.activation = c.activation;
  config.alpha = 0.15;
  config.alpha_mode = c.alpha_mode;
  config.alpha_constraint = c.constraint;
  pinn::Mlp net(config);
  net.initialize(42);
  net.set_smoothing(c.smoothing);
  return net;
}

/// max |x − y| / max |y| over all entries.
double relative_difference(const std::vector<double>& x, const std::vector<double>& y) {
  double diff = 0.0, scale = 0.0;
  for (std::size_t p = 0; p < x.size(); ++p) {
    diff = std::max(diff, std::abs(x[p] - y[p]));
    scale = std::max(scale, std::abs(y[p]));
  }
  return scale > 0 ? diff / scale : diff;
}

std::vector<double> flatten(const std::vector<pinn::PointJet>& jets, int n_outputs) {
  std::vector<double> out;
  for (const pinn::PointJet& j : jets)
    for (int o = 0; o < n_outputs; ++o) {
      out.push_back(j.value[o]);
      for (int k = 0; k < pinn::kMaxInputs; ++k) out.push_back(j.grad[o][k]);
      out.push_back(j.lap[o]);
    }
  return out;
}

std::vector<pinn::PointJet> jets_with(const pinn::Mlp& net, const pinn::Matrix& points, JetOrder order,
                                      KernelPath path) {
  auto jets = Kokkos::create_mirror_view_and_copy(
      Kokkos::HostSpace(), pinn::evaluate_jets(pinn::ExecSpace(), net, points, order, -1, path));
  return std::vector<pinn::PointJet>(jets.data(), jets.data() + jets.extent(0));
}

class FusedKernel : public ::testing::TestWithParam<FusedCase> {};

TEST_P(FusedKernel, LossGradientAndJetsEqualTheGeneralKernel) {
  const FusedCase c = GetParam();
  const pinn::Mlp net = make_net(c);
  ASSERT_EQ(pinn::detail::select_fused_width(net.layout(), KernelPath::automatic), c.width);
  const auto points = pinn::test::random_points(1001, c.n_inputs, 11);  // 31 full chunks and a partial one
  const pinn::test::MixedJetLoss loss{c.n_outputs, c.n_inputs};
  pinn::GradientWorkspace ws_general, ws_fused;
  pinn::Vector g_general("g_general", net.n_params()), g_fused("g_fused", net.n_params());
  const double l_general = pinn::loss_and_gradient(pinn::ExecSpace(), net, points, loss, c.order, g_general,
                                                   ws_general, -1, KernelPath::general);
  const double l_fused =
      pinn::loss_and_gradient(pinn::ExecSpace(), net, points, loss, c.order, g_fused, ws_fused, -1, KernelPath::fused);
  EXPECT_LE(std::abs(l_fused - l_general), 1e-13 * std::abs(l_general));
  const auto gg = pinn::test::to_host(g_general), gf = pinn::test::to_host(g_fused);
  EXPECT_LE(relative_difference(gf, gg), 1e-13);
  // Every parameter receives a gradient from the fused kernel where the
  // general one gives one (a skipped layer or slope would show here).
  int n_nonzero_general = 0, n_nonzero_fused = 0;
  for (std::size_t p = 0; p < gg.size(); ++p) {
    n_nonzero_general += gg[p] != 0.0;
    n_nonzero_fused += gf[p] != 0.0;
  }
  EXPECT_EQ(n_nonzero_fused, n_nonzero_general);
  EXPECT_GT(n_nonzero_general, static_cast<int>(gg.size()) / 2);

  const auto jg = flatten(jets_with(net, points, c.order, KernelPath::general), c.n_outputs);
  const auto jf = flatten(jets_with(net, points, c.order, KernelPath::fused), c.n_outputs);
  EXPECT_LE(relative_difference(jf, jg), 1e-13);
}

TEST_P(FusedKernel, ReusedWorkspaceAndRepeatedCallsGiveTheSameResult) {
  const FusedCase c = GetParam();
  const pinn::Mlp net = make_net(c);
  const auto points = pinn::test::random_points(200, c.n_inputs, 3);
  const pinn::test::MixedJetLoss loss{c.n_outputs, c.n_inputs};
  pinn::GradientWorkspace ws;
  pinn::Vector g("g", net.n_params());
  // A general call first leaves other contents in the shared workspace.
  pinn::loss_and_gradient(pinn::ExecSpace(), net, points, loss, c.order, g, ws, -1, KernelPath::general);
  const double first = pinn::loss_and_gradient(pinn::ExecSpace(), net, points, loss, c.order, g, ws);
  const auto g_first = pinn::test::to_host(g);
  const double second = pinn::loss_and_gradient(pinn::ExecSpace(), net, points, loss, c.order, g, ws);
  EXPECT_EQ(first, second);
  EXPECT_EQ(pinn::test::to_host(g), g_first);
}

std::string fused_case_name(const ::testing::TestParamInfo<FusedCase>& info) {
  const FusedCase& c = info.param;
  const char* order = c.order == JetOrder::value ? "value" : (c.order == JetOrder::gradient ? "gradient" : "laplacian");
  std::string name = pinn::to_string(c.activation) + "_w" + std::to_string(c.width) + "x" + std::to_string(c.depth) +
                     "_in" + std::to_string(c.n_inputs) + "_out" + std::to_string(c.n_outputs) + "_" + order;
  if (c.activation == Activation::prelu)
    name += c.alpha_mode == pinn::AlphaMode::channel ? "_channel" : "_layer";
  if (c.constraint == pinn::AlphaConstraint::unit_interval) name += "_sigmoid";
  if (c.smoothing > 0.0) name += "_smoothed";
  return name;
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, FusedKernel,
    ::testing::Values(
        // obstacle1d (energy form) and radial2d (energy and strong forms)
        FusedCase{Activation::leaky_relu, 32, 2, 1, 1, JetOrder::gradient},
        FusedCase{Activation::leaky_relu, 64, 3, 2, 1, JetOrder::gradient},
        FusedCase{Activation::tanh, 64, 3, 2, 1, JetOrder::laplacian},
        // every width and family, every jet order
        FusedCase{Activation::tanh, 16, 2, 1, 1, JetOrder::value},
        FusedCase{Activation::tanh, 32, 1, 3, 1, JetOrder::laplacian},
        FusedCase{Activation::tanh, 128, 2, 2, 1, JetOrder::gradient},
        FusedCase{Activation::relu, 16, 3, 2, 1, JetOrder::gradient},
        FusedCase{Activation::softplus, 32, 2, 2, 3, JetOrder::laplacian},
        FusedCase{Activation::sin, 64, 2, 4, 2, JetOrder::laplacian},
        FusedCase{Activation::prelu, 32, 2, 2, 3, JetOrder::laplacian},
        FusedCase{Activation::prelu, 16, 3, 1, 1, JetOrder::gradient, pinn::AlphaMode::layer},
        FusedCase{Activation::prelu, 128, 1, 2, 1, JetOrder::gradient, pinn::AlphaMode::channel,
                  pinn::AlphaConstraint::unit_interval},
        FusedCase{Activation::leaky_relu, 16, 2, 4, 4, JetOrder::laplacian},
        // the smoothing homotopy (stage.smoothing) with a fixed slope
        FusedCase{Activation::leaky_relu, 64, 3, 2, 1, JetOrder::gradient, pinn::AlphaMode::channel,
                  pinn::AlphaConstraint::none, 0.1},
        FusedCase{Activation::relu, 32, 2, 2, 1, JetOrder::laplacian, pinn::AlphaMode::channel,
                  pinn::AlphaConstraint::none, 0.2}),
    fused_case_name);

/// (x, t) inputs with the spatial Laplacian only (n_laplacian_dims = 1 of 2,
/// and 2 of 3): the tangents beyond the Laplacian's inputs still flow, the
/// second-derivative sums skip them, on both kernels alike.
TEST(FusedKernelSpaceTime, LaplacianOverTheFirstInputsOnlyEqualsTheGeneralKernel) {
  for (const auto& [act, n_inputs, n_lap] : {std::tuple{Activation::tanh, 2, 1}, std::tuple{Activation::softplus, 3, 2},
                                              std::tuple{Activation::prelu, 2, 1}}) {
    const FusedCase c{act, 32, 2, n_inputs, 1, JetOrder::laplacian};
    const pinn::Mlp net = make_net(c);
    const auto points = pinn::test::random_points(300, n_inputs, 4);
    const pinn::test::MixedJetLoss loss{1, n_inputs};
    pinn::GradientWorkspace ws;
    pinn::Vector gg("gg", net.n_params()), gf("gf", net.n_params());
    const double lg =
        pinn::loss_and_gradient(pinn::ExecSpace(), net, points, loss, c.order, gg, ws, n_lap, KernelPath::general);
    const double lf =
        pinn::loss_and_gradient(pinn::ExecSpace(), net, points, loss, c.order, gf, ws, n_lap, KernelPath::fused);
    EXPECT_LE(std::abs(lf - lg), 1e-13 * std::abs(lg)) << pinn::to_string(act);
    EXPECT_LE(relative_difference(pinn::test::to_host(gf), pinn::test::to_host(gg)), 1e-13) << pinn::to_string(act);
    // And the Laplacian really is partial: it differs from the full one.
    const auto full = flatten(jets_with(net, points, c.order, KernelPath::fused), 1);
    auto partial_jets = Kokkos::create_mirror_view_and_copy(
        Kokkos::HostSpace(), pinn::evaluate_jets(pinn::ExecSpace(), net, points, c.order, n_lap, KernelPath::fused));
    auto general_jets = Kokkos::create_mirror_view_and_copy(
        Kokkos::HostSpace(), pinn::evaluate_jets(pinn::ExecSpace(), net, points, c.order, n_lap, KernelPath::general));
    double max_diff = 0.0, max_partial_vs_full = 0.0;
    for (int i = 0; i < 300; ++i) {
      max_diff = std::max(max_diff, std::abs(partial_jets(i).lap[0] - general_jets(i).lap[0]));
      max_partial_vs_full = std::max(max_partial_vs_full, std::abs(partial_jets(i).lap[0] - full[i * 6 + 5]));
    }
    EXPECT_LE(max_diff, 1e-13) << pinn::to_string(act);
    if (act != Activation::prelu) {  // piecewise linear: Δu = 0 either way
      EXPECT_GT(max_partial_vs_full, 1e-6) << pinn::to_string(act);
    }
  }
}

pinn::MlpLayout layout_of(std::vector<int> hidden) {
  pinn::MlpConfig config;
  config.n_inputs = 2;
  config.hidden = std::move(hidden);
  return pinn::make_layout(config);
}

TEST(FusedKernelDispatch, PicksTheFusedWidthOnlyForUniformSupportedWidths) {
  EXPECT_EQ(pinn::detail::fused_width(layout_of({32, 32})), 32);
  EXPECT_EQ(pinn::detail::fused_width(layout_of({128})), 128);
  EXPECT_EQ(pinn::detail::fused_width(layout_of({16, 16, 16, 16})), 16);
  EXPECT_EQ(pinn::detail::fused_width(layout_of({32, 64})), 0);
  EXPECT_EQ(pinn::detail::fused_width(layout_of({48, 48})), 0);
  EXPECT_EQ(pinn::detail::fused_width(layout_of({24, 16})), 0);
  EXPECT_EQ(pinn::detail::select_fused_width(layout_of({32, 32}), KernelPath::general), 0);
  EXPECT_EQ(pinn::detail::select_fused_width(layout_of({48, 48}), KernelPath::automatic), 0);
}

TEST(FusedKernelDispatch, ExplicitFusedRequestForAnUnsupportedWidthNamesTheSupportedOnes) {
  pinn::MlpConfig config;
  config.n_inputs = 2;
  config.hidden = {24, 16};
  pinn::Mlp net(config);
  net.initialize(1);
  const auto points = pinn::test::random_points(40, 2, 5);
  pinn::GradientWorkspace ws;
  pinn::Vector g("g", net.n_params());
  try {
    pinn::loss_and_gradient(pinn::ExecSpace(), net, points, pinn::test::EnergyLoss{2}, JetOrder::gradient, g, ws, -1,
                            KernelPath::fused);
    FAIL() << "expected pinn::ApiError";
  } catch (const pinn::ApiError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("[24, 16]"), std::string::npos) << message;
    EXPECT_NE(message.find("16, 32, 64, 128"), std::string::npos) << message;
    EXPECT_NE(message.find("KernelPath::general"), std::string::npos) << message;
  }
  EXPECT_THROW(pinn::evaluate_jets(pinn::ExecSpace(), net, points, JetOrder::value, -1, KernelPath::fused),
               pinn::ApiError);
  // The automatic choice falls back to the general kernel for this shape.
  EXPECT_NO_THROW(
      pinn::loss_and_gradient(pinn::ExecSpace(), net, points, pinn::test::EnergyLoss{2}, JetOrder::gradient, g, ws));
}

/// Resident set size of this process in bytes (Linux), or -1.
long resident_bytes() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (!f) return -1;
  long pages_total = 0, pages_resident = 0;
  const int n = std::fscanf(f, "%ld %ld", &pages_total, &pages_resident);
  std::fclose(f);
  return n == 2 ? pages_resident * sysconf(_SC_PAGESIZE) : -1;
}

/// A training loop (gradient, Adam step, jets for monitoring) reuses its
/// buffers: the resident memory after 3000 more iterations stays within 1 MiB.
TEST(FusedKernelMemory, TrainingLoopDoesNotGrowTheResidentSet) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer keeps freed memory in quarantine: the resident set grows by design";
#endif
  FusedCase c{Activation::leaky_relu, 32, 2, 1, 1, JetOrder::gradient};
  pinn::Mlp net = make_net(c);
  const auto points = pinn::test::random_points(256, 1, 9, 0.0, 1.0);
  pinn::GradientWorkspace ws;
  pinn::Vector g("g", net.n_params());
  pinn::AdamOptions options;
  options.schedule.initial = 1e-3;
  pinn::Adam adam(net.n_params(), options);
  const auto iterate = [&](int n) {
    for (int it = 0; it < n; ++it) {
      pinn::loss_and_gradient(pinn::ExecSpace(), net, points, pinn::test::EnergyLoss{1}, JetOrder::gradient, g, ws);
      adam.step(pinn::ExecSpace(), net.params(), g);
      if (it % 50 == 0) pinn::evaluate_jets(pinn::ExecSpace(), net, points, JetOrder::value);
    }
  };
  iterate(500);  // warm-up: first allocations, thread pools
  const long before = resident_bytes();
  if (before < 0) GTEST_SKIP() << "needs /proc/self/statm";
  iterate(3000);
  const long after = resident_bytes();
  EXPECT_LE(after - before, 1L << 20) << "resident set grew from " << before << " to " << after << " bytes";
}

}  // namespace
