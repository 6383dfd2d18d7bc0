/// @file nn/mlp_evaluation.cpp
/// @brief Jet evaluation and the deterministic reduction of partial gradients.
#include "nn/mlp_evaluation.hpp"

namespace pinn {

PointJetView evaluate_jets(const ExecSpace& space, const Mlp& net, const Matrix& points, JetOrder order,
                           int n_laplacian_dims) {
  PINN_REQUIRE(static_cast<int>(points.extent(1)) == net.layout().n_inputs(),
               "points have " << points.extent(1) << " columns, the network " << net.layout().n_inputs() << " inputs");
  const int n_points = static_cast<int>(points.extent(0));
  const int n_chunks = (n_points + kPointsPerChunk - 1) / kPointsPerChunk;
  detail::MlpJetKernel jet_kernel(net.layout(), net.params(), order, n_laplacian_dims);
  PointJetView jets(Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "pinn::nn::evaluate_jets::jets"), n_points);
  Matrix workspace(Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "pinn::nn::evaluate_jets::workspace"),
                   n_chunks, jet_kernel.workspace_size());
  const int n_in = net.layout().n_inputs();
  Kokkos::parallel_for(
      "pinn::nn::evaluate_jets", Kokkos::RangePolicy<ExecSpace>(space, 0, n_chunks), KOKKOS_LAMBDA(const int chunk) {
        double* ws = &workspace(chunk, 0);
        const int end = (chunk + 1) * kPointsPerChunk < n_points ? (chunk + 1) * kPointsPerChunk : n_points;
        double x[kMaxInputs];
        for (int i = chunk * kPointsPerChunk; i < end; ++i) {
          for (int k = 0; k < n_in; ++k) x[k] = points(i, k);
          PointJet jet;
          jet.zero();
          jet_kernel.forward(x, ws, jet);
          jets(i) = jet;
        }
      });
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
}

namespace detail {

void sum_partial_gradients(const ExecSpace& space, const GradientWorkspace& ws, int n_chunks, const Vector& gradient) {
  const Matrix partial = ws.partial_gradient;
  Kokkos::parallel_for(
      "pinn::nn::loss_and_gradient::sum_chunks", Kokkos::RangePolicy<ExecSpace>(space, 0, gradient.extent(0)),
      KOKKOS_LAMBDA(const int p) {
        double sum = 0.0;
        for (int c = 0; c < n_chunks; ++c) sum += partial(c, p);
        gradient(p) = sum;
      });
}

double sum_partial_losses(const ExecSpace& space, const GradientWorkspace& ws, int n_chunks) {
  auto host = Kokkos::create_mirror_view(ws.partial_loss);
  space.fence();
  Kokkos::deep_copy(host, ws.partial_loss);
  double sum = 0.0;
  for (int c = 0; c < n_chunks; ++c) sum += host(c);
  return sum;
}

}  // namespace detail

}  // namespace pinn
