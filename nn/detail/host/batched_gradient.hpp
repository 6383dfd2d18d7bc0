/// @file nn/detail/host/batched_gradient.hpp
/// @brief Loss and parameter gradient of a piecewise-linear network (ReLU,
/// LeakyReLU, PReLU, exact) over the whole batch of points at once, with the
/// layer products as matrix products (BLAS) — the GEMM-shaped path for wide
/// layers.
///
/// The algorithm needs 8 n² instead of 6(1 + d) n² flops per n×n layer and
/// point. For a piecewise-linear network the slopes D_l = σ'(z_l) are
/// constant between kinks, so (a.e.)
///   u = w_Lᵀ D_{L-1} W_{L-1} ⋯ D_1 (W_1 x + b_1) + ⋯,
///   ∇u = W_1ᵀ δ_1, with δ_l = ∂u/∂z_l = D_l W_{l+1}ᵀ δ_{l+1},
/// and for a loss L(u, ∇u) with seeds s = ∂L/∂u, c = ∂L/∂∇u,
///   ∂L/∂W_l = Σ_p δ_l (s a_{l-1} + t_{l-1})ᵀ,  ∂L/∂b_l = Σ_p s δ_l,
/// where t_l = D_l W_l t_{l-1}, t_0 = c is the forward tangent along c (the
/// derivative of c·∇u, which is bilinear in each W_l because D_l does not
/// change with the parameters between kinks). One pass for a, one back for δ
/// (which gives ∇u), one forward for t and one product for the gradient:
/// four n×n×P matrix products per layer, whatever the input dimension d.
/// PReLU slopes: ∂L/∂α_j = Σ_p [z ≤ 0] (W_{l+1}ᵀ δ_{l+1})_j (s z_j + ż_j) with
/// ż = W_l t_{l-1} (the subgradient convention of activation.hpp).
///
/// Not bitwise equal to the per-point kernels (BLAS sums in its own order;
/// the tests require 1e-12), but deterministic on a given machine, for any
/// number of threads (fixed blocks of points, single-threaded products inside
/// the parallel region, partial gradients added in block order). Host memory
/// only (hence detail/host/); a device build runs the same algorithm in its
/// device shape, nn/batched_gradient_device.hpp.
#pragma once

#include "nn/blas.hpp"
#include "nn/communicator.hpp"
#include "nn/kokkos_types.hpp"
#include "nn/mlp.hpp"
#include "nn/point_jet.hpp"

#include <functional>
#include <vector>

namespace pinn {

/// True when the piecewise-linear batched paths (this host shape and the
/// device shape of batched_gradient_device.hpp) can evaluate this network and
/// jet order: exact ReLU/LeakyReLU/PReLU (no smoothing), at least one hidden
/// layer, one output, at most the gradient jet. This host shape also needs
/// host-accessible memory (detail::select_batched_path checks it).
bool batched_path_supports(const MlpLayout& layout, JetOrder order);

/// Points per block: the batch is cut into blocks of this many points (the
/// last one shorter), each evaluated by one thread with single-threaded
/// matrix products; their partial gradients are added in block order, so the
/// result does not depend on the number of threads. Smaller blocks for small
/// batches keep both cores busy; larger ones amortise the products' set-up.
inline int batched_block_points(int n_points) { return n_points >= 2048 ? 256 : 128; }

/// What both batched paths keep between calls: the blocks of points, the
/// slopes of every hidden layer, the per-block partial sums.
struct BatchedBlocks {
  /// Sizes the blocks and partial sums for n_points points and caches the slopes.
  void prepare_blocks(const MlpLayout& layout, const double* params, int n_points);

  int n_points = 0, n_blocks = 0, block_points = 0;
  std::vector<std::vector<double>> slopes;  ///< α_j per hidden layer (ReLU 0, LeakyReLU its slope)
  std::vector<double> partial_loss;         ///< per block
  std::vector<double> partial_gradient;     ///< per block, n_params each
};

/// Blocks [first, end) of a batch; end < 0: to its last block.
struct BlockRange {
  int first = 0, end = -1;
};

namespace detail {
/// Resizes `buffer` to `size` only when its size differs (elements kept,
/// new ones zero; every pass writes its buffers before reading them), so that
/// the training loop does not allocate and alternating sizes cost no refill.
void fit_buffer(std::vector<double>& buffer, std::size_t size);
}  // namespace detail

/// Column-major (width × points) matrices per hidden layer, kept between
/// calls so that the training loop does not allocate.
struct BatchedWorkspace : BatchedBlocks {
  /// Makes sure the buffers fit (reallocating only when a size changes) and
  /// caches the slopes of every hidden layer.
  void prepare(const MlpLayout& layout, const double* params, int n_points);

  std::vector<std::vector<double>> z;        ///< pre-activations z_l
  std::vector<std::vector<double>> a;        ///< activations a_l, then s·a_l + t_l
  std::vector<std::vector<double>> adjoint;  ///< W_{l+1}ᵀ δ_{l+1} (learnable slopes only)
  std::vector<std::vector<double>> delta;    ///< δ_l = ∂u/∂z_l
  std::vector<std::vector<double>> tangent;  ///< ż_l, then t_l
  std::vector<double> u, grad_u;             ///< network output and its input gradient (d × points)
  std::vector<double> seed_value, seed_grad;  ///< s and c (d × points)
  std::vector<double> input_mix;             ///< s·x + c (d × points), the first layer's "a + t"
};

namespace detail {

/// Forward pass and the reverse sweep of u for points [begin, end): fills z,
/// a, delta (and adjoint), u and grad_u there.
void batched_forward(const MlpLayout& layout, const double* params, const Matrix& points, BatchedWorkspace& ws,
                     int begin, int end);

/// Evaluations outside the training loop (evaluate_jets, the activation
/// signs) run at every history row: they cut the points into blocks
/// (batched_block_points) and give each host thread one workspace of one
/// block, kept between calls, so that their memory does not grow with the
/// number of points and no call allocates afresh (that cost more than the
/// products: page faults).
///
/// Runs f(thread, begin, end) for every block of n points, thread t taking
/// blocks t, t + T, … (T = evaluation_threads(); blocks are independent, so
/// the assignment changes no result), with single-threaded BLAS. `blocks`
/// limits it to blocks [first, end) of the whole batch's (a rank's share).
void for_each_block_per_thread(int n, const std::function<void(int, int, int)>& f, BlockRange blocks = {});
int evaluation_threads();

/// Rows [begin, end) of `points` as a matrix of their own (they are contiguous).
inline Matrix block_rows(const Matrix& points, int begin, int end) {
  return Matrix(const_cast<double*>(&points(begin, 0)), end - begin, points.extent(1));
}

/// The forward pass (batched_forward) over every block of `points`, thread t
/// on workspaces[t] (resized to evaluation_threads()); after each block calls
/// visit(thread, ws, begin, end), with z, a, u and grad_u of points
/// [begin, end) in ws's columns 0 … end − begin − 1.
void batched_forward_blocks(const Mlp& net, const Matrix& points, std::vector<BatchedWorkspace>& workspaces,
                            const std::function<void(int, const BatchedWorkspace&, int, int)>& visit,
                            BlockRange blocks = {});

/// From the seeds s, c of points [begin, end): their forward tangent and their
/// part of the parameter gradient, written to `gradient` (n_params, overwritten).
void batched_parameter_gradient(const MlpLayout& layout, const double* params, const Matrix& points,
                                BatchedWorkspace& ws, int begin, int end, double* gradient);

/// The blocks' losses and gradient rows [share[r], share[r + 1]) that rank r
/// computed, combined on every rank as communicator.sums() says (on one
/// process: sum_blocks): the loss returned, the gradient written.
double combine_blocks(const Communicator& communicator, const std::vector<int>& share, BatchedBlocks& blocks,
                      int n_params, const Vector& gradient);

/// A rank's loss and gradient (overwritten) summed over the ranks
/// (Communicator::sum_to_all), for RankSums::reduced.
double sum_over_ranks(const Communicator& communicator, double loss, const Vector& gradient);

/// Adds the blocks' partial gradients (rows first … n_blocks − 1 of n_params)
/// in block order into `gradient`; returns the blocks' losses summed in order.
double sum_blocks(const std::vector<double>& partial_loss, const std::vector<double>& partial_gradient, int n_blocks,
                  int n_params, const Vector& gradient, int first = 0);

}  // namespace detail

/// u and ∇u of every point by the batched forward pass, as jets (no
/// Laplacian; ∇u zero for JetOrder::value); batched_path_supports(layout,
/// order) must hold. evaluate_jets takes this path where it applies; the
/// values are within rounding (1e-12) of the per-point kernels'. `blocks`:
/// only the points of those blocks (the others' jets are left as they are).
void batched_evaluate_jets(const Mlp& net, const Matrix& points, JetOrder order,
                           std::vector<BatchedWorkspace>& workspaces, const PointJetView& jets, BlockRange blocks = {});

/// Σ_i loss_i and its parameter gradient (overwritten) by the batched path;
/// the same contract as loss_and_gradient (mlp_evaluation.hpp), which calls it
/// for KernelPath::batched and KernelPath::automatic.
template <class PointLoss>
double batched_loss_and_gradient(const Mlp& net, const Matrix& points, const PointLoss& loss, const Vector& gradient,
                                 BatchedWorkspace& ws, const Communicator& communicator = Communicator()) {
  const MlpLayout& layout = net.layout();
  const double* params = net.params().data();
  const int n = static_cast<int>(points.extent(0)), d = layout.n_inputs(), n_params = layout.n_params;
  ws.prepare(layout, params, n);
  const int block_points = ws.block_points;
  BatchedWorkspace* w = &ws;
  const blas::SingleThreadedScope one_thread_per_block;
  const std::vector<int> share = communicator.split(ws.n_blocks);  // this rank's blocks
  Kokkos::parallel_for(
      "pinn::nn::batched_loss_and_gradient",
      Kokkos::RangePolicy<HostExecSpace>(share[communicator.rank()], share[communicator.rank() + 1]),
      [=](const int block) {
        const int begin = block * block_points;
        const int end = begin + block_points < n ? begin + block_points : n;
        detail::batched_forward(layout, params, points, *w, begin, end);
        double sum = 0.0;
        for (int i = begin; i < end; ++i) {
          PointJet jet, seed;
          jet.zero();
          seed.zero();
          jet.value[0] = w->u[i];
          for (int k = 0; k < d; ++k) jet.grad[0][k] = w->grad_u[i * d + k];
          sum += loss(i, jet, seed);
          w->seed_value[i] = seed.value[0];
          for (int k = 0; k < d; ++k) w->seed_grad[i * d + k] = seed.grad[0][k];
        }
        w->partial_loss[block] = sum;
        detail::batched_parameter_gradient(layout, params, points, *w, begin, end,
                                           w->partial_gradient.data() + static_cast<std::size_t>(block) * n_params);
      });
  return detail::combine_blocks(communicator, share, ws, n_params, gradient);
}

}  // namespace pinn
