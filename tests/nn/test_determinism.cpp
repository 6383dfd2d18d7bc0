/// @file tests/nn/test_determinism.cpp
/// @brief loss_and_gradient is bitwise reproducible (between runs and across
/// thread counts) and invariant, to rounding, under splitting and permuting
/// the batch.
#include "nn/nn.hpp"
#include "tests/nn/nn_test_helpers.hpp"

#include "tests/child_checksum.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <numeric>
#include <random>
#include <unistd.h>

namespace {

using pinn::Activation;
using pinn::AlphaMode;
using pinn::JetOrder;
using pinn::test::to_host;

/// Energy + data-fit loss whose terms depend only on the point, not on its
/// index, so that splitting and permuting the batch must not change the sum.
struct PointwiseLoss {
  int n_inputs;
  KOKKOS_FUNCTION double operator()(int, const pinn::PointJet& jet, pinn::PointJet& seed) const {
    double loss = 0.3 * jet.value[0] * jet.value[0] - jet.value[0] + 0.05 * jet.lap[0] * jet.lap[0];
    seed.value[0] = 0.6 * jet.value[0] - 1.0;
    seed.lap[0] = 0.1 * jet.lap[0];
    for (int k = 0; k < n_inputs; ++k) {
      loss += 0.5 * jet.grad[0][k] * jet.grad[0][k];
      seed.grad[0][k] = jet.grad[0][k];
    }
    return loss;
  }
};

struct Result {
  double loss;
  std::vector<double> gradient;
};

Result evaluate(const pinn::Mlp& net, const pinn::Matrix& points, JetOrder order) {
  pinn::GradientWorkspace ws;
  pinn::Vector grad("grad", net.n_params());
  const double loss = pinn::loss_and_gradient(pinn::ExecSpace(), net, points,
                                              PointwiseLoss{net.layout().n_inputs()}, order, grad, ws);
  return {loss, to_host(grad)};
}

pinn::Matrix rows_of(const pinn::Matrix& points, const std::vector<int>& rows) {
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), points);
  pinn::Matrix out("rows", rows.size(), points.extent(1));
  auto h = Kokkos::create_mirror_view(out);
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (std::size_t k = 0; k < points.extent(1); ++k) h(i, k) = host(rows[i], k);
  Kokkos::deep_copy(out, h);
  return out;
}

struct NetCase {
  Activation activation;
  int n_inputs;
  JetOrder order;
};

class Determinism : public ::testing::TestWithParam<NetCase> {
 protected:
  pinn::Mlp make_net() const {
    pinn::MlpConfig config;
    config.n_inputs = GetParam().n_inputs;
    config.hidden = {24, 16};
    config.activation = GetParam().activation;
    config.alpha = 0.2;
    config.alpha_mode = AlphaMode::channel;
    pinn::Mlp net(config);
    net.initialize(123);
    return net;
  }
  static constexpr int n_points = 1001;  // 31 full chunks and a partial one
};

TEST_P(Determinism, RepeatedEvaluationIsBitwiseIdentical) {
  const pinn::Mlp net = make_net();
  const auto points = pinn::test::random_points(n_points, GetParam().n_inputs, 1);
  const Result a = evaluate(net, points, GetParam().order);
  pinn::GradientWorkspace ws;  // also a reused workspace, with stale contents
  pinn::Vector grad("grad", net.n_params());
  const PointwiseLoss loss{GetParam().n_inputs};
  for (int rep = 0; rep < 3; ++rep) {
    const double l = pinn::loss_and_gradient(pinn::ExecSpace(), net, points, loss, GetParam().order, grad, ws);
    EXPECT_EQ(std::memcmp(&l, &a.loss, sizeof(double)), 0);
    const auto g = to_host(grad);
    EXPECT_EQ(std::memcmp(g.data(), a.gradient.data(), g.size() * sizeof(double)), 0) << "repetition " << rep;
  }
}

/// max_p |x_p − y_p| / max_p |y_p|: the size of rounding differences relative
/// to the gradient (single components may cancel to near 0).
double relative_difference(const std::vector<double>& x, const std::vector<double>& y) {
  double diff = 0.0, scale = 0.0;
  for (std::size_t p = 0; p < x.size(); ++p) {
    diff = std::max(diff, std::abs(x[p] - y[p]));
    scale = std::max(scale, std::abs(y[p]));
  }
  return diff / scale;
}

TEST_P(Determinism, TwoHalvesSumToTheWholeBatch) {
  const pinn::Mlp net = make_net();
  const int d = GetParam().n_inputs;
  const auto points = pinn::test::random_points(n_points, d, 2);
  std::vector<int> first(437), second(n_points - 437);
  std::iota(first.begin(), first.end(), 0);
  std::iota(second.begin(), second.end(), 437);
  const Result whole = evaluate(net, points, GetParam().order);
  const Result a = evaluate(net, rows_of(points, first), GetParam().order);
  const Result b = evaluate(net, rows_of(points, second), GetParam().order);
  EXPECT_NEAR(a.loss + b.loss, whole.loss, 1e-13 * std::abs(whole.loss));
  std::vector<double> sum(whole.gradient.size());
  for (std::size_t p = 0; p < sum.size(); ++p) sum[p] = a.gradient[p] + b.gradient[p];
  EXPECT_LE(relative_difference(sum, whole.gradient), 1e-13);
}

TEST_P(Determinism, PermutedBatchGivesTheSameLossAndGradient) {
  const pinn::Mlp net = make_net();
  const auto points = pinn::test::random_points(n_points, GetParam().n_inputs, 3);
  std::vector<int> order(n_points);
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), std::mt19937(5));
  const Result whole = evaluate(net, points, GetParam().order);
  const Result permuted = evaluate(net, rows_of(points, order), GetParam().order);
  EXPECT_NEAR(permuted.loss, whole.loss, 1e-13 * std::abs(whole.loss));
  EXPECT_LE(relative_difference(permuted.gradient, whole.gradient), 1e-13);
}

std::string net_case_name(const ::testing::TestParamInfo<NetCase>& info) {
  return pinn::to_string(info.param.activation) + "_in" + std::to_string(info.param.n_inputs);
}

INSTANTIATE_TEST_SUITE_P(Nets, Determinism,
                         ::testing::Values(NetCase{Activation::tanh, 1, JetOrder::laplacian},
                                           NetCase{Activation::tanh, 2, JetOrder::laplacian},
                                           NetCase{Activation::prelu, 2, JetOrder::gradient},
                                           NetCase{Activation::prelu, 3, JetOrder::gradient}),
                         net_case_name);

/// FNV-1a of the bytes of the loss and gradient of a fixed problem.
std::uint64_t gradient_checksum() {
  pinn_test::Fnv1a hash;
  const auto mix = [&](const void* data, std::size_t n) { hash.mix(data, n); };
  for (const Activation act : {Activation::tanh, Activation::prelu}) {
    pinn::MlpConfig config;
    config.n_inputs = 2;
    config.hidden = {32, 32};
    config.activation = act;
    config.alpha_mode = AlphaMode::channel;
    pinn::Mlp net(config);
    net.initialize(2024);
    // The Laplacian jet runs the per-point kernels; PReLU's gradient jet
    // runs the batched matrix-product path (12 blocks of 256 points).
    for (const JetOrder order : {JetOrder::laplacian, JetOrder::gradient}) {
      if (act == Activation::tanh && order == JetOrder::gradient) continue;
      const Result r = evaluate(net, pinn::test::random_points(3000, 2, 77), order);
      mix(&r.loss, sizeof(double));
      mix(r.gradient.data(), r.gradient.size() * sizeof(double));
    }
  }
  return hash.value();
}

/// Prints the checksum; the test below runs this one in child processes.
TEST(ThreadCount, PrintGradientChecksum) { pinn_test::print_checksum("gradient checksum: ", gradient_checksum()); }

/// Runs this test binary at 1 and 2 threads: the chunked reduction must make
/// the checksums identical to each other and to this process's.
TEST(ThreadCount, GradientIsBitwiseTheSameAtOneAndTwoThreads) {
  pinn_test::expect_same_checksum_at_one_and_two_threads("ThreadCount.PrintGradientChecksum", "gradient checksum: ",
                                                         gradient_checksum(), true);
}

}  // namespace

namespace {

/// Rows of partial gradients with entries of mixed sizes, so that the order of
/// the additions shows in the last bits.
pinn::Matrix random_rows(int n_rows, int n_params) {
  pinn::Matrix rows("rows", n_rows, n_params);
  auto host = Kokkos::create_mirror_view(rows);
  std::mt19937_64 rng(17);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  for (int c = 0; c < n_rows; ++c)
    for (int p = 0; p < n_params; ++p) host(c, p) = u(rng) * std::pow(10.0, 8.0 * u(rng));
  Kokkos::deep_copy(rows, host);
  return rows;
}

}  // namespace

// The device's grouped sum of the chunk rows (sum_partial_gradients with
// group_rows > 1) adds each group in order, then the groups in order; the
// host's (group_rows 1) adds every row in order. Both on this build's space.
TEST(PartialRowSums, GroupsAddTheirRowsInOrderThenTheGroupsInOrder) {
  const int n_rows = 203, n_params = 5, first = 3, group = 64;
  const pinn::ExecSpace space;
  for (const int g : {1, group}) {
    const pinn::Matrix rows = random_rows(n_rows, n_params);
    // A copy (a mirror view of host memory would be the rows themselves, which the sum overwrites).
    const auto original = Kokkos::create_mirror(rows);
    Kokkos::deep_copy(original, rows);
    pinn::Vector sums("sums", n_params);
    pinn::detail::sum_partial_gradients(space, rows, n_rows, sums, first, g);
    const std::vector<double> got = to_host(sums);
    for (int p = 0; p < n_params; ++p) {
      double expected = 0.0, plain = 0.0;
      for (int begin = first; begin < n_rows; begin += g) {
        double group_sum = 0.0;
        for (int c = begin; c < std::min(begin + g, n_rows); ++c) group_sum += original(c, p);
        expected += group_sum;
      }
      for (int c = first; c < n_rows; ++c) plain += original(c, p);
      EXPECT_EQ(std::memcmp(&got[p], &expected, sizeof(double)), 0)
          << "group " << g << ", parameter " << p << ": " << got[p] << " vs " << expected;
      EXPECT_NEAR(got[p], plain, 1e-12 * std::abs(plain) + 1e-3) << "group " << g << ", parameter " << p;
    }
  }
}
