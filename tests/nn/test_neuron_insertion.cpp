/// @file tests/nn/test_neuron_insertion.cpp
/// @brief Neuron insertion (nn/neuron_insertion.hpp): widening a hidden layer
/// keeps the network's function and every old parameter, candidates' kinks
/// pass through their target points, and the greedy score is the gradient
/// norm over the new neurons' outgoing weights (checked by finite differences).
#include "nn/detail/host/host_forward.hpp"
#include "nn/nn.hpp"
#include "tests/nn/nn_test_helpers.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace {

using pinn::Activation;
using pinn::JetOrder;
using pinn::test::to_host;

pinn::Mlp make_net(Activation activation, pinn::AlphaMode mode = pinn::AlphaMode::layer, int n_inputs = 2) {
  pinn::MlpConfig config;
  config.n_inputs = n_inputs;
  config.hidden = {6, 5};
  config.activation = activation;
  config.alpha = 0.2;
  config.alpha_mode = mode;
  pinn::Mlp net(config);
  net.initialize(11);
  return net;
}

std::vector<pinn::NewNeuron> some_neurons(int n_in, int count) {
  std::vector<pinn::NewNeuron> neurons(count);
  for (int k = 0; k < count; ++k) {
    for (int i = 0; i < n_in; ++i) neurons[k].weights.push_back(0.3 * (k + 1) - 0.2 * i);
    neurons[k].bias = 0.1 * k - 0.05;
  }
  return neurons;
}

void expect_same_function(const pinn::Mlp& a, const pinn::Mlp& b, const pinn::Matrix& points) {
  const auto ja = pinn::test::jets_of(a, points, JetOrder::gradient);
  const auto jb = pinn::test::jets_of(b, points, JetOrder::gradient);
  ASSERT_EQ(ja.size(), jb.size());
  for (std::size_t i = 0; i < ja.size(); ++i) {
    EXPECT_NEAR(ja[i].value[0], jb[i].value[0], 1e-13) << "point " << i;
    for (int k = 0; k < a.layout().n_inputs(); ++k) EXPECT_NEAR(ja[i].grad[0][k], jb[i].grad[0][k], 1e-13);
  }
}

TEST(NeuronInsertion, WideningKeepsTheFunctionAndTheOldParameters) {
  const pinn::Matrix points = pinn::test::random_points(40, 2, 3);
  for (const Activation activation : {Activation::leaky_relu, Activation::prelu, Activation::relu, Activation::tanh})
    for (const pinn::AlphaMode mode : {pinn::AlphaMode::layer, pinn::AlphaMode::channel})
      for (int layer : {0, 1}) {
        const pinn::Mlp net = make_net(activation, mode);
        const int n_in = net.layout().width[layer];
        const pinn::Mlp wide = pinn::add_hidden_neurons(net, layer, some_neurons(n_in, 3));
        SCOPED_TRACE(wide.describe() + ", layer " + std::to_string(layer));
        EXPECT_EQ(wide.layout().width[layer + 1], net.layout().width[layer + 1] + 3);
        expect_same_function(net, wide, points);
        // Every old parameter is where the new layout puts it; the new ones are as given.
        const auto p = to_host(net.params()), q = to_host(wide.params());
        const pinn::MlpLayout &A = net.layout(), &B = wide.layout();
        for (int l = 0; l < A.n_layers; ++l)
          for (int j = 0; j < A.width[l + 1]; ++j) {
            for (int i = 0; i < A.width[l]; ++i)
              EXPECT_EQ(q[B.w_offset[l] + j * B.width[l] + i], p[A.w_offset[l] + j * A.width[l] + i]);
            EXPECT_EQ(q[B.b_offset[l] + j], p[A.b_offset[l] + j]);
          }
        const int old_width = A.width[layer + 1];
        for (int k = 0; k < 3; ++k) {
          EXPECT_EQ(q[B.b_offset[layer] + old_width + k], 0.1 * k - 0.05);
          for (int i = 0; i < n_in; ++i)
            EXPECT_EQ(q[B.w_offset[layer] + (old_width + k) * n_in + i], 0.3 * (k + 1) - 0.2 * i);
          for (int o = 0; o < B.width[layer + 2]; ++o)
            EXPECT_EQ(q[B.w_offset[layer + 1] + o * B.width[layer + 1] + old_width + k], 0.0) << "outgoing weight";
        }
        if (activation == Activation::prelu) {
          for (int l = 0; l + 1 < A.n_layers; ++l) EXPECT_EQ(net.alphas(l)[0], wide.alphas(l)[0]);
          if (mode == pinn::AlphaMode::channel) {
            EXPECT_EQ(wide.alphas(layer).back(), 0.2) << "the initial slope";
          }
        }
      }
}

TEST(NeuronInsertion, WideningKeepsTheSmoothingWidth) {
  pinn::Mlp net = make_net(Activation::leaky_relu);
  net.set_smoothing(0.07);
  const pinn::Mlp wide = pinn::add_hidden_neurons(net, 1, some_neurons(6, 2));
  EXPECT_EQ(wide.layout().smoothing, 0.07);
  expect_same_function(net, wide, pinn::test::random_points(20, 2, 4));
}

TEST(NeuronInsertion, CandidateKinksPassThroughTheirTargets) {
  const pinn::Matrix points = pinn::test::random_points(30, 2, 5);
  const std::vector<int> targets = {4, 17, 29, 0};
  for (int layer : {0, 1}) {
    const pinn::Mlp net = make_net(Activation::leaky_relu);
    const auto candidates = pinn::kink_candidates(net, layer, points, targets, 99);
    ASSERT_EQ(candidates.size(), targets.size());
    const pinn::Mlp wide = pinn::add_hidden_neurons(net, layer, candidates);
    const auto params = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), wide.params());
    const auto x = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), points);
    const int old_width = net.layout().width[layer + 1];
    for (std::size_t k = 0; k < targets.size(); ++k) {
      const auto z = pinn::detail::host_hidden_forward(wide.layout(), params, &x(targets[k], 0)).z;
      EXPECT_NEAR(z[layer][old_width + k], 0.0, 1e-14) << "layer " << layer << ", candidate " << k;
      // Not a degenerate neuron: its pre-activation changes across the points.
      const auto z_other = pinn::detail::host_hidden_forward(wide.layout(), params, &x(targets[k] == 0 ? 1 : 0, 0)).z;
      EXPECT_GT(std::abs(z_other[layer][old_width + k]), 1e-6);
    }
    // Reproducible from the seed; another seed draws other directions.
    const auto again = pinn::kink_candidates(net, layer, points, targets, 99);
    const auto other = pinn::kink_candidates(net, layer, points, targets, 100);
    EXPECT_EQ(again[1].weights, candidates[1].weights);
    EXPECT_NE(other[1].weights, candidates[1].weights);
  }
}

TEST(NeuronInsertion, ScoresAreTheLossSlopeAlongTheOutgoingWeights) {
  // For a neuron with zero outgoing weights the score ‖∂L/∂v‖ is the
  // directional derivative of the loss along ∂L/∂v / ‖∂L/∂v‖.
  const pinn::Matrix points = pinn::test::random_points(64, 2, 6);
  pinn::Mlp net = make_net(Activation::leaky_relu);
  const auto candidates = pinn::kink_candidates(net, 1, points, {3, 9, 40}, 7);
  pinn::Mlp wide = pinn::add_hidden_neurons(net, 1, candidates);
  const pinn::test::EnergyLoss loss{2};
  pinn::GradientWorkspace ws;
  pinn::Vector gradient("gradient", wide.n_params());
  auto value = [&] { return pinn::loss_and_gradient(pinn::ExecSpace(), wide, points, loss, JetOrder::gradient, gradient, ws); };
  value();
  const auto g = to_host(gradient);
  const std::vector<double> scores = pinn::outgoing_gradient_norms(wide, 1, 5, gradient);
  ASSERT_EQ(scores.size(), 3u);
  const pinn::MlpLayout& L = wide.layout();
  for (int k = 0; k < 3; ++k) {
    const int p = L.w_offset[2] + 5 + k;  // the output layer's weight from new neuron 5 + k
    EXPECT_NEAR(scores[k], std::abs(g[p]), 1e-15);
    const double fd = pinn::test::fd_parameter_derivative(wide, p, 1e-6, value);
    EXPECT_NEAR(std::abs(fd), scores[k], 1e-6 * std::max(1.0, scores[k]));
    EXPECT_GT(scores[k], 0.0);
  }
  // The first hidden layer's new neurons feed 5 neurons: the norm runs over those 5 weights.
  const pinn::Mlp wide0 = pinn::add_hidden_neurons(net, 0, pinn::kink_candidates(net, 0, points, {3}, 7));
  pinn::Vector index("index", wide0.n_params());
  std::vector<double> ramp(wide0.n_params());
  for (int p = 0; p < wide0.n_params(); ++p) ramp[p] = p;
  pinn::test::from_host(ramp, index);
  const pinn::MlpLayout& M = wide0.layout();
  double sum = 0.0;
  for (int o = 0; o < 5; ++o) sum += std::pow(static_cast<double>(M.w_offset[1] + o * 7 + 6), 2);
  EXPECT_DOUBLE_EQ(pinn::outgoing_gradient_norms(wide0, 0, 6, index).at(0), std::sqrt(sum));
}

TEST(NeuronInsertion, RefusesImpossibleRequests) {
  const pinn::Mlp net = make_net(Activation::leaky_relu);
  const pinn::Matrix points = pinn::test::random_points(5, 2, 1);
  EXPECT_THROW(pinn::add_hidden_neurons(net, 2, some_neurons(5, 1)), pinn::ApiError) << "the output layer is not hidden";
  EXPECT_THROW(pinn::add_hidden_neurons(net, -1, some_neurons(2, 1)), pinn::ApiError);
  EXPECT_THROW(pinn::add_hidden_neurons(net, 1, some_neurons(2, 1)), pinn::ApiError) << "layer 1 takes 6 inputs";
  EXPECT_THROW(pinn::kink_candidates(net, 0, points, {5}, 1), pinn::ApiError) << "no point 5";
  pinn::Vector short_gradient("g", 3);
  EXPECT_THROW(pinn::outgoing_gradient_norms(net, 0, 0, short_gradient), pinn::ApiError);
}

}  // namespace
