/// @file nn/neuron_insertion.cpp
/// @brief Widening a hidden layer without changing the network's function,
/// kink candidates through chosen points, and their greedy scores.
#include "nn/neuron_insertion.hpp"

#include "nn/detail/host/host_forward.hpp"
#include "nn/error.hpp"

#include <cmath>
#include <random>

namespace pinn {

namespace {


void require_hidden_layer(const MlpLayout& layout, int hidden_layer) {
  PINN_REQUIRE(hidden_layer >= 0 && hidden_layer + 1 < layout.n_layers,
               "hidden layer " << hidden_layer << " does not exist; the network has " << layout.n_layers - 1
                               << " hidden layers");
}

}  // namespace

Mlp add_hidden_neurons(const Mlp& net, int hidden_layer, const std::vector<NewNeuron>& neurons) {
  const MlpLayout& old = net.layout();
  require_hidden_layer(old, hidden_layer);
  const int n_in = old.width[hidden_layer];
  for (const NewNeuron& neuron : neurons)
    PINN_REQUIRE(static_cast<int>(neuron.weights.size()) == n_in,
                 "a new neuron of hidden layer " << hidden_layer << " needs " << n_in << " incoming weights, not "
                                                 << neuron.weights.size());
  MlpConfig config = net.config();
  config.hidden[static_cast<std::size_t>(hidden_layer)] += static_cast<int>(neurons.size());
  Mlp widened(config);
  widened.set_smoothing(old.smoothing);
  const MlpLayout& now = widened.layout();
  const ConstHostVector from = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), net.params());
  HostVector to("pinn::nn::add_hidden_neurons::params", now.n_params);  // zero: the new outgoing weights
  const double initial_alpha = alpha_to_parameter(now.alpha_constraint, config.alpha);
  for (int l = 0; l < old.n_layers; ++l) {
    const int rows = old.width[l + 1], cols = old.width[l], new_cols = now.width[l];
    for (int j = 0; j < rows; ++j) {
      for (int i = 0; i < cols; ++i) to(now.w_offset[l] + j * new_cols + i) = from(old.w_offset[l] + j * cols + i);
      to(now.b_offset[l] + j) = from(old.b_offset[l] + j);
    }
    if (l == hidden_layer) {
      for (std::size_t k = 0; k < neurons.size(); ++k) {
        const int j = rows + static_cast<int>(k);
        for (int i = 0; i < cols; ++i) to(now.w_offset[l] + j * new_cols + i) = neurons[k].weights[i];
        to(now.b_offset[l] + j) = neurons[k].bias;
      }
    }
    if (old.alpha_offset[l] >= 0) {
      const int n_alpha = now.alpha_stride[l] ? now.width[l + 1] : 1;
      const int n_old = old.alpha_stride[l] ? rows : 1;
      for (int j = 0; j < n_alpha; ++j)
        to(now.alpha_offset[l] + j) = j < n_old ? from(old.alpha_offset[l] + j) : initial_alpha;
    }
  }
  Kokkos::deep_copy(widened.params(), to);
  return widened;
}

std::vector<NewNeuron> kink_candidates(const Mlp& net, int hidden_layer, const Matrix& points,
                                       const std::vector<int>& targets, std::uint64_t seed) {
  const MlpLayout& layout = net.layout();
  require_hidden_layer(layout, hidden_layer);
  PINN_REQUIRE(static_cast<int>(points.extent(1)) == layout.n_inputs(),
               "points have " << points.extent(1) << " columns, the network " << layout.n_inputs() << " inputs");
  const int n_points = static_cast<int>(points.extent(0));
  const ConstHostVector params = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), net.params());
  const HostPoints x = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), points);
  const int n_in = layout.width[hidden_layer];
  const double stddev = net.initial_weight_stddev(hidden_layer);
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<NewNeuron> candidates;
  for (const int t : targets) {
    PINN_REQUIRE(t >= 0 && t < n_points, "target point " << t << " is not one of the " << n_points << " points");
    const std::vector<double> inputs = detail::host_hidden_forward(layout, params, &x(t, 0)).a[hidden_layer];
    NewNeuron neuron;
    neuron.weights.resize(n_in);
    for (int i = 0; i < n_in; ++i) {
      neuron.weights[i] = stddev * normal(rng);
      neuron.bias -= neuron.weights[i] * inputs[i];  // z(target) = 0
    }
    candidates.push_back(std::move(neuron));
  }
  return candidates;
}

std::vector<double> outgoing_gradient_norms(const Mlp& net, int hidden_layer, int first_new, const Vector& gradient) {
  const MlpLayout& layout = net.layout();
  require_hidden_layer(layout, hidden_layer);
  PINN_REQUIRE(static_cast<int>(gradient.extent(0)) == layout.n_params,
               "the gradient has " << gradient.extent(0) << " entries, the network " << layout.n_params << " parameters");
  const int width = layout.width[hidden_layer + 1];
  PINN_REQUIRE(first_new >= 0 && first_new <= width,
               "neuron " << first_new << " is not in hidden layer " << hidden_layer << " of width " << width);
  const HostVector g = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), gradient);
  const int next = hidden_layer + 1, n_next = layout.width[next + 1];
  std::vector<double> norms;
  for (int j = first_new; j < width; ++j) {
    double sum = 0.0;
    for (int k = 0; k < n_next; ++k) {
      const double d = g(layout.w_offset[next] + k * width + j);
      sum += d * d;
    }
    norms.push_back(std::sqrt(sum));
  }
  return norms;
}

}  // namespace pinn
