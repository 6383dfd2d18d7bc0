/// @file nn/mlp_evaluation.cpp
/// @brief Jet evaluation, kernel selection, weight transposition and the
/// deterministic reduction of partial gradients.
#include "nn/mlp_evaluation.hpp"

#include <sstream>
#include <type_traits>

namespace pinn {

namespace {

/// Forward jets of one chunk of points. Kernel is MlpJetKernel or a FusedJetKernel.
template <class Kernel>
struct JetChunks {
  Kernel jet_kernel;
  Matrix points, workspace;
  PointJetView jets;
  int n_points;

  KOKKOS_INLINE_FUNCTION void operator()(const int chunk) const {
    double* ws = &workspace(chunk, 0);
    if constexpr (!std::is_same_v<Kernel, detail::MlpJetKernel>) jet_kernel.prepare(ws);
    const int end = (chunk + 1) * kPointsPerChunk < n_points ? (chunk + 1) * kPointsPerChunk : n_points;
    const int n_in = static_cast<int>(points.extent(1));
    double x[kMaxInputs];
    for (int i = chunk * kPointsPerChunk; i < end; ++i) {
      for (int k = 0; k < n_in; ++k) x[k] = points(i, k);
      PointJet jet;
      jet.zero();
      jet_kernel.forward(x, ws, jet);
      jets(i) = jet;
    }
  }
};

}  // namespace

PointJetView evaluate_jets(const ExecSpace& space, const Mlp& net, const Matrix& points, JetOrder order,
                           int n_laplacian_dims, KernelPath path, const Communicator& communicator,
                           EvaluationWorkspaces* evaluation) {
  PINN_REQUIRE(static_cast<int>(points.extent(1)) == net.layout().n_inputs(),
               "points have " << points.extent(1) << " columns, the network " << net.layout().n_inputs() << " inputs");
  const int n_points = static_cast<int>(points.extent(0));
  PointJetView jets(Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "pinn::nn::evaluate_jets::jets"), n_points);
  // Matrix products: several times faster than the per-point kernels for
  // wide layers (the history rows and metrics evaluate the network often).
  const detail::BatchedPath batched =
      path == KernelPath::automatic || path == KernelPath::batched_device || path == KernelPath::batched_jets_device
          ? detail::select_batched_path(net.layout(), order, path)
          : detail::BatchedPath::none;
  const int rank = communicator.rank();
  if (batched == detail::BatchedPath::piecewise_linear_device && n_points > 0) {
    DeviceBatchedWorkspace ws;
    ws.prepare(space, net.layout(), net.params(), n_points);
    const std::vector<int> share = communicator.split(ws.n_blocks);  // this rank's blocks
    device_batched_evaluate_jets(space, net, points, order, ws, jets, share[rank], share[rank + 1]);
    detail::gather_jets(space, communicator, share, ws.block_points, jets);
    return jets;
  }
  if (batched == detail::BatchedPath::jets_device && n_points > 0) {
    DeviceBatchedJetWorkspace ws;
    ws.prepare(space, net.layout(), net.params(), n_points, order, n_laplacian_dims);
    const std::vector<int> share = communicator.split(ws.n_blocks);  // this rank's blocks
    device_batched_jet_evaluate_jets(space, net, points, ws, jets, share[rank], share[rank + 1]);
    detail::gather_jets(space, communicator, share, ws.block_points, jets);
    return jets;
  }
  if (batched != detail::BatchedPath::none && n_points > 0) {
    space.fence();
    // This rank's blocks, cut as for the whole batch so that each is evaluated as one process would.
    const int block_points = batched_block_points(n_points);
    const std::vector<int> share = communicator.split((n_points + block_points - 1) / block_points);
    const BlockRange blocks{share[rank], share[rank + 1]};
    EvaluationWorkspaces own;
    EvaluationWorkspaces& ws = evaluation != nullptr ? *evaluation : own;
    if (batched == detail::BatchedPath::piecewise_linear)
      batched_evaluate_jets(net, points, order, ws.piecewise_linear, jets, blocks);
    else
      batched_jet_evaluate_jets(net, points, order, n_laplacian_dims, ws.jets, jets, blocks);
    detail::gather_jets(space, communicator, share, block_points, jets);
    return jets;
  }
  const int width = detail::select_fused_width(net.layout(), path);
  const int n_chunks = (n_points + kPointsPerChunk - 1) / kPointsPerChunk;
  detail::MlpJetKernel jet_kernel(net.layout(), net.params(), order, n_laplacian_dims);
  Matrix workspace(Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "pinn::nn::evaluate_jets::workspace"),
                   n_chunks, jet_kernel.workspace_size());
  Vector weights_t(Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "pinn::nn::evaluate_jets::weights_t"),
                   net.n_params());
  detail::transpose_weights(space, net.layout(), net.params(), weights_t);
  jet_kernel.weights_t = weights_t;
  const std::vector<int> share = communicator.split(n_chunks);  // this rank's chunks
  const Kokkos::RangePolicy<ExecSpace> policy(space, share[rank], share[rank + 1]);
  if (width == 0) {
    Kokkos::parallel_for("pinn::nn::evaluate_jets", policy,
                         JetChunks<detail::MlpJetKernel>{jet_kernel, points, workspace, jets, n_points});
  } else {
    detail::with_fused_kernel(width, net.layout(), [&](auto w, auto act) {
      using Kernel = detail::FusedJetKernel<decltype(w)::value, decltype(act)::value>;
      Kokkos::parallel_for("pinn::nn::evaluate_jets::fused", policy,
                           JetChunks<Kernel>{Kernel(jet_kernel), points, workspace, jets, n_points});
    });
  }
  detail::gather_jets(space, communicator, share, kPointsPerChunk, jets);
  return jets;
}

void GradientWorkspace::reserve(int n_chunks, int workspace_size, int n_params) {
  if (static_cast<int>(point_workspace.extent(0)) < n_chunks ||
      static_cast<int>(point_workspace.extent(1)) != workspace_size) {
    point_workspace = Matrix(Kokkos::view_alloc(Kokkos::WithoutInitializing, "pinn::nn::GradientWorkspace::points"),
                             n_chunks, workspace_size);
  }
  if (static_cast<int>(partial_gradient.extent(0)) < n_chunks ||
      static_cast<int>(partial_gradient.extent(1)) != n_params) {
    partial_gradient = Matrix(
        Kokkos::view_alloc(Kokkos::WithoutInitializing, "pinn::nn::GradientWorkspace::partial_gradient"), n_chunks,
        n_params);
  }
  if (static_cast<int>(partial_loss.extent(0)) < n_chunks) {
    partial_loss = Vector("pinn::nn::GradientWorkspace::partial_loss", n_chunks);
  }
  if (static_cast<int>(transposed_weights.extent(0)) != n_params) {
    transposed_weights = Vector(
        Kokkos::view_alloc(Kokkos::WithoutInitializing, "pinn::nn::GradientWorkspace::transposed_weights"), n_params);
  }
}

namespace detail {

int select_fused_width(const MlpLayout& layout, KernelPath path) {
  if (path == KernelPath::general) return 0;
  const int width = fused_width(layout);
  if (path == KernelPath::fused && width == 0) {
    std::ostringstream found, supported;
    for (int l = 1; l < layout.n_layers; ++l) found << (l > 1 ? ", " : "") << layout.width[l];
    for (const int w : kFusedWidths) supported << (w == kFusedWidths[0] ? "" : ", ") << w;
    PINN_REQUIRE(width != 0, "KernelPath::fused was requested for hidden widths ["
                                 << found.str() << "]; the fused kernels support networks whose hidden layers all "
                                 << "have one width of " << supported.str()
                                 << "; use KernelPath::automatic or KernelPath::general for other shapes");
  }
  return width;
}

namespace {

/// Whether every hidden layer is at least `width` wide (the batched jet paths
/// pay off only then).
bool hidden_layers_at_least(const MlpLayout& layout, int width) {
  for (int l = 1; l < layout.n_layers; ++l)
    if (layout.width[l] < width) return false;
  return true;
}

}  // namespace

BatchedPath select_batched_path(const MlpLayout& layout, JetOrder order, KernelPath path) {
  constexpr bool host_memory = Kokkos::SpaceAccessibility<Kokkos::HostSpace, MemSpace>::accessible;
  const bool piecewise_linear_network = batched_path_supports(layout, order);
  const bool jet_network = batched_jet_path_supports(layout);
  const bool piecewise_linear = host_memory && piecewise_linear_network;
  const bool jets = host_memory && jet_network;
  PINN_REQUIRE(piecewise_linear || path != KernelPath::batched,
               "KernelPath::batched was requested for a "
                   << to_string(layout.activation) << " network with " << layout.n_outputs()
                   << " output(s), smoothing " << layout.smoothing << " and jet order " << static_cast<int>(order)
                   << (host_memory ? "" : " on device memory")
                   << "; it supports exact ReLU/LeakyReLU/PReLU networks with at least one hidden layer and one "
                   << "output, jets up to the gradient, on host memory; use KernelPath::batched_device on device "
                   << "memory, KernelPath::batched_jets or KernelPath::automatic for the others");
  PINN_REQUIRE(piecewise_linear_network || path != KernelPath::batched_device,
               "KernelPath::batched_device was requested for a "
                   << to_string(layout.activation) << " network with " << layout.n_outputs()
                   << " output(s), smoothing " << layout.smoothing << " and jet order " << static_cast<int>(order)
                   << "; it supports exact ReLU/LeakyReLU/PReLU networks with at least one hidden layer and one "
                   << "output, jets up to the gradient; use KernelPath::automatic for the others");
  PINN_REQUIRE(jet_network || path != KernelPath::batched_jets_device,
               "KernelPath::batched_jets_device was requested for a network without a hidden layer; it needs at "
                   << "least one; use KernelPath::automatic");
  PINN_REQUIRE(jets || path != KernelPath::batched_jets,
               "KernelPath::batched_jets was requested for a network with "
                   << layout.n_layers - 1 << " hidden layers; it needs at least one, on host memory; use "
                   << "KernelPath::automatic");
  if (path == KernelPath::batched) return BatchedPath::piecewise_linear;
  if (path == KernelPath::batched_jets) return BatchedPath::jets;
  if (path == KernelPath::batched_device) return BatchedPath::piecewise_linear_device;
  if (path == KernelPath::batched_jets_device) return BatchedPath::jets_device;
  if (path != KernelPath::automatic) return BatchedPath::none;
  if (!host_memory) {
    if (piecewise_linear_network) return BatchedPath::piecewise_linear_device;
    return jet_network && hidden_layers_at_least(layout, kDeviceJetMinWidth) ? BatchedPath::jets_device
                                                                             : BatchedPath::none;
  }
  if (piecewise_linear) return BatchedPath::piecewise_linear;
  return jets && hidden_layers_at_least(layout, kBatchedJetMinWidth) ? BatchedPath::jets : BatchedPath::none;
}

void transpose_weights(const ExecSpace& space, const MlpLayout& layout, const ConstVector& params,
                       const Vector& weights_t) {
  PINN_REQUIRE(static_cast<int>(weights_t.extent(0)) >= layout.n_params,
               "weights_t has " << weights_t.extent(0) << " entries; the network " << layout.n_params);
  // Parameter index p → (layer, row, column) by scanning the ≤ 10 layer offsets.
  Kokkos::parallel_for(
      "pinn::nn::transpose_weights", Kokkos::RangePolicy<ExecSpace>(space, 0, layout.n_params),
      KOKKOS_LAMBDA(const int p) {
        for (int l = 0; l < layout.n_layers; ++l) {
          const int begin = layout.w_offset[l], w_in = layout.width[l], w_out = layout.width[l + 1];
          if (p >= begin && p < begin + w_in * w_out) {
            const int j = (p - begin) / w_in, i = (p - begin) % w_in;
            weights_t(begin + i * w_out + j) = params(p);
            return;
          }
        }
      });
}

void gather_jets(const ExecSpace& space, const Communicator& communicator, const std::vector<int>& share,
                 int points_per_share, const PointJetView& jets) {
  if (!communicator.distributed()) return;
  static_assert(sizeof(PointJet) % sizeof(double) == 0 && std::is_trivially_copyable_v<PointJet>,
                "jets are gathered as doubles");
  const std::vector<int> points = item_offsets(share, points_per_share, static_cast<int>(jets.extent(0)));
  space.fence();
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), jets);
  communicator.allgather_items(reinterpret_cast<double*>(host.data()), points, sizeof(PointJet) / sizeof(double));
  Kokkos::deep_copy(jets, host);
}

double combine_partial_rows(const ExecSpace& space, const Communicator& communicator, const Matrix& rows,
                            const Vector& losses, const std::vector<int>& share, const Vector& gradient) {
  const int n_rows = share.back();
  if (!communicator.distributed()) {
    sum_partial_gradients(space, rows, n_rows, gradient);
    return sum_partial_losses(space, losses, n_rows);
  }
  const int rank = communicator.rank();
  if (communicator.sums() == RankSums::reduced) {
    sum_partial_gradients(space, rows, share[rank + 1], gradient, share[rank]);
    return sum_over_ranks(communicator, sum_partial_losses(space, losses, share[rank + 1], share[rank]), gradient);
  }
  space.fence();
  // MPI reads host memory: a device build gathers through host mirrors.
  auto host_rows = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), rows);
  auto host_losses = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), losses);
  communicator.allgather_items(host_rows.data(), share, static_cast<long>(host_rows.extent(1)));
  communicator.allgather_items(host_losses.data(), share, 1);
  Kokkos::deep_copy(rows, host_rows);
  Kokkos::deep_copy(losses, host_losses);
  sum_partial_gradients(space, rows, n_rows, gradient);
  return sum_partial_losses(space, losses, n_rows);
}

void sum_partial_gradients(const ExecSpace& space, const Matrix& rows, int n_rows, const Vector& gradient, int first,
                           int group_rows) {
  PINN_REQUIRE(group_rows >= 1, "group_rows is " << group_rows << "; it must be at least 1");
  const int n_params = static_cast<int>(gradient.extent(0));
  const int n_groups = n_rows > first ? (n_rows - first + group_rows - 1) / group_rows : 0;
  // One group is the plain order: no first pass then.
  const int stride = n_groups > 1 ? group_rows : 1;
  if (stride > 1) {
    Kokkos::parallel_for(
        "pinn::nn::loss_and_gradient::sum_row_groups",
        Kokkos::RangePolicy<ExecSpace>(space, 0, n_groups * n_params), KOKKOS_LAMBDA(const int e) {
          const int g = e / n_params, p = e % n_params;
          const int begin = first + g * group_rows, end = begin + group_rows < n_rows ? begin + group_rows : n_rows;
          double sum = 0.0;
          for (int c = begin; c < end; ++c) sum += rows(c, p);
          rows(begin, p) = sum;
        });
  }
  Kokkos::parallel_for(
      "pinn::nn::loss_and_gradient::sum_chunks", Kokkos::RangePolicy<ExecSpace>(space, 0, n_params),
      KOKKOS_LAMBDA(const int p) {
        double sum = 0.0;
        for (int c = first; c < n_rows; c += stride) sum += rows(c, p);
        gradient(p) = sum;
      });
}

double sum_partial_losses(const ExecSpace& space, const Vector& losses, int n_rows, int first) {
  auto host = Kokkos::create_mirror_view(losses);
  space.fence();
  Kokkos::deep_copy(host, losses);
  double sum = 0.0;
  for (int c = first; c < n_rows; ++c) sum += host(c);
  return sum;
}

}  // namespace detail

}  // namespace pinn
