/// @file nn/mlp_evaluation.hpp
/// @brief Batched evaluation of network jets and of the parameter gradient of a
/// loss that is a sum of pointwise terms built from the jets.
///
/// A point loss is any copyable struct with
///   KOKKOS_FUNCTION double operator()(int i, const PointJet& jet, PointJet& seed) const;
/// returning point i's contribution to the loss and writing ∂contribution/∂jet
/// into `seed` (seed arrives zeroed). The network knows nothing about what the
/// loss means; physics/ supplies these structs.
///
/// Points are processed in fixed chunks, each chunk summing into its own row
/// of partial gradients, and the rows are added in chunk order: the result is
/// bitwise the same for any number of threads and on Serial and OpenMP.
#pragma once

#include "nn/detail/jet_kernel.hpp"
#include "nn/error.hpp"
#include "nn/mlp.hpp"
#include "nn/point_jet.hpp"

namespace pinn {

inline constexpr int kPointsPerChunk = 32;

/// Jets of every point. n_laplacian_dims < 0 means all inputs.
PointJetView evaluate_jets(const ExecSpace& space, const Mlp& net, const Matrix& points, JetOrder order,
                           int n_laplacian_dims = -1);

/// Scratch kept between calls so the training loop does not allocate.
class GradientWorkspace {
 public:
  /// Makes sure the buffers fit; reallocates only when a size grows.
  void reserve(int n_chunks, int workspace_size, int n_params);

  Matrix point_workspace;  ///< (n_chunks, workspace_size)
  Matrix partial_gradient; ///< (n_chunks, n_params)
  Vector partial_loss;     ///< (n_chunks)
};

namespace detail {

template <class PointLoss>
struct LossGradientChunks {
  MlpJetKernel jet_kernel;
  Matrix points;
  PointLoss loss;
  Matrix workspace, partial_gradient;
  Vector partial_loss;
  int n_points, n_params;

  KOKKOS_INLINE_FUNCTION void operator()(const int chunk) const {
    double* ws = &workspace(chunk, 0);
    double* grad = &partial_gradient(chunk, 0);
    for (int p = 0; p < n_params; ++p) grad[p] = 0.0;
    double sum = 0.0;
    const int end = (chunk + 1) * kPointsPerChunk < n_points ? (chunk + 1) * kPointsPerChunk : n_points;
    double x[kMaxInputs];
    for (int i = chunk * kPointsPerChunk; i < end; ++i) {
      for (int k = 0; k < jet_kernel.layout.width[0]; ++k) x[k] = points(i, k);
      PointJet jet, seed;
      jet_kernel.forward(x, ws, jet);
      seed.zero();
      sum += loss(i, jet, seed);
      jet_kernel.backward(x, ws, seed, grad);
    }
    partial_loss(chunk) = sum;
  }
};

/// Adds the chunk rows in order (deterministic).
void sum_partial_gradients(const ExecSpace& space, const GradientWorkspace& ws, int n_chunks, const Vector& gradient);
double sum_partial_losses(const ExecSpace& space, const GradientWorkspace& ws, int n_chunks);

}  // namespace detail

/// Returns Σ_i loss_i and writes its parameter gradient into `gradient`
/// (overwritten, size n_params).
template <class PointLoss>
double loss_and_gradient(const ExecSpace& space, const Mlp& net, const Matrix& points, const PointLoss& loss,
                         JetOrder order, const Vector& gradient, GradientWorkspace& ws, int n_laplacian_dims = -1) {
  PINN_REQUIRE(static_cast<int>(points.extent(1)) == net.layout().n_inputs(),
               "points have " << points.extent(1) << " columns, the network " << net.layout().n_inputs() << " inputs");
  PINN_REQUIRE(static_cast<int>(gradient.extent(0)) == net.n_params(), "gradient has the wrong size");
  const int n_points = static_cast<int>(points.extent(0));
  const int n_chunks = (n_points + kPointsPerChunk - 1) / kPointsPerChunk;
  detail::MlpJetKernel jet_kernel(net.layout(), net.params(), order, n_laplacian_dims);
  ws.reserve(n_chunks, jet_kernel.workspace_size(), net.n_params());
  detail::LossGradientChunks<PointLoss> kernel{jet_kernel, points, loss, ws.point_workspace, ws.partial_gradient,
                                               ws.partial_loss, n_points, net.n_params()};
  Kokkos::parallel_for("pinn::nn::loss_and_gradient::chunks", Kokkos::RangePolicy<ExecSpace>(space, 0, n_chunks),
                       kernel);
  detail::sum_partial_gradients(space, ws, n_chunks, gradient);
  return detail::sum_partial_losses(space, ws, n_chunks);
}

}  // namespace pinn
