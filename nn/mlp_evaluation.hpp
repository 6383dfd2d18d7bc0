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
/// bitwise the same for any number of threads and on Serial and OpenMP, and
/// for any number of MPI ranks sharing the points (GradientWorkspace::communicator:
/// each rank computes its range of chunks, the rows are gathered, every rank
/// adds them all in order).
///
/// Kernels: networks whose hidden layers all have one width of 16, 32, 64 or
/// 128 run a kernel compiled for that width and activation family
/// (detail/fused_jet_kernel.hpp), chosen once per call; other shapes run the
/// general kernel (detail/jet_kernel.hpp). Both form every sum in the same
/// order, so they give bitwise the same results (the tests require 1e-13,
/// which also holds where a compiler contracts products into FMAs).
#pragma once

#include "nn/detail/host/batched_gradient.hpp"
#include "nn/batched_gradient_device.hpp"
#include "nn/batched_jet_gradient_device.hpp"
#include "nn/detail/host/batched_jet_gradient.hpp"
#include "nn/communicator.hpp"
#include "nn/detail/fused_jet_kernel.hpp"
#include "nn/detail/jet_kernel.hpp"
#include "nn/error.hpp"
#include "nn/mlp.hpp"
#include "nn/point_jet.hpp"

#include <type_traits>

namespace pinn {

/// Points one kernel thread evaluates in a row (a chunk, with one workspace
/// row and one partial-gradient row). On CPU threads 32, so that those rows
/// serve many points; on a GPU 1, so that there is a thread per point, at the
/// cost of points × parameters doubles of gradient rows. The sums are grouped
/// differently, so the two differ in the last bits.
inline constexpr int kPointsPerChunk = Kokkos::SpaceAccessibility<Kokkos::HostSpace, MemSpace>::accessible ? 32 : 1;

/// Which per-point kernel evaluates a network.
enum class KernelPath {
  /// the fused kernel where the shape has one (see fused_width), else the
  /// general one; loss_and_gradient and evaluate_jets take a batched path
  /// where one applies (see select_batched_path; evaluate_jets then runs its
  /// forward pass only)
  automatic,
  general,    ///< always the general kernel (any widths)
  fused,      ///< the fused kernel; pinn::ApiError naming the supported widths if the shape has none
  /// loss_and_gradient only: the batched matrix-product path of exact
  /// piecewise-linear networks (detail/host/batched_gradient.hpp); pinn::ApiError for a
  /// network or jet order it does not support.
  batched,
  /// loss_and_gradient only: the batched forward-mode jets (detail/host/batched_jet_gradient.hpp),
  /// any network with a hidden layer. automatic picks between the paths
  /// (detail::select_batched_path).
  batched_jets,
  /// the piecewise-linear batched path shaped for a device (large blocks,
  /// products over the whole device: batched_gradient_device.hpp), which a
  /// device build's automatic path takes; on a host build for tests and
  /// comparisons. pinn::ApiError for a network or jet order it does not support.
  batched_device,
  /// the batched jet path shaped for a device (batched_jet_gradient_device.hpp),
  /// any network with a hidden layer, which a device build's automatic path
  /// takes for wide enough layers (kDeviceJetMinWidth); on a host build for
  /// tests and comparisons.
  batched_jets_device,
};

/// Jets of every point. n_laplacian_dims < 0 means all inputs. With a
/// communicator of several ranks (a collective call: every rank must make
/// it), each rank evaluates its range of the chunks or blocks and the jets are
/// gathered: every rank holds every point's, bitwise as one process computes them.
/// `evaluation`: the host-shaped batched paths' block workspaces, kept by a
/// caller that evaluates repeatedly; nullptr: the call makes its own.
PointJetView evaluate_jets(const ExecSpace& space, const Mlp& net, const Matrix& points, JetOrder order,
                           int n_laplacian_dims = -1, KernelPath path = KernelPath::automatic,
                           const Communicator& communicator = Communicator(),
                           EvaluationWorkspaces* evaluation = nullptr);

/// Scratch kept between calls so the training loop does not allocate.
class GradientWorkspace {
 public:
  /// Makes sure the buffers fit; reallocates only when a size grows.
  void reserve(int n_chunks, int workspace_size, int n_params);

  Matrix point_workspace;     ///< (n_chunks, workspace_size)
  Matrix partial_gradient;    ///< (n_chunks, n_params)
  Vector partial_loss;        ///< (n_chunks)
  Vector transposed_weights;  ///< (n_params): every W_l transposed at its offset (detail::transpose_weights)
  BatchedWorkspace batched;         ///< the piecewise-linear batched path's matrices
  BatchedJetWorkspace batched_jets;  ///< the batched jet path's matrices
  DeviceBatchedWorkspace batched_device;  ///< the device-shaped batched path's matrices
  DeviceBatchedJetWorkspace batched_jets_device;  ///< the device-shaped batched jet path's matrices
  /// The ranks that share the points: each evaluates its range of chunks or
  /// blocks, and the rows are gathered before the sum (nn/communicator.hpp).
  /// Default: this process alone.
  Communicator communicator;
};

namespace detail {

/// The hidden width whose fused kernel evaluates `layout` under `path`, or 0
/// for the general kernel. Throws pinn::ApiError for KernelPath::fused and a
/// shape without a fused kernel, naming the widths found and the supported ones.
int select_fused_width(const MlpLayout& layout, KernelPath path);

enum class BatchedPath { none, piecewise_linear, jets, piecewise_linear_device, jets_device };

/// Which batched path loss_and_gradient takes, if any: the one requested by
/// KernelPath::batched / batched_jets / batched_device (pinn::ApiError where
/// it does not apply); for automatic on host memory the piecewise-linear one
/// wherever it applies, else the jet one for networks whose hidden layers
/// are all at least kBatchedJetMinWidth wide (narrower ones run faster in the
/// fused per-point kernels; BENCHMARKS.md §4), and on device memory the
/// device-shaped piecewise-linear one wherever it applies, else the
/// device-shaped jet one for hidden layers all at least kDeviceJetMinWidth
/// wide; none for general and fused.
BatchedPath select_batched_path(const MlpLayout& layout, JetOrder order, KernelPath path);
inline constexpr int kBatchedJetMinWidth = 16;

/// One chunk of points per call: forward jet, point loss, reverse pass.
/// Kernel is MlpJetKernel or a FusedJetKernel.
template <class Kernel, class PointLoss>
struct LossGradientChunks {
  Kernel jet_kernel;
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
    if constexpr (!std::is_same_v<Kernel, MlpJetKernel>) jet_kernel.prepare(ws);
    const int n_in = static_cast<int>(points.extent(1));
    for (int i = chunk * kPointsPerChunk; i < end; ++i) {
      for (int k = 0; k < n_in; ++k) x[k] = points(i, k);
      PointJet jet, seed;
      jet_kernel.forward(x, ws, jet);
      seed.zero();
      sum += loss(i, jet, seed);
      jet_kernel.backward(x, ws, seed, grad);
    }
    partial_loss(chunk) = sum;
  }
};

/// Gathers the jets of points [min(share[r]·m, n), min(share[r + 1]·m, n))
/// that rank r evaluated (m = points_per_share) onto every rank.
void gather_jets(const ExecSpace& space, const Communicator& communicator, const std::vector<int>& share,
                 int points_per_share, const PointJetView& jets);

/// Rows of partial gradients that one thread adds before the group sums are
/// added: on a device, where there is a row per point, a thread per
/// parameter adding all the rows in a row would leave the device nearly idle
/// (a few thousand threads, each a loop over every point), so the rows are
/// added in groups first, a thread per group and parameter; on CPU threads
/// (one row per 32-point chunk) 1, the plain order.
inline constexpr int kSumGroupRows = kPointsPerChunk == 1 ? 64 : 1;

/// Adds the rows first … n_rows − 1 of partial gradients in order
/// (deterministic): with group_rows > 1 each group of that many rows in
/// order into the group's first row (overwritten), then the groups' sums in
/// order.
void sum_partial_gradients(const ExecSpace& space, const Matrix& rows, int n_rows, const Vector& gradient,
                           int first = 0, int group_rows = kSumGroupRows);
/// Adds the losses first … n_rows − 1 in order.
double sum_partial_losses(const ExecSpace& space, const Vector& losses, int n_rows, int first = 0);

/// The rows of partial gradients and losses (per chunk or block)
/// [share[r], share[r + 1]) that rank r computed, combined on every rank as
/// communicator.sums() says (on one process: the two sums above): the loss
/// returned, the gradient written.
double combine_partial_rows(const ExecSpace& space, const Communicator& communicator, const Matrix& rows,
                            const Vector& losses, const std::vector<int>& share, const Vector& gradient);

}  // namespace detail

/// Returns Σ_i loss_i and writes its parameter gradient into `gradient`
/// (overwritten, size n_params). `path` chooses the kernel (the default picks
/// the fused one where the shape has one; the results are the same).
template <class PointLoss>
double loss_and_gradient(const ExecSpace& space, const Mlp& net, const Matrix& points, const PointLoss& loss,
                         JetOrder order, const Vector& gradient, GradientWorkspace& ws, int n_laplacian_dims = -1,
                         KernelPath path = KernelPath::automatic) {
  PINN_REQUIRE(static_cast<int>(points.extent(1)) == net.layout().n_inputs(),
               "points have " << points.extent(1) << " columns, the network " << net.layout().n_inputs() << " inputs");
  PINN_REQUIRE(static_cast<int>(gradient.extent(0)) == net.n_params(), "gradient has the wrong size");
  const int n_points = static_cast<int>(points.extent(0));
  [[maybe_unused]] const detail::BatchedPath batched = detail::select_batched_path(net.layout(), order, path);
  const int rank = ws.communicator.rank();
  if (batched == detail::BatchedPath::piecewise_linear_device) {
    ws.batched_device.prepare(space, net.layout(), net.params(), n_points);
    // This rank's blocks; combine_partial_rows brings in the others'.
    const std::vector<int> share = ws.communicator.split(ws.batched_device.n_blocks);
    device_batched_loss_rows(space, net, points, loss, ws.batched_device, share[rank], share[rank + 1]);
    return detail::combine_partial_rows(space, ws.communicator, ws.batched_device.partial_gradient,
                                        ws.batched_device.partial_loss, share, gradient);
  }
  if (batched == detail::BatchedPath::jets_device) {
    DeviceBatchedJetWorkspace& device = ws.batched_jets_device;
    device.prepare(space, net.layout(), net.params(), n_points, order, n_laplacian_dims);
    const std::vector<int> share = ws.communicator.split(device.n_blocks);
    device_batched_jet_loss_rows(space, net, points, loss, device, share[rank], share[rank + 1]);
    return detail::combine_partial_rows(space, ws.communicator, device.partial_gradient, device.partial_loss, share,
                                        gradient);
  }
  // The host-shaped batched paths are host code (BLAS on host memory): a
  // device build never selects them, and does not even instantiate them.
  if constexpr (Kokkos::SpaceAccessibility<Kokkos::HostSpace, MemSpace>::accessible) {
    if (batched != detail::BatchedPath::none) {
      space.fence();
      if (batched == detail::BatchedPath::piecewise_linear)
        return batched_loss_and_gradient(net, points, loss, gradient, ws.batched, ws.communicator);
      return batched_jet_loss_and_gradient(net, points, loss, order, gradient, ws.batched_jets, n_laplacian_dims,
                                           ws.communicator);
    }
  }
  const int width = detail::select_fused_width(net.layout(), path);
  const int n_chunks = (n_points + kPointsPerChunk - 1) / kPointsPerChunk;
  detail::MlpJetKernel jet_kernel(net.layout(), net.params(), order, n_laplacian_dims);
  ws.reserve(n_chunks, jet_kernel.workspace_size(), net.n_params());
  detail::transpose_weights(space, net.layout(), net.params(), ws.transposed_weights);
  jet_kernel.weights_t = ws.transposed_weights;
  // This rank's chunks; combine_partial_rows brings in the others'.
  const std::vector<int> share = ws.communicator.split(n_chunks);
  const Kokkos::RangePolicy<ExecSpace> policy(space, share[rank], share[rank + 1]);
  if (width == 0) {
    Kokkos::parallel_for("pinn::nn::loss_and_gradient::chunks", policy,
                         detail::LossGradientChunks<detail::MlpJetKernel, PointLoss>{
                             jet_kernel, points, loss, ws.point_workspace, ws.partial_gradient, ws.partial_loss,
                             n_points, net.n_params()});
  } else {
    detail::with_fused_kernel(width, net.layout(), [&](auto w, auto act) {
      using Kernel = detail::FusedJetKernel<decltype(w)::value, decltype(act)::value>;
      Kokkos::parallel_for("pinn::nn::loss_and_gradient::fused_chunks", policy,
                           detail::LossGradientChunks<Kernel, PointLoss>{Kernel(jet_kernel), points, loss,
                                                                         ws.point_workspace, ws.partial_gradient,
                                                                         ws.partial_loss, n_points, net.n_params()});
    });
  }
  return detail::combine_partial_rows(space, ws.communicator, ws.partial_gradient, ws.partial_loss, share, gradient);
}

}  // namespace pinn
