/// @file tests/mpi/mpi_tests.cpp
/// @brief The network's point sums over several MPI ranks (run by ctest under
/// mpirun with 2 and 3 ranks, label "mpi"): every path of loss_and_gradient,
/// evaluate_jets, residual_jacobian and the natural gradient's Gram matrix gives on each rank
/// bitwise what one process gives, and the communicator's own operations agree
/// on every rank.
#include "../nn/nn_test_helpers.hpp"
#include "nn/blas.hpp"
#include "nn/communicator.hpp"
#include "nn/gauss_newton_step.hpp"
#include "nn/parameter_jacobian.hpp"
#include "solver/run_observers.hpp"

#include <gtest/gtest.h>
#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace {

using pinn::test::MixedJetLoss;
using pinn::test::random_points;
using pinn::test::to_host;

pinn::Mlp network(pinn::Activation activation, std::vector<int> hidden, int inputs, std::uint64_t seed) {
  pinn::MlpConfig config;
  config.n_inputs = inputs;
  config.hidden = std::move(hidden);
  config.activation = activation;
  config.alpha = 0.2;
  pinn::Mlp net(config);
  net.initialize(seed);
  return net;
}

bool bitwise_equal(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), sizeof(double) * a.size()) == 0;
}

struct PathCase {
  std::string name;
  pinn::Activation activation;
  std::vector<int> hidden;
  int inputs, points;
  pinn::JetOrder order;
  pinn::KernelPath path;
};

class SharedPoints : public ::testing::TestWithParam<PathCase> {};

TEST(Communicator, TheWorldHasSeveralRanksUnderMpirun) {
  const pinn::Communicator world = pinn::Communicator::world();
  EXPECT_EQ(world.size(), pinn::MpiSession::launched_processes());
  EXPECT_GT(world.size(), 1) << "run this program under mpirun with at least two ranks";
}

TEST(Communicator, SplitCoversEveryItemOnceInOrder) {
  const pinn::Communicator world = pinn::Communicator::world();
  for (int n : {0, 1, 2, 5, 7, 1000}) {
    const std::vector<int> offsets = world.split(n);
    ASSERT_EQ(static_cast<int>(offsets.size()), world.size() + 1);
    EXPECT_EQ(offsets.front(), 0);
    EXPECT_EQ(offsets.back(), n);
    for (int r = 0; r < world.size(); ++r) {
      EXPECT_LE(offsets[r], offsets[r + 1]);
      EXPECT_LE(offsets[r + 1] - offsets[r], n / world.size() + 1);  // as even as possible
    }
  }
}

TEST(Communicator, GatherAgreeAndRootValue) {
  const pinn::Communicator world = pinn::Communicator::world();
  const int n = 11, length = 3;
  const std::vector<int> offsets = world.split(n);
  std::vector<double> items(n * length, -1.0);
  for (int i = offsets[world.rank()]; i < offsets[world.rank() + 1]; ++i)
    for (int k = 0; k < length; ++k) items[i * length + k] = 10.0 * i + k;
  world.allgather_items(items.data(), offsets, length);
  for (int i = 0; i < n; ++i)
    for (int k = 0; k < length; ++k) EXPECT_EQ(items[i * length + k], 10.0 * i + k);
  EXPECT_TRUE(world.any(world.rank() == world.size() - 1));
  EXPECT_FALSE(world.any(false));
  EXPECT_EQ(world.from_root(100.0 + world.rank()), 100.0);
}

TEST_P(SharedPoints, LossAndGradientAreBitwiseOneProcess) {
  const PathCase& c = GetParam();
  const pinn::Mlp net = network(c.activation, c.hidden, c.inputs, 7);
  const pinn::Matrix points = random_points(c.points, c.inputs, 3);
  const MixedJetLoss loss{1, c.inputs};
  const pinn::ExecSpace space;
  pinn::Vector alone("alone", net.n_params()), shared("shared", net.n_params());
  pinn::GradientWorkspace ws_alone, ws_shared;
  ws_shared.communicator = pinn::Communicator::world();
  const double loss_alone = pinn::loss_and_gradient(space, net, points, loss, c.order, alone, ws_alone, -1, c.path);
  for (int repeat = 0; repeat < 2; ++repeat) {  // the second call on the kept workspace
    const double loss_shared =
        pinn::loss_and_gradient(space, net, points, loss, c.order, shared, ws_shared, -1, c.path);
    EXPECT_EQ(std::memcmp(&loss_alone, &loss_shared, sizeof(double)), 0) << loss_alone << " vs " << loss_shared;
    EXPECT_TRUE(bitwise_equal(to_host(alone), to_host(shared)));
  }
}

TEST_P(SharedPoints, JetsAreBitwiseOneProcess) {
  const PathCase& c = GetParam();
  const pinn::Mlp net = network(c.activation, c.hidden, c.inputs, 13);
  const pinn::Matrix points = random_points(c.points, c.inputs, 6);
  const pinn::ExecSpace space;
  const auto alone = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(),
                                                         pinn::evaluate_jets(space, net, points, c.order, -1, c.path));
  const auto shared = Kokkos::create_mirror_view_and_copy(
      Kokkos::HostSpace(), pinn::evaluate_jets(space, net, points, c.order, -1, c.path, pinn::Communicator::world()));
  ASSERT_EQ(alone.extent(0), shared.extent(0));
  EXPECT_EQ(std::memcmp(alone.data(), shared.data(), sizeof(pinn::PointJet) * alone.extent(0)), 0);
}

TEST_P(SharedPoints, ReducedSumsAgreeOnEveryRankAndWithOneProcessToRounding) {
  const PathCase& c = GetParam();
  const pinn::Mlp net = network(c.activation, c.hidden, c.inputs, 9);
  const pinn::Matrix points = random_points(c.points, c.inputs, 4);
  const MixedJetLoss loss{1, c.inputs};
  const pinn::ExecSpace space;
  pinn::Vector alone("alone", net.n_params()), reduced("reduced", net.n_params());
  pinn::GradientWorkspace ws_alone, ws_reduced;
  const pinn::Communicator world = pinn::Communicator::world();
  ws_reduced.communicator = world.with_sums(pinn::RankSums::reduced);
  const double loss_alone = pinn::loss_and_gradient(space, net, points, loss, c.order, alone, ws_alone, -1, c.path);
  const double loss_reduced =
      pinn::loss_and_gradient(space, net, points, loss, c.order, reduced, ws_reduced, -1, c.path);
  EXPECT_NEAR(loss_reduced, loss_alone, 1e-12 * std::abs(loss_alone));
  const std::vector<double> a = to_host(alone), r = to_host(reduced);
  double largest = 0.0;
  for (double v : a) largest = std::max(largest, std::abs(v));
  bool same_as_root = world.from_root(loss_reduced) == loss_reduced;
  for (std::size_t p = 0; p < a.size(); ++p) {
    EXPECT_NEAR(r[p], a[p], 1e-12 * largest) << "parameter " << p;
    same_as_root = same_as_root && world.from_root(r[p]) == r[p];
  }
  EXPECT_FALSE(world.any(!same_as_root)) << "the ranks' reduced sums differ";
}

/// Two residuals per point, from the value and the first derivative (at
/// namespace scope: nvcc cannot launch kernels on a function's local types).
struct TwoResiduals {
  KOKKOS_FUNCTION void operator()(int i, const pinn::PointJet& jet, double* r, pinn::PointJet* seeds) const {
    r[0] = (1.0 + 0.01 * i) * jet.value[0];
    seeds[0].value[0] = 1.0 + 0.01 * i;
    r[1] = jet.grad[0][0] - 0.5;
    seeds[1].grad[0][0] = 1.0;
  }
};

TEST_P(SharedPoints, ResidualsAndJacobianAreBitwiseOneProcess) {
  const PathCase& c = GetParam();
  if (c.path != pinn::KernelPath::automatic) GTEST_SKIP() << "residual_jacobian has one path";
  const pinn::Mlp net = network(c.activation, c.hidden, c.inputs, 11);
  const pinn::Matrix points = random_points(c.points, c.inputs, 5);
  const int rows = c.points * 2;
  pinn::Vector r_alone("r_alone", rows), r_shared("r_shared", rows);
  pinn::Matrix j_alone("j_alone", rows, net.n_params()), j_shared("j_shared", rows, net.n_params());
  pinn::GradientWorkspace ws_alone, ws_shared;
  ws_shared.communicator = pinn::Communicator::world();
  const pinn::ExecSpace space;
  pinn::residual_jacobian(space, net, points, TwoResiduals{}, pinn::JetOrder::gradient, 2, r_alone, j_alone, ws_alone);
  pinn::residual_jacobian(space, net, points, TwoResiduals{}, pinn::JetOrder::gradient, 2, r_shared, j_shared, ws_shared);
  EXPECT_TRUE(bitwise_equal(to_host(r_alone), to_host(r_shared)));
  const auto ja = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), j_alone);
  const auto js = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), j_shared);
  EXPECT_EQ(std::memcmp(ja.data(), js.data(), sizeof(double) * ja.size()), 0);
}

TEST(SharedGram, GaussNewtonStepsAreBitwiseOneProcess) {
  // Parameter space (the Gram matrix's products in 4 row blocks, so 4 lanes)
  // and residual space (2 blocks: on 3 ranks one rank computes no lane).
  for (const auto& [rows, params] : {std::pair<int, int>{3 * pinn::blas::kSyrkRows + 100, 200},
                                     std::pair<int, int>{300, pinn::blas::kSyrkRows + 200}}) {
    std::mt19937_64 random(3);
    std::normal_distribution<double> normal;
    std::vector<double> jacobian(static_cast<std::size_t>(rows) * params), residuals(rows);
    for (double& v : jacobian) v = normal(random);
    for (double& v : residuals) v = normal(random);
    pinn::GaussNewtonStep alone, shared(pinn::Communicator::world());
    alone.set_jacobian(jacobian.data(), residuals.data(), rows, params);
    shared.set_jacobian(jacobian.data(), residuals.data(), rows, params);
    std::vector<double> step_alone, step_shared;
    ASSERT_TRUE(alone.solve(1e-3, step_alone));
    ASSERT_TRUE(shared.solve(1e-3, step_shared));
    EXPECT_TRUE(bitwise_equal(step_alone, step_shared)) << rows << " x " << params;
    EXPECT_TRUE(bitwise_equal(alone.gradient(), shared.gradient()));
  }
}

TEST(RankAgreement, RanksWhoseNetworksDifferEndTheRunWithAMessage) {
  const pinn::Communicator world = pinn::Communicator::world();
  pinn::RankAgreement agreement(world);
  pinn::TrainingState state;
  state.net = std::make_unique<pinn::Mlp>(network(pinn::Activation::tanh, {8}, 1, 3));
  EXPECT_NO_THROW(agreement.on_resumable(state, pinn::StagePosition{0, 10, 0}));
  // One rank's network moved by one rounding: every rank stops.
  if (world.rank() == world.size() - 1) {
    std::vector<double> params = to_host(state.net->params());
    params[2] = std::nextafter(params[2], 1.0);
    pinn::test::from_host(params, state.net->params());
  }
  try {
    agreement.on_resumable(state, pinn::StagePosition{1, 20, 0});
    ADD_FAILURE() << "no error on rank " << world.rank();
  } catch (const pinn::RunError& e) {
    EXPECT_NE(std::string(e.what()).find("the ranks' networks differ at stage 1, iteration 20"), std::string::npos)
        << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(
    EveryPath, SharedPoints,
    ::testing::Values(
        // per-point kernels: the fused one (width 16) and the general one (mixed widths), 32-point chunks
        PathCase{"fused_tanh_2d",
                 pinn::Activation::tanh,
                 {16, 16},
                 2,
                 301,
                 pinn::JetOrder::laplacian,
                 pinn::KernelPath::automatic},
        PathCase{"general_tanh_1d",
                 pinn::Activation::tanh,
                 {12, 7},
                 1,
                 95,
                 pinn::JetOrder::laplacian,
                 pinn::KernelPath::general},
        // the batched piecewise-linear path (blocks of 128 points) and the batched jet path
        PathCase{"batched_prelu_2d",
                 pinn::Activation::prelu,
                 {24, 24},
                 2,
                 700,
                 pinn::JetOrder::gradient,
                 pinn::KernelPath::automatic},
        PathCase{"batched_jets_tanh_2d",
                 pinn::Activation::tanh,
                 {32, 32},
                 2,
                 530,
                 pinn::JetOrder::laplacian,
                 pinn::KernelPath::batched_jets},
        // the device shape of the piecewise-linear path: three blocks of up to kDeviceBlockPoints
        PathCase{"batched_device_leaky_2d",
                 pinn::Activation::leaky_relu,
                 {16, 16},
                 2,
                 2 * pinn::kDeviceBlockPoints + 300,
                 pinn::JetOrder::gradient,
                 pinn::KernelPath::batched_device},
        PathCase{"batched_jets_device_tanh_2d",
                 pinn::Activation::tanh,
                 {16, 16},
                 2,
                 2 * pinn::kDeviceJetBlockPoints + 100,
                 pinn::JetOrder::laplacian,
                 pinn::KernelPath::batched_jets_device}),
    [](const ::testing::TestParamInfo<PathCase>& param) { return param.param.name; });

}  // namespace

int main(int argc, char** argv) {
  const pinn::MpiSession mpi(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  int code = 0;
  {
    Kokkos::ScopeGuard kokkos(argc, argv);
    code = RUN_ALL_TESTS();
  }
  // Every rank's verdict: a test that failed on any rank fails the program.
  return pinn::Communicator::world().any(code != 0) ? 1 : 0;
}
