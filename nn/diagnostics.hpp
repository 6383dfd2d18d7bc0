/// @file nn/diagnostics.hpp
/// @brief What the hidden layers of a network do on a batch of points: sign
/// statistics of the pre-activations, dead neurons, the gradient signal through
/// the negative side, PReLU slopes and their gradients, a Lipschitz bound, and
/// in 1D the kinks (linear regions) of a piecewise-linear network
/// (README.md, "Piecewise-linear activations: slopes, initialisation, diagnostics").
///
/// Plain structs only; the solver logs them.
#pragma once

#include "nn/detail/jet_kernel.hpp"
#include "nn/error.hpp"
#include "nn/mlp.hpp"
#include "nn/mlp_evaluation.hpp"
#include "nn/point_jet.hpp"

#include <vector>

namespace pinn {

/// One hidden layer ℓ (pre-activation z = W_ℓ a + b_ℓ, output σ(z)) on a batch.
struct LayerDiagnostics {
  int layer = 0;  ///< hidden layer index, 0-based
  int width = 0;
  /// p̂₋: fraction of the (point, neuron) pairs with z < 0.
  double negative_fraction = 0.0;
  /// Neurons with z <= 0 at every point of the batch ("dead": for ReLU they
  /// pass no gradient to their weights at all).
  int n_dead = 0;
  std::vector<int> dead_neurons;  ///< their indices
  /// Mean over (point, neuron) pairs of |δ · z · 1{z<0}| with δ = ∂L/∂z (value
  /// component): the gradient signal the negative side passes on. For a loss of
  /// u only, δ = α ∂L/∂a there, so it vanishes for ReLU.
  double mean_abs_negative_delta_z = 0.0;
  /// Mean over (point, neuron) pairs of |∂L/∂a · z · 1{z<0}| (a = σ(z)): the
  /// size of the per-point terms of the PReLU slope gradient Σ_{z<0} ∂L/∂a · z.
  double mean_abs_negative_upstream_z = 0.0;
  /// Slopes as the kernels use them (after any reparametrisation). For
  /// ReLU/LeakyReLU the fixed slope; all 0 for smooth activations.
  double alpha_min = 0.0, alpha_mean = 0.0, alpha_max = 0.0;
  bool learnable_alpha = false;
  /// ∂L/∂α for each learnable slope of the layer (1 layer-wise, width
  /// channel-wise), with respect to α itself; empty if not learnable.
  std::vector<double> alpha_gradient;
  double weight_spectral_norm = 0.0;   ///< ‖W_ℓ‖₂
  double weight_gradient_norm = 0.0;   ///< ‖∂L/∂W_ℓ‖_F
};

/// The whole network on a batch.
struct NetworkDiagnostics {
  int n_points = 0;
  double loss = 0.0;                   ///< Σ_i loss_i on the batch
  double gradient_norm = 0.0;          ///< ‖∂L/∂θ‖₂ (stored parameters)
  std::vector<LayerDiagnostics> layers;  ///< hidden layers
  /// ‖W_ℓ‖₂ of every linear layer, the output layer included.
  std::vector<double> spectral_norms;
  /// Upper bound of the Lipschitz constant of x ↦ u(x) (see lipschitz_upper_bound).
  double lipschitz_bound = 0.0;
};

/// ‖W_ℓ‖₂ of every linear layer, on the host: the square root of the largest
/// eigenvalue of the smaller Gram matrix (W Wᵀ or Wᵀ W), by Eigen's
/// self-adjoint eigensolver, exact to rounding; O(m n min(m, n)) per layer.
std::vector<double> weight_spectral_norms(const Mlp& net);

/// K = Π_ℓ ‖W_ℓ‖₂ · Π_{hidden ℓ} max(1, max_j |α_ℓj|) ≥ sup_x ‖∂u/∂x‖₂ (the
/// spectral norm of the input Jacobian). Smooth activations here (tanh, sin,
/// softplus) have |σ'| ≤ 1, so their factor is 1.
double lipschitz_upper_bound(const Mlp& net);

/// Kinks of a 1D piecewise-linear network inside (a, b).
struct KinkCount {
  /// Points where some hidden neuron changes sign (its pre-activation crosses
  /// zero), sorted; a kink of u can only sit at one of them.
  std::vector<double> breakpoints;
  std::vector<int> breakpoints_per_layer;  ///< how many each hidden layer added
  /// Breakpoints where u' actually jumps (some output's slope differs on the
  /// two sides by more than 1e-9 · max|u'|): the kinks of u.
  std::vector<double> kinks;
  int n_kinks() const { return static_cast<int>(kinks.size()); }
  int n_linear_regions() const { return n_kinks() + 1; }  ///< pieces of u on (a, b)
};

/// Exact kink count of a 1D (one input) ReLU/LeakyReLU/PReLU network on (a, b).
///
/// Method (no grid, so no resolution limit from sampling): on an interval where
/// the activation pattern of layers < ℓ is fixed, every pre-activation of layer
/// ℓ is affine in x, so its zero is found in closed form from its value and
/// slope at the interval's midpoint. Starting from (a, b), each hidden layer
/// in turn adds the zeros of its neurons that fall strictly inside the current
/// intervals, which splits them further. The result is exact up to rounding:
/// breakpoints closer than 1e-12 (b − a) are merged, and a pre-activation with
/// slope 0 on an interval (constant there) adds none. u' is then compared on
/// the two sides of each breakpoint. Throws pinn::ApiError for more than one
/// input or a smooth activation.
KinkCount count_kinks_1d(const Mlp& net, double a, double b);

/// Signs of every hidden neuron's pre-activation z on a batch: how many points
/// see z < 0 and z > 0. The part of the diagnostics that needs no reverse pass
/// (one value-only forward per point), cheap enough for every history row;
/// the counts agree with compute_diagnostics' negative_fraction and dead
/// neurons.
struct ActivationSigns {
  int n_points = 0;
  std::vector<std::vector<int>> negative;  ///< [hidden layer][neuron]: points with z < 0
  std::vector<std::vector<int>> positive;  ///< [hidden layer][neuron]: points with z > 0
  /// p̂₋ of hidden layer l: the fraction of its (point, neuron) pairs with z < 0.
  double negative_fraction(int l) const;
  /// Neurons of hidden layer l with z ≤ 0 at every point (none for an empty batch).
  std::vector<int> dead_neurons(int l) const;
};
/// `evaluation`: as for evaluate_jets (the host-shaped batched paths' block
/// workspaces, kept by a caller that counts at every history row).
ActivationSigns compute_activation_signs(const ExecSpace& space, const Mlp& net, const Matrix& points,
                                         EvaluationWorkspaces* evaluation = nullptr);

namespace detail {

/// Statistics kept per hidden neuron and chunk.
enum NeuronStat { stat_negative = 0, stat_positive, stat_delta_z, stat_upstream_z, stat_alpha_gradient, n_neuron_stats };

/// Accumulates one point's reverse-pass quantities into a chunk's row.
struct DiagnosticsObserver {
  double* row;
  const int* neuron_offset;  ///< first global neuron index of each hidden layer
  KOKKOS_INLINE_FUNCTION void operator()(int l, int j, double z, double a_bar, double z_bar, double alpha_bar) const {
    double* s = row + (neuron_offset[l] + j) * n_neuron_stats;
    if (z < 0.0) {
      s[stat_negative] += 1.0;
      s[stat_delta_z] += (z_bar * z < 0.0 ? -z_bar * z : z_bar * z);
      s[stat_upstream_z] += (a_bar * z < 0.0 ? -a_bar * z : a_bar * z);
    } else if (z > 0.0) {
      s[stat_positive] += 1.0;
    }
    s[stat_alpha_gradient] += alpha_bar;
  }
};

template <class PointLoss>
struct DiagnosticsChunks {
  MlpJetKernel jet_kernel;
  Matrix points;
  PointLoss loss;
  Matrix workspace, partial_gradient, stats;
  Vector partial_loss;
  int n_points, n_params, n_hidden_neurons;
  int neuron_offset[kMaxLinearLayers];

  KOKKOS_INLINE_FUNCTION void operator()(const int chunk) const {
    double* ws = &workspace(chunk, 0);
    double* grad = &partial_gradient(chunk, 0);
    double* row = &stats(chunk, 0);
    for (int p = 0; p < n_params; ++p) grad[p] = 0.0;
    for (int s = 0; s < n_hidden_neurons * n_neuron_stats; ++s) row[s] = 0.0;
    const DiagnosticsObserver observer{row, neuron_offset};
    double sum = 0.0;
    const int end = (chunk + 1) * kPointsPerChunk < n_points ? (chunk + 1) * kPointsPerChunk : n_points;
    double x[kMaxInputs];
    for (int i = chunk * kPointsPerChunk; i < end; ++i) {
      for (int k = 0; k < jet_kernel.layout.width[0]; ++k) x[k] = points(i, k);
      PointJet jet, seed;
      jet.zero();
      jet_kernel.forward(x, ws, jet);
      seed.zero();
      sum += loss(i, jet, seed);
      // Every hidden neuron reaches the observer in the reverse pass, so the
      // sign counts come from there too (z is the stored pre-activation).
      jet_kernel.backward(x, ws, seed, grad, observer);
    }
    partial_loss(chunk) = sum;
  }
};

/// Host part: sums the chunk rows in chunk order and fills the structs.
NetworkDiagnostics assemble_diagnostics(const ExecSpace& space, const Mlp& net, int n_points, int n_chunks,
                                        const Matrix& stats, const GradientWorkspace& ws);

}  // namespace detail

/// Diagnostics of every hidden layer on `points` under a point loss (the same
/// interface as loss_and_gradient). Deterministic: per-chunk partial sums are
/// added in chunk order. Allocates; meant for occasional logging, not for
/// every iteration.
template <class PointLoss>
NetworkDiagnostics compute_diagnostics(const ExecSpace& space, const Mlp& net, const Matrix& points,
                                       const PointLoss& loss, JetOrder order, int n_laplacian_dims = -1) {
  PINN_REQUIRE(static_cast<int>(points.extent(1)) == net.layout().n_inputs(),
               "points have " << points.extent(1) << " columns, the network " << net.layout().n_inputs() << " inputs");
  const MlpLayout& layout = net.layout();
  const int n_points = static_cast<int>(points.extent(0));
  const int n_chunks = (n_points + kPointsPerChunk - 1) / kPointsPerChunk;
  detail::MlpJetKernel jet_kernel(layout, net.params(), order, n_laplacian_dims);
  GradientWorkspace ws;
  ws.reserve(n_chunks, jet_kernel.workspace_size(), net.n_params());
  detail::DiagnosticsChunks<PointLoss> kernel{jet_kernel, points, loss, ws.point_workspace, ws.partial_gradient,
                                              Matrix(), ws.partial_loss, n_points, net.n_params(), 0, {}};
  for (int l = 0; l + 1 < layout.n_layers; ++l) {
    kernel.neuron_offset[l] = kernel.n_hidden_neurons;
    kernel.n_hidden_neurons += layout.width[l + 1];
  }
  kernel.stats = Matrix(Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "pinn::nn::compute_diagnostics::stats"),
                        n_chunks, kernel.n_hidden_neurons * detail::n_neuron_stats);
  Kokkos::parallel_for("pinn::nn::compute_diagnostics::chunks", Kokkos::RangePolicy<ExecSpace>(space, 0, n_chunks),
                       kernel);
  return detail::assemble_diagnostics(space, net, n_points, n_chunks, kernel.stats, ws);
}

}  // namespace pinn
