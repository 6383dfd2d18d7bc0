/// @file nn/mlp.cpp
/// @brief Layout, initialisation and constraints of the MLP.
#include "nn/mlp.hpp"

#include "nn/error.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <sstream>

namespace pinn {

std::string to_string(AlphaConstraint constraint) { return name_in(kAlphaConstraintNames, constraint); }
std::string to_string(AlphaMode mode) { return name_in(kAlphaModeNames, mode); }

double alpha_to_parameter(AlphaConstraint constraint, double alpha) {
  if (constraint != AlphaConstraint::unit_interval) return alpha;
  const double clamped = std::min(std::max(alpha, 1e-6), 1.0 - 1e-6);
  return std::log(clamped / (1.0 - clamped));
}

double he_gain(double alpha) { return std::sqrt(2.0 / (1.0 + alpha * alpha)); }

MlpLayout make_layout(const MlpConfig& config) {
  PINN_USER_REQUIRE(config.n_inputs >= 1 && config.n_inputs <= kMaxInputs,
                    "network inputs: found " << config.n_inputs << "; allowed 1.." << kMaxInputs);
  PINN_USER_REQUIRE(config.n_outputs >= 1 && config.n_outputs <= kMaxOutputs,
                    "network outputs: found " << config.n_outputs << "; allowed 1.." << kMaxOutputs);
  PINN_USER_REQUIRE(!config.hidden.empty() && static_cast<int>(config.hidden.size()) < kMaxLinearLayers,
                    "network.hidden: found " << config.hidden.size() << " hidden layers; allowed 1.."
                                             << kMaxLinearLayers - 1);
  MlpLayout layout;
  layout.n_layers = static_cast<int>(config.hidden.size()) + 1;
  layout.width[0] = config.n_inputs;
  for (std::size_t l = 0; l < config.hidden.size(); ++l) {
    PINN_USER_REQUIRE(config.hidden[l] >= 1 && config.hidden[l] <= 4096,
                      "network.hidden[" << l << "]: found width " << config.hidden[l] << "; allowed 1..4096");
    layout.width[l + 1] = config.hidden[l];
  }
  layout.width[layout.n_layers] = config.n_outputs;
  layout.activation = config.activation;
  layout.fixed_alpha = config.activation == Activation::relu ? 0.0 : config.alpha;
  PINN_USER_REQUIRE(std::isfinite(config.alpha), "network.alpha: found " << config.alpha << "; allowed a finite number");
  if (config.activation == Activation::prelu) {
    layout.alpha_constraint = config.alpha_constraint;
    PINN_USER_REQUIRE(config.alpha_constraint != AlphaConstraint::unit_interval ||
                          (config.alpha > 0.0 && config.alpha <= 1.0),
                      "network.alpha: found " << config.alpha
                                              << " with alpha_constraint = \"unit_interval\"; allowed 0 < alpha <= 1");
  }

  int offset = 0;
  for (int l = 0; l < layout.n_layers; ++l) {
    const int n_in = layout.width[l], n_out = layout.width[l + 1];
    layout.w_offset[l] = offset;
    offset += n_in * n_out;
    layout.b_offset[l] = offset;
    offset += n_out;
    layout.alpha_offset[l] = -1;
    layout.alpha_stride[l] = 0;
    const bool hidden = l + 1 < layout.n_layers;
    if (hidden && config.activation == Activation::prelu) {
      layout.alpha_offset[l] = offset;
      const bool channel = config.alpha_mode == AlphaMode::channel;
      layout.alpha_stride[l] = channel ? 1 : 0;
      offset += channel ? n_out : 1;
    }
    layout.max_width = std::max(layout.max_width, std::max(n_in, n_out));
  }
  layout.n_params = offset;
  return layout;
}

Mlp::Mlp(const MlpConfig& config)
    : config_(config), layout_(make_layout(config)), params_("pinn::nn::Mlp::params", layout_.n_params) {
  PINN_USER_REQUIRE(config.input_lower.size() == config.input_upper.size(),
                    "network input box: lower has " << config.input_lower.size() << " entries, upper "
                                                    << config.input_upper.size());
}

void Mlp::initialize(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  auto host = Kokkos::create_mirror_view(params_);

  for (int l = 0; l < layout_.n_layers; ++l) {
    const int n_in = layout_.width[l], n_out = layout_.width[l + 1];
    const bool output_layer = l + 1 == layout_.n_layers;
    const double stddev = initial_weight_stddev(l);
    for (int i = 0; i < n_in * n_out; ++i) host(layout_.w_offset[l] + i) = stddev * normal(rng);
    const bool place_kinks = l == 0 && !output_layer && static_cast<int>(config_.input_lower.size()) == n_in;
    for (int j = 0; j < n_out; ++j) {
      double bias = 0.0;
      if (place_kinks) {
        // b_j = -w_j . c_j for a random point c_j of the input box: the
        // neuron's kink (or steepest change, for smooth activations) passes
        // through c_j.
        for (int i = 0; i < n_in; ++i) {
          const double c = config_.input_lower[i] + (config_.input_upper[i] - config_.input_lower[i]) * uniform(rng);
          bias -= host(layout_.w_offset[l] + j * n_in + i) * c;
        }
      }
      host(layout_.b_offset[l] + j) = bias;
    }
    if (layout_.alpha_offset[l] >= 0) {
      const int n_alpha = layout_.alpha_stride[l] ? n_out : 1;
      const double stored = alpha_to_parameter(layout_.alpha_constraint, config_.alpha);
      for (int j = 0; j < n_alpha; ++j) host(layout_.alpha_offset[l] + j) = stored;
    }
  }
  Kokkos::deep_copy(params_, host);
}

double Mlp::initial_weight_stddev(int layer) const {
  const int n_in = layout_.width[layer], n_out = layout_.width[layer + 1];
  if (is_piecewise_linear(layout_.activation) && layer + 1 < layout_.n_layers) {
    const double alpha = layout_.activation == Activation::relu ? 0.0 : config_.alpha;
    return he_gain(alpha) / std::sqrt(static_cast<double>(n_in));
  }
  return std::sqrt(2.0 / static_cast<double>(n_in + n_out));
}

void Mlp::project_parameters(const ExecSpace& space) {
  if (layout_.alpha_constraint != AlphaConstraint::monotone) return;
  auto params = params_;
  for (int l = 0; l < layout_.n_layers; ++l) {
    if (layout_.alpha_offset[l] < 0) continue;
    const int begin = layout_.alpha_offset[l];
    const int count = layout_.alpha_stride[l] ? layout_.width[l + 1] : 1;
    Kokkos::parallel_for(
        "pinn::nn::Mlp::project_alpha", Kokkos::RangePolicy<ExecSpace>(space, begin, begin + count),
        KOKKOS_LAMBDA(const int i) { params(i) = params(i) < 0.0 ? 0.0 : params(i); });
  }
}

std::vector<double> Mlp::alphas(int hidden_layer) const {
  PINN_REQUIRE(hidden_layer >= 0 && hidden_layer + 1 < layout_.n_layers,
               "hidden layer " << hidden_layer << " out of range 0.." << layout_.n_layers - 2);
  if (!is_piecewise_linear(layout_.activation)) return {};
  if (layout_.alpha_offset[hidden_layer] < 0) return {layout_.fixed_alpha};
  const int count = layout_.alpha_stride[hidden_layer] ? layout_.width[hidden_layer + 1] : 1;
  const int begin = layout_.alpha_offset[hidden_layer];
  auto stored = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(),
                                                    Kokkos::subview(params_, Kokkos::make_pair(begin, begin + count)));
  std::vector<double> out(count);
  for (int j = 0; j < count; ++j) out[j] = layout_.alpha_from_parameter(stored(j));
  return out;
}

double add_alpha_l1_penalty(const ExecSpace& space, const Mlp& net, double weight, const Vector& gradient) {
  const MlpLayout layout = net.layout();
  PINN_REQUIRE(static_cast<int>(gradient.extent(0)) == net.n_params(),
               "gradient has " << gradient.extent(0) << " entries, the network " << net.n_params() << " parameters");
  // The value is summed on the host in parameter order (a handful of slopes),
  // so it is bitwise the same on every backend and thread count.
  double penalty = 0.0;
  for (int l = 0; l + 1 < layout.n_layers; ++l) {
    if (layout.alpha_offset[l] < 0) continue;
    for (const double alpha : net.alphas(l)) penalty += std::abs(alpha);
  }
  const ConstVector params = net.params();
  for (int l = 0; l + 1 < layout.n_layers; ++l) {
    if (layout.alpha_offset[l] < 0) continue;
    const int begin = layout.alpha_offset[l];
    const int count = layout.alpha_stride[l] ? layout.width[l + 1] : 1;
    Kokkos::parallel_for(
        "pinn::nn::Mlp::alpha_l1_penalty", Kokkos::RangePolicy<ExecSpace>(space, begin, begin + count),
        KOKKOS_LAMBDA(const int i) {
          const double alpha = layout.alpha_from_parameter(params(i));
          const double sign = alpha > 0.0 ? 1.0 : (alpha < 0.0 ? -1.0 : 0.0);
          gradient(i) += weight * sign * layout.dalpha_dparameter(params(i));
        });
  }
  return weight * penalty;
}

void Mlp::set_smoothing(double smoothing) {
  PINN_REQUIRE(std::isfinite(smoothing) && smoothing >= 0.0,
               "the smoothing width must be a finite number >= 0, got " << smoothing);
  layout_.smoothing = smoothing;
}

std::string Mlp::describe() const {
  std::ostringstream out;
  for (int l = 0; l <= layout_.n_layers; ++l) out << (l ? "-" : "") << layout_.width[l];
  out << " " << to_string(layout_.activation);
  if (layout_.activation == Activation::prelu)
    out << "(" << (config_.alpha_mode == AlphaMode::channel ? "channel" : "layer")
        << (layout_.alpha_constraint == AlphaConstraint::none ? "" : ", " + to_string(layout_.alpha_constraint))
        << ")";
  return out.str();
}

std::vector<double> parameters_of(const Mlp& net) {
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), net.params());
  return std::vector<double>(host.data(), host.data() + net.n_params());
}

void load_parameters(Mlp& net, const double* parameters) {
  auto host = Kokkos::create_mirror_view(net.params());
  std::copy(parameters, parameters + net.n_params(), host.data());
  Kokkos::deep_copy(net.params(), host);
}

}  // namespace pinn
