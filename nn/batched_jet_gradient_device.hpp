/// @file nn/batched_jet_gradient_device.hpp
/// @brief The batched jet path (any network: smooth, smoothed or learnable
/// slopes, Laplacian jets, several outputs; the algorithm is in
/// detail/host/batched_jet_gradient.hpp) shaped for a device, as
/// batched_gradient_device.hpp shapes the piecewise-linear path: the points
/// in large blocks one after another, each block's layer products over the
/// whole device through blas.hpp's ExecSpace overloads (cuBLAS in a CUDA
/// build), the activation and its adjoint as kernels over neurons × points,
/// the sums over a block's points inside the products, one gradient row per
/// block added in block order (also over MPI ranks).
///
/// Per hidden layer, a block of nb points has a z-jet and an a-jet matrix
/// (width × C·nb), column c·nb + q holding component c of point q (C = 1 +
/// tangents (+ 1 with the Laplacian): [values | ∂/∂x_1 | … | Laplacians]),
/// and the activation derivatives in n_cached planes of width × nb.
///
/// A device build's automatic path takes it for networks whose hidden layers
/// are all at least kDeviceJetMinWidth wide; on a host build
/// KernelPath::batched_jets_device selects it (for the tests; the host shape
/// is faster on CPU threads and bitwise the same for any number of them).
#pragma once

#include "nn/detail/device_blocks.hpp"
#include "nn/kokkos_types.hpp"
#include "nn/mlp.hpp"
#include "nn/point_jet.hpp"

#include <vector>

namespace pinn {

/// Points per block: a block holds about (2C + 6) × width doubles per point
/// and hidden layer (C ≤ 6), so 8192 points of a [128 × 3] 2D network with
/// the Laplacian take about 350 MB.
inline constexpr int kDeviceJetBlockPoints = 8192;

/// Narrowest hidden layer for which a device build's automatic path takes
/// the device-shaped jet path instead of the per-point kernels (narrower
/// layers make products too thin to fill a device). Not yet measured on a
/// GPU: tools/gpu-check's bench_nn rows (fused against batched_jets_device)
/// are what would set it.
inline constexpr int kDeviceJetMinWidth = 32;

/// The matrices of one block in the execution space's memory, kept between calls.
struct DeviceBatchedJetWorkspace {
  /// Sizes the buffers for blocks of min(block_points, n_points) points and
  /// the jet shape (reallocating only when a size changes), the block rows
  /// for n_points, and caches the slopes of every hidden layer.
  void prepare(const ExecSpace& space, const MlpLayout& layout, const ConstVector& params, int n_points,
               JetOrder order, int n_laplacian_dims);

  int block_points = kDeviceJetBlockPoints;  ///< points per block (the tests use fewer, to have several)
  int n_points = 0, n_blocks = 0;
  int n_tangents = 0, n_laplacian_dims = 0, n_components = 1;
  bool track_laplacian = false;
  std::vector<Vector> slopes;    ///< α_j per hidden layer
  std::vector<Vector> z, a;      ///< z- and a-jets per hidden layer (width × C·nb)
  std::vector<Vector> cache;     ///< activation derivatives per hidden layer (n_cached planes of width × nb)
  Vector output, output_adjoint;  ///< output jets and their seeds (n_outputs × C·nb)
  Vector adjoint, adjoint_in;     ///< per-layer adjoints (max width × C·nb), ping-pong
  Vector slope_terms;             ///< a layer's slope-gradient terms (max width × nb)
  Vector ones;                    ///< a block of ones (sums over points as products)
  Vector column_sums;             ///< sums of a (width × nb) matrix's columns (max width)
  Matrix partial_gradient;        ///< (n_blocks, n_params)
  Vector partial_loss;            ///< (n_blocks)
};

namespace detail {

/// Copies point q's output jets (value, tangents, and the Laplacian where
/// `lap` ≥ 0: its component) from a block of nb points' output matrix
/// (n_out × C·nb) into `jet`; to_matrix: the other way, from `jet` (seeds).
KOKKOS_INLINE_FUNCTION void copy_output_jet(const Vector& output, int nb, int q, int n_out, int n_tangents, int lap,
                                            PointJet& jet, bool to_matrix = false) {
  for (int o = 0; o < n_out; ++o) {
    const auto entry = [&](int c) -> double& { return output((c * nb + q) * n_out + o); };
    const auto copy = [&](int c, double& in_jet) {
      if (to_matrix)
        entry(c) = in_jet;
      else
        in_jet = entry(c);
    };
    copy(0, jet.value[o]);
    for (int k = 0; k < n_tangents; ++k) copy(1 + k, jet.grad[o][k]);
    if (lap >= 0) copy(lap, jet.lap[o]);
  }
}

/// Forward jets of points [begin, end) (at most one block) into ws.output
/// (and the layers' z, a, cache).
void device_batched_jet_forward(const ExecSpace& space, const MlpLayout& layout, const ConstVector& params,
                                const Matrix& points, DeviceBatchedJetWorkspace& ws, int begin, int end);

/// Reverse pass of the block's points from ws.output_adjoint: their part of
/// the parameter gradient, written to row `block` of ws.partial_gradient.
void device_batched_jet_backward(const ExecSpace& space, const MlpLayout& layout, const ConstVector& params,
                                 const Matrix& points, DeviceBatchedJetWorkspace& ws, int begin, int end, int block);

}  // namespace detail

/// The loss and gradient rows of blocks [first_block, end_block) into
/// ws.partial_loss and ws.partial_gradient (ws.prepare first); the caller
/// adds the rows (loss_and_gradient).
template <class PointLoss>
void device_batched_jet_loss_rows(const ExecSpace& space, const Mlp& net, const Matrix& points,
                                  const PointLoss& loss, DeviceBatchedJetWorkspace& ws, int first_block,
                                  int end_block) {
  const int n_out = net.layout().n_outputs(), n_tangents = ws.n_tangents;
  const int lap_component = ws.track_laplacian ? ws.n_components - 1 : -1;
  for (int block = first_block; block < end_block; ++block) {
    const int begin = detail::block_begin(ws, block), end = detail::block_end(ws, block);
    const int nb = end - begin;
    detail::device_batched_jet_forward(space, net.layout(), net.params(), points, ws, begin, end);
    const Vector output = ws.output, output_adjoint = ws.output_adjoint;
    // The block's loss straight into its entry (no wait for the device).
    Kokkos::parallel_reduce(
        "pinn::nn::device_batched_jet_loss_rows::seeds", Kokkos::RangePolicy<ExecSpace>(space, 0, nb),
        KOKKOS_LAMBDA(const int q, double& partial) {
          PointJet jet, seed;
          jet.zero();
          seed.zero();
          detail::copy_output_jet(output, nb, q, n_out, n_tangents, lap_component, jet);
          partial += loss(begin + q, jet, seed);
          detail::copy_output_jet(output_adjoint, nb, q, n_out, n_tangents, lap_component, seed, true);
        },
        Kokkos::subview(ws.partial_loss, block));
    detail::device_batched_jet_backward(space, net.layout(), net.params(), points, ws, begin, end, block);
  }
}

/// The jets of the points of blocks [first_block, end_block) (value, ∇u and
/// the Laplacian as ws was prepared for) by the device-shaped jet forward pass.
void device_batched_jet_evaluate_jets(const ExecSpace& space, const Mlp& net, const Matrix& points,
                                      DeviceBatchedJetWorkspace& ws, const PointJetView& jets, int first_block,
                                      int end_block);

}  // namespace pinn
