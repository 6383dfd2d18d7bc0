/// @file nn/detail/host/batched_jet_gradient.hpp
/// @brief Loss and parameter gradient of any network (smooth activations,
/// smoothed or learnable slopes, Laplacian jets, several outputs) over a whole
/// batch of points with the layer products as matrix products (BLAS): the
/// per-point kernels' forward-mode jets (detail/jet_kernel.hpp) written for
/// blocks of points.
///
/// Per hidden layer, the z-jet of a block of nb points is a (width × C·nb)
/// matrix whose columns are the C = 1 + d (+ 1 with the Laplacian) components
/// of every point: [values | ∂/∂x_1 | … | ∂/∂x_d | Laplacians]. Then
///   Z_l = W_l A_{l-1} (+ b_l on the value columns),     one product,
///   Ā_{l-1} = W_lᵀ Z̄_l,  ∂L/∂W_l = Z̄_l A_{l-1}ᵀ,          two products,
/// and the activation and its adjoint are the general kernel's formulas
/// applied column by column: 6 C n² flops per n×n layer and point, as in the
/// per-point kernels, but at the speed of the system BLAS (OpenBLAS chooses
/// AVX2/AVX-512 with FMA at run time; the rest of the engine is built without
/// -march). Exact piecewise-linear networks with one output take the cheaper
/// path of batched_gradient.hpp instead.
///
/// Deterministic on a given machine for any number of threads: fixed blocks of
/// points, single-threaded products inside the parallel region, partial
/// gradients added in block order. Host memory only (hence detail/host/); a
/// device build runs smooth networks through the per-point kernels.
#pragma once

#include "nn/detail/host/batched_gradient.hpp"

namespace pinn {

/// True when the batched jet paths (this host shape and the device shape of
/// batched_jet_gradient_device.hpp) can evaluate this network: at least one
/// hidden layer. This host shape also needs host-accessible memory
/// (detail::select_batched_path checks it).
bool batched_jet_path_supports(const MlpLayout& layout);

/// Buffers of the batched jet path, kept between calls.
struct BatchedJetWorkspace : BatchedBlocks {
  /// Makes sure the buffers fit (reallocating only when a size changes) and
  /// caches the slopes and the jet shape.
  void prepare(const MlpLayout& layout, const double* params, int n_points, JetOrder order, int n_laplacian_dims);

  int n_tangents = 0, n_laplacian_dims = 0, n_components = 1;
  bool track_laplacian = false;
  std::vector<std::vector<double>> z, a;    ///< z-jets and a-jets, (width × C·points) per hidden layer
  std::vector<std::vector<double>> cache;   ///< activation derivatives, (n_cached × width) per point
  std::vector<double> output;               ///< output jets, (n_outputs × C·points)
  std::vector<double> output_adjoint;       ///< their seeds
  std::vector<double> adjoint, adjoint_in;  ///< per-layer adjoints (max width × C·points), ping-pong

  /// Column of component c of point p (within its block's columns).
  int column(int p, int c) const {
    const int begin = (p / block_points) * block_points;
    const int nb = begin + block_points < n_points ? block_points : n_points - begin;
    return begin * n_components + c * nb + (p - begin);
  }
};

namespace detail {

/// Forward jets of points [begin, end) into ws.output (and the layers' z, a, cache).
void batched_jet_forward(const MlpLayout& layout, const double* params, const Matrix& points,
                         BatchedJetWorkspace& ws, int begin, int end);

/// Reverse pass of points [begin, end) from ws.output_adjoint: their part of
/// the parameter gradient, written to `gradient` (n_params, overwritten).
void batched_jet_backward(const MlpLayout& layout, const double* params, const Matrix& points,
                          BatchedJetWorkspace& ws, int begin, int end, double* gradient);

}  // namespace detail

/// The jets of every point (value, ∇u and the Laplacian as `order` asks) by
/// the batched jet forward pass, one block workspace per host thread
/// (detail::for_each_block_per_thread); evaluate_jets takes this path where
/// loss_and_gradient would take the jet path. Within rounding of the
/// per-point kernels. `blocks`: only the points of those blocks.
void batched_jet_evaluate_jets(const Mlp& net, const Matrix& points, JetOrder order, int n_laplacian_dims,
                               std::vector<BatchedJetWorkspace>& workspaces, const PointJetView& jets,
                               BlockRange blocks = {});

namespace detail {
/// The jet forward pass (batched_jet_forward) over every block of `points`,
/// thread t on workspaces[t] (resized to evaluation_threads()); after each
/// block calls visit(thread, ws, begin, end), with the block's z-, a- and
/// output jets in ws's columns (component c of point q at column c·nb + q).
void batched_jet_forward_blocks(const Mlp& net, const Matrix& points, JetOrder order, int n_laplacian_dims,
                                std::vector<BatchedJetWorkspace>& workspaces,
                                const std::function<void(int, const BatchedJetWorkspace&, int, int)>& visit,
                                BlockRange blocks = {});

}  // namespace detail

/// The block workspaces of both host-shaped batched paths for evaluations
/// outside the training loop (evaluate_jets, compute_activation_signs; see
/// detail::for_each_block_per_thread), one per host thread. Whoever evaluates
/// repeatedly (a training loss) keeps one and passes it, so that no call
/// allocates afresh; a call given none makes its own.
struct EvaluationWorkspaces {
  std::vector<BatchedWorkspace> piecewise_linear;
  std::vector<BatchedJetWorkspace> jets;
};

/// Σ_i loss_i and its parameter gradient (overwritten) by the batched jet
/// path; the contract of loss_and_gradient (mlp_evaluation.hpp).
template <class PointLoss>
double batched_jet_loss_and_gradient(const Mlp& net, const Matrix& points, const PointLoss& loss, JetOrder order,
                                     const Vector& gradient, BatchedJetWorkspace& ws, int n_laplacian_dims,
                                     const Communicator& communicator = Communicator()) {
  const MlpLayout& layout = net.layout();
  const double* params = net.params().data();
  const int n = static_cast<int>(points.extent(0)), n_params = layout.n_params, n_out = layout.n_outputs();
  ws.prepare(layout, params, n, order, n_laplacian_dims);
  const int block_points = ws.block_points, n_tangents = ws.n_tangents, lap = ws.n_components - 1;
  const bool track_laplacian = ws.track_laplacian;
  BatchedJetWorkspace* w = &ws;
  const blas::SingleThreadedScope one_thread_per_block;
  const std::vector<int> share = communicator.split(ws.n_blocks);  // this rank's blocks
  Kokkos::parallel_for(
      "pinn::nn::batched_jet_loss_and_gradient",
      Kokkos::RangePolicy<HostExecSpace>(share[communicator.rank()], share[communicator.rank() + 1]),
      [=](const int block) {
        const int begin = block * block_points;
        const int end = begin + block_points < n ? begin + block_points : n;
        detail::batched_jet_forward(layout, params, points, *w, begin, end);
        double sum = 0.0;
        for (int i = begin; i < end; ++i) {
          PointJet jet, seed;
          jet.zero();
          seed.zero();
          const double* value = w->output.data() + static_cast<std::size_t>(w->column(i, 0)) * n_out;
          for (int o = 0; o < n_out; ++o) {
            jet.value[o] = value[o];
            for (int k = 0; k < n_tangents; ++k)
              jet.grad[o][k] = w->output[static_cast<std::size_t>(w->column(i, 1 + k)) * n_out + o];
            if (track_laplacian) jet.lap[o] = w->output[static_cast<std::size_t>(w->column(i, lap)) * n_out + o];
          }
          sum += loss(i, jet, seed);
          for (int o = 0; o < n_out; ++o) {
            w->output_adjoint[static_cast<std::size_t>(w->column(i, 0)) * n_out + o] = seed.value[o];
            for (int k = 0; k < n_tangents; ++k)
              w->output_adjoint[static_cast<std::size_t>(w->column(i, 1 + k)) * n_out + o] = seed.grad[o][k];
            if (track_laplacian) w->output_adjoint[static_cast<std::size_t>(w->column(i, lap)) * n_out + o] = seed.lap[o];
          }
        }
        w->partial_loss[block] = sum;
        detail::batched_jet_backward(layout, params, points, *w, begin, end,
                                     w->partial_gradient.data() + static_cast<std::size_t>(block) * n_params);
      });
  return detail::combine_blocks(communicator, share, ws, n_params, gradient);
}

}  // namespace pinn
