/// @file nn/batched_gradient_device.hpp
/// @brief The piecewise-linear batched path (the algorithm is derived in
/// detail/host/batched_gradient.hpp) shaped for a device. The host shape gives each CPU
/// thread one block of 128–256 points and runs its products single-threaded;
/// on a GPU that would leave the device idle. Here the points go through in
/// large blocks (kDeviceBlockPoints), one after another, and each block's
/// layer products run over the whole device through the portable products
/// of blas.hpp (cuBLAS on the space's stream in a CUDA build), with the
/// elementwise passes as kernels over the block's neurons × points. The sum
/// over a block's points happens inside the products (their inner dimension
/// is the points), so a block gives one gradient row; the rows are added in
/// block order (detail::combine_partial_rows), also over MPI ranks.
///
/// A device build takes this path for exact piecewise-linear networks
/// (KernelPath::automatic). On a host build KernelPath::batched_device
/// selects it (the tests compare it there with the per-point kernels), and
/// automatic keeps the host shape, which is faster on CPU threads and bitwise
/// the same for any number of them (this one follows the threaded BLAS's
/// rounding, so a result holds for a given thread count).
#pragma once

#include "nn/detail/device_blocks.hpp"
#include "nn/kokkos_types.hpp"
#include "nn/mlp.hpp"
#include "nn/point_jet.hpp"

#include <vector>

namespace pinn {

/// Points per block of the device shape: large enough to fill a GPU with
/// each product, small enough that a block's matrices (five of width ×
/// points per hidden layer) stay within a few hundred MB.
inline constexpr int kDeviceBlockPoints = 16384;

/// The matrices of one block, in the execution space's memory, kept between
/// calls; column-major (width × points) per hidden layer, as on the host.
struct DeviceBatchedWorkspace {
  /// Sizes the buffers for blocks of min(block_points, n_points) points
  /// (reallocating only when a size changes), the block rows for n_points,
  /// and caches the slopes of every hidden layer.
  void prepare(const ExecSpace& space, const MlpLayout& layout, const ConstVector& params, int n_points);

  int block_points = kDeviceBlockPoints;  ///< points per block (the tests use fewer, to have several)
  int n_points = 0, n_blocks = 0;
  std::vector<Vector> slopes;                           ///< α_j per hidden layer
  std::vector<Vector> z, a, adjoint, delta, tangent;    ///< as BatchedWorkspace's, for one block
  Vector u, grad_u, seed_value, seed_grad, input_mix;  ///< one block's
  Vector ones;                                          ///< a block of ones (sums over points as products)
  Vector slope_sums;                                    ///< a layer's slope gradients before the chain rule
  Matrix partial_gradient;                              ///< (n_blocks, n_params)
  Vector partial_loss;                                  ///< (n_blocks)
};

namespace detail {

/// Forward pass and the reverse sweep of u for points [begin, end) (at most
/// one block): fills z, a, delta (and adjoint), u and grad_u in columns
/// 0 … end − begin − 1.
void device_batched_forward(const ExecSpace& space, const MlpLayout& layout, const ConstVector& params,
                            const Matrix& points, DeviceBatchedWorkspace& ws, int begin, int end);

/// From the seeds s, c of the block's points: their tangents and their part
/// of the parameter gradient, written to row `block` of ws.partial_gradient.
void device_batched_parameter_gradient(const ExecSpace& space, const MlpLayout& layout, const ConstVector& params,
                                       const Matrix& points, DeviceBatchedWorkspace& ws, int begin, int end,
                                       int block);

}  // namespace detail

/// The loss and gradient rows of blocks [first_block, end_block) into
/// ws.partial_loss and ws.partial_gradient (ws.prepare first); the caller
/// adds the rows (loss_and_gradient, for KernelPath::batched_device and a
/// device build's automatic path).
template <class PointLoss>
void device_batched_loss_rows(const ExecSpace& space, const Mlp& net, const Matrix& points, const PointLoss& loss,
                              DeviceBatchedWorkspace& ws, int first_block, int end_block) {
  const MlpLayout& layout = net.layout();
  const int d = layout.n_inputs();
  for (int block = first_block; block < end_block; ++block) {
    const int begin = detail::block_begin(ws, block), end = detail::block_end(ws, block);
    detail::device_batched_forward(space, layout, net.params(), points, ws, begin, end);
    const Vector u = ws.u, grad_u = ws.grad_u, seed_value = ws.seed_value, seed_grad = ws.seed_grad;
    // The block's loss straight into its entry (no wait for the device).
    Kokkos::parallel_reduce(
        "pinn::nn::device_batched_loss_rows::seeds", Kokkos::RangePolicy<ExecSpace>(space, 0, end - begin),
        KOKKOS_LAMBDA(const int q, double& partial) {
          PointJet jet, seed;
          jet.zero();
          seed.zero();
          jet.value[0] = u(q);
          for (int k = 0; k < d; ++k) jet.grad[0][k] = grad_u(q * d + k);
          partial += loss(begin + q, jet, seed);
          seed_value(q) = seed.value[0];
          for (int k = 0; k < d; ++k) seed_grad(q * d + k) = seed.grad[0][k];
        },
        Kokkos::subview(ws.partial_loss, block));
    detail::device_batched_parameter_gradient(space, layout, net.params(), points, ws, begin, end, block);
  }
}

/// u and ∇u (zero for JetOrder::value) of the points of blocks
/// [first_block, end_block) by the device-shaped forward pass, into `jets`.
void device_batched_evaluate_jets(const ExecSpace& space, const Mlp& net, const Matrix& points, JetOrder order,
                                  DeviceBatchedWorkspace& ws, const PointJetView& jets, int first_block,
                                  int end_block);

}  // namespace pinn
