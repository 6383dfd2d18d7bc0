/// @file nn/mlp.hpp
/// @brief A multilayer perceptron whose parameters live in one flat View.
///
/// Parameter layout, layer by layer (l = 0 .. n_layers-1, linear layer l maps
/// width[l] -> width[l+1]): W_l row-major (width[l+1] x width[l]), then b_l
/// (width[l+1]), then, for hidden layers of a PReLU network, the stored slope
/// parameters of layer l (1 value layer-wise or width[l+1] values
/// channel-wise). The stored value is α itself, except for
/// AlphaConstraint::unit_interval, where it is a with α = sigmoid(a). The
/// output layer is linear.
#pragma once

#include "nn/enum_names.hpp"

#include "nn/activation.hpp"
#include "nn/kokkos_types.hpp"
#include "nn/math.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace pinn {

inline constexpr int kMaxLinearLayers = 10;  ///< hidden layers + output layer
inline constexpr int kMaxInputs = 4;         ///< x, y, z, t
inline constexpr int kMaxOutputs = 4;        ///< u and up to three flux components

enum class AlphaMode { layer, channel };
/// The names of AlphaMode in case files, messages and reports (nn/enum_names.hpp).
inline constexpr NameTable<AlphaMode, 2> kAlphaModeNames{
    {{AlphaMode::layer, "layer"}, {AlphaMode::channel, "channel"}}};

/// How a learnable PReLU slope is kept in range.
enum class AlphaConstraint {
  none,           ///< α free; the stored parameter is α
  monotone,       ///< α >= 0, by projection after each optimiser step; the stored parameter is α
  unit_interval,  ///< α ∈ (0, 1] (an invertible activation), by reparametrisation α = sigmoid(a); a is stored
};

/// The names of AlphaConstraint in case files, messages and reports (nn/enum_names.hpp).
inline constexpr NameTable<AlphaConstraint, 3> kAlphaConstraintNames{
    {{AlphaConstraint::none, "none"},
     {AlphaConstraint::monotone, "monotone"},
     {AlphaConstraint::unit_interval, "unit_interval"}}};
std::string to_string(AlphaConstraint constraint);
std::string to_string(AlphaMode mode);

/// What a user chooses about a network.
struct MlpConfig {
  int n_inputs = 1;
  std::vector<int> hidden = {32, 32};
  int n_outputs = 1;
  Activation activation = Activation::tanh;
  double alpha = 0.1;  ///< LeakyReLU slope, or the initial PReLU slope
  /// Weight of the ℓ1 penalty Σ|α| on learnable slopes (sparse slopes act as
  /// neuron gates); applied by the trainer through add_alpha_l1_penalty.
  double alpha_l1 = 0.0;
  AlphaMode alpha_mode = AlphaMode::layer;
  AlphaConstraint alpha_constraint = AlphaConstraint::none;
  /// Box the inputs live in: first-layer kinks (hyperplanes) are placed
  /// through random points of it, so a piecewise-linear network starts with
  /// its kinks spread over the domain rather than all through the origin.
  std::vector<double> input_lower, input_upper;
};

/// Plain-old-data description of the network, copied by value into kernels.
struct MlpLayout {
  int n_layers = 0;                     ///< number of linear layers
  int width[kMaxLinearLayers + 1] = {};  ///< width[0] inputs ... width[n_layers] outputs
  int w_offset[kMaxLinearLayers] = {};
  int b_offset[kMaxLinearLayers] = {};
  int alpha_offset[kMaxLinearLayers] = {};  ///< -1 where the slope is not learnable
  int alpha_stride[kMaxLinearLayers] = {};  ///< 0 layer-wise, 1 channel-wise
  int n_params = 0;
  int max_width = 0;
  Activation activation = Activation::tanh;
  double fixed_alpha = 0.0;  ///< slope of LeakyReLU
  AlphaConstraint alpha_constraint = AlphaConstraint::none;  ///< how stored slopes map to α
  /// Width ε of the softplus smoothing of piecewise-linear activations during
  /// training (activation.hpp); 0 = the exact activation.
  double smoothing = 0.0;

  KOKKOS_INLINE_FUNCTION int n_inputs() const { return width[0]; }
  KOKKOS_INLINE_FUNCTION int n_outputs() const { return width[n_layers]; }

  /// α from a stored slope parameter: sigmoid(a) for unit_interval, else the value itself.
  KOKKOS_INLINE_FUNCTION double alpha_from_parameter(double stored) const {
    if (alpha_constraint != AlphaConstraint::unit_interval) return stored;
    // Both branches evaluate exp of a non-positive number: no overflow.
    if (stored >= 0.0) return 1.0 / (1.0 + math::exp(-stored));
    const double e = math::exp(stored);
    return e / (1.0 + e);
  }
  /// dα/d(stored parameter): σ'(a) = σ(a)(1 − σ(a)) for unit_interval, else 1.
  KOKKOS_INLINE_FUNCTION double dalpha_dparameter(double stored) const {
    if (alpha_constraint != AlphaConstraint::unit_interval) return 1.0;
    // e^{−|a|}/(1 + e^{−|a|})² does not cancel for large |a| as σ(1 − σ) would.
    const double e = math::exp(stored >= 0.0 ? -stored : stored);
    return e / ((1.0 + e) * (1.0 + e));
  }
};

/// Stored slope parameter for a slope α: logit(α) for unit_interval (α is
/// clamped to [1e-6, 1 − 1e-6] first, so α = 1 is stored as logit(1 − 1e-6)),
/// else α.
double alpha_to_parameter(AlphaConstraint constraint, double alpha);

/// Standard-deviation gain of the He/Kaiming initialisation of a hidden layer
/// followed by a (P)LeakyReLU of slope α: g*(α) = sqrt(2 / (1 + α²)), which
/// keeps the forward variance q^l = g² q^{l−1} (1 + α²)/2 constant with depth
/// (README.md, "Piecewise-linear activations: slopes, initialisation, diagnostics").
/// Weights are drawn as N(0, (g*/sqrt(fan_in))²).
double he_gain(double alpha);

/// Builds the layout of a configuration; throws pinn::UserError for impossible ones.
MlpLayout make_layout(const MlpConfig& config);

class Mlp {
 public:
  explicit Mlp(const MlpConfig& config);

  const MlpConfig& config() const { return config_; }
  const MlpLayout& layout() const { return layout_; }
  int n_params() const { return layout_.n_params; }
  /// All parameters, flat (see the layout above): read-only through a const
  /// network, writable through a non-const one. Copies of a network share
  /// them (a View is a handle).
  ConstVector params() const { return params_; }
  Vector params() { return params_; }

  /// He/Kaiming initialisation with gain sqrt(2/(1+α²)) for (P)LeakyReLU/ReLU,
  /// Glorot for tanh/sin/softplus and for the output layer; biases of the
  /// first layer put its kinks through random points of the input box.
  /// Deterministic for a given seed on every backend.
  void initialize(std::uint64_t seed);

  /// Standard deviation of the initial weights of linear layer `layer`:
  /// He (g*(α)/√fan_in) for hidden layers of piecewise-linear networks,
  /// Glorot (√(2/(fan_in + fan_out))) otherwise.
  double initial_weight_stddev(int layer) const;

  /// Keeps learnable slopes in their allowed range (AlphaConstraint::monotone;
  /// unit_interval needs nothing, the reparametrisation keeps α in range).
  void project_parameters(const ExecSpace& space);

  /// Slopes α of hidden layer l (0-based) as the kernels use them, on the
  /// host: one per neuron for channel-wise PReLU, one for layer-wise PReLU,
  /// one (the fixed slope) for LeakyReLU/ReLU, none for smooth activations.
  std::vector<double> alphas(int hidden_layer) const;

  /// Sets the smoothing width ε of piecewise-linear activations (0 = exact);
  /// throws pinn::ApiError for a negative or non-finite ε. A copy of the
  /// network shares its parameters, so a copy with ε = 0 evaluates the exact
  /// network the smoothed one is training.
  void set_smoothing(double smoothing);

  /// Human-readable shape, e.g. "1-32-32-1 prelu(layer)".
  std::string describe() const;

 private:
  MlpConfig config_;
  MlpLayout layout_;
  Vector params_;
};

/// ℓ1 penalty on the PReLU slopes: returns weight · Σ|α| over every learnable
/// α of the network and adds its subgradient weight · sign(α) · dα/d(stored)
/// to `gradient` (size n_params; sign(0) = 0). Networks without learnable
/// slopes return 0 and leave `gradient` alone. Small sums of slopes act as
/// neuron gates (README.md, "Piecewise-linear activations: slopes, initialisation, diagnostics").
double add_alpha_l1_penalty(const ExecSpace& space, const Mlp& net, double weight, const Vector& gradient);

/// The parameters of `net` as a host vector (size n_params), and back from
/// `parameters` (n_params values): how host-side optimisers (Ceres, the
/// Gauss–Newton step, round selection) hand parameters to the network.
std::vector<double> parameters_of(const Mlp& net);
void load_parameters(Mlp& net, const double* parameters);

}  // namespace pinn
