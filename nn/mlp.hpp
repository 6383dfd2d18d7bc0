/// @file nn/mlp.hpp
/// @brief A multilayer perceptron whose parameters live in one flat View.
///
/// Parameter layout, layer by layer (l = 0 .. n_layers-1, linear layer l maps
/// width[l] -> width[l+1]): W_l row-major (width[l+1] x width[l]), then b_l
/// (width[l+1]), then, for hidden layers of a PReLU network, α_l (1 value
/// layer-wise or width[l+1] values channel-wise). The output layer is linear.
#pragma once

#include "nn/activation.hpp"
#include "nn/kokkos_types.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace pinn {

inline constexpr int kMaxLinearLayers = 10;  ///< hidden layers + output layer
inline constexpr int kMaxInputs = 4;         ///< x, y, z, t
inline constexpr int kMaxOutputs = 4;        ///< u and up to three flux components

enum class AlphaMode { layer, channel };

/// How a learnable PReLU slope is kept in range.
enum class AlphaConstraint {
  none,       ///< α free
  monotone,   ///< α >= 0, by projection after each optimiser step
};

/// What a user chooses about a network.
struct MlpConfig {
  int n_inputs = 1;
  std::vector<int> hidden = {32, 32};
  int n_outputs = 1;
  Activation activation = Activation::tanh;
  double alpha = 0.1;  ///< LeakyReLU slope, or the initial PReLU slope
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

  KOKKOS_INLINE_FUNCTION int n_inputs() const { return width[0]; }
  KOKKOS_INLINE_FUNCTION int n_outputs() const { return width[n_layers]; }
};

/// Builds the layout of a configuration; throws pinn::UserError for impossible ones.
MlpLayout make_layout(const MlpConfig& config);

class Mlp {
 public:
  explicit Mlp(const MlpConfig& config);

  const MlpConfig& config() const { return config_; }
  const MlpLayout& layout() const { return layout_; }
  int n_params() const { return layout_.n_params; }
  /// All parameters, flat (see the layout above).
  Vector params() const { return params_; }

  /// He/Kaiming initialisation with gain sqrt(2/(1+α²)) for (P)LeakyReLU/ReLU,
  /// Glorot for tanh/sin/softplus and for the output layer; biases of the
  /// first layer put its kinks through random points of the input box.
  /// Deterministic for a given seed on every backend.
  void initialize(std::uint64_t seed);

  /// Keeps learnable slopes in their allowed range (AlphaConstraint).
  void project_parameters(const ExecSpace& space);

  /// Human-readable shape, e.g. "1-32-32-1 prelu(layer)".
  std::string describe() const;

 private:
  MlpConfig config_;
  MlpLayout layout_;
  Vector params_;
};

}  // namespace pinn
