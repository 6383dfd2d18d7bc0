/// @file nn/parameter_jacobian.hpp
/// @brief Per-point residuals built from the network's jets and their Jacobian
/// with respect to the parameters, for least-squares solvers (Ceres LM).
///
/// A point residual is any copyable struct with
///   KOKKOS_FUNCTION void operator()(int i, const PointJet& jet, double* residuals, PointJet* seeds) const;
/// writing point i's n_res residual values into residuals[0..n_res) and, for
/// each residual r, ∂r/∂jet into seeds[r] (the seeds arrive zeroed, the
/// residuals as 0). Rows of the Jacobian are ordered point-major: row
/// i·n_res + r holds ∂r_{i,r}/∂θ.
///
/// Each point costs one forward jet and n_res reverse passes (the reverse pass
/// keeps the forward workspace intact). Points are processed in the same fixed
/// chunks as loss_and_gradient, with one workspace row per chunk; every entry
/// is written by exactly one point, so the result does not depend on the
/// number of threads, nor on the number of MPI ranks that share the chunks
/// (GradientWorkspace::communicator; every rank ends with every row).
#pragma once

#include "nn/detail/jet_kernel.hpp"
#include "nn/error.hpp"
#include "nn/mlp.hpp"
#include "nn/mlp_evaluation.hpp"
#include "nn/point_jet.hpp"

namespace pinn {

/// Most residuals one point may have (FOSLS in 3D has d + 1 = 4).
inline constexpr int kMaxResidualsPerPoint = 8;

namespace detail {

template <class PointResidual>
struct ResidualJacobianChunks {
  MlpJetKernel jet_kernel;
  Matrix points;
  PointResidual residual;
  Matrix workspace;
  Vector residuals;
  Matrix jacobian;
  int n_points, n_residuals, n_params;
  bool with_jacobian;

  KOKKOS_INLINE_FUNCTION void operator()(const int chunk) const {
    double* ws = &workspace(chunk, 0);
    const int end = (chunk + 1) * kPointsPerChunk < n_points ? (chunk + 1) * kPointsPerChunk : n_points;
    double x[kMaxInputs];
    for (int i = chunk * kPointsPerChunk; i < end; ++i) {
      for (int k = 0; k < jet_kernel.layout.width[0]; ++k) x[k] = points(i, k);
      PointJet jet;
      jet.zero();
      jet_kernel.forward(x, ws, jet);
      PointJet seeds[kMaxResidualsPerPoint];
      double values[kMaxResidualsPerPoint];
      for (int r = 0; r < n_residuals; ++r) {
        seeds[r].zero();
        values[r] = 0.0;
      }
      residual(i, jet, values, seeds);
      for (int r = 0; r < n_residuals; ++r) residuals(i * n_residuals + r) = values[r];
      if (!with_jacobian) continue;
      for (int r = 0; r < n_residuals; ++r) {
        double* row = &jacobian(i * n_residuals + r, 0);
        for (int p = 0; p < n_params; ++p) row[p] = 0.0;
        jet_kernel.backward(x, ws, seeds[r], row);
      }
    }
  }
};

/// Gathers the residuals and Jacobian rows of the chunks [share[r],
/// share[r + 1]) that rank r computed onto every rank.
void gather_residual_rows(const ExecSpace& space, const Communicator& communicator, const std::vector<int>& share,
                          int n_points, int n_residuals_per_point, const Vector& residuals, const Matrix& jacobian);

}  // namespace detail

/// Writes the residuals (size n_points · n_residuals_per_point) and, unless
/// `jacobian` is empty (extent 0: residuals only, e.g. for a trial step), the
/// Jacobian (n_points · n_residuals_per_point, n_params), row-major, both
/// overwritten. `ws` is scratch kept between calls (its point workspace is
/// used; the gradient buffers are not touched). n_laplacian_dims < 0 means
/// all inputs.
template <class PointResidual>
void residual_jacobian(const ExecSpace& space, const Mlp& net, const Matrix& points, const PointResidual& residual,
                       JetOrder order, int n_residuals_per_point, const Vector& residuals, const Matrix& jacobian,
                       GradientWorkspace& ws, int n_laplacian_dims = -1) {
  const int n_points = static_cast<int>(points.extent(0));
  const int n_rows = n_points * n_residuals_per_point;
  PINN_REQUIRE(static_cast<int>(points.extent(1)) == net.layout().n_inputs(),
               "points have " << points.extent(1) << " columns, the network " << net.layout().n_inputs() << " inputs");
  PINN_REQUIRE(n_residuals_per_point >= 1 && n_residuals_per_point <= kMaxResidualsPerPoint,
               "residuals per point: found " << n_residuals_per_point << "; allowed 1.." << kMaxResidualsPerPoint);
  PINN_REQUIRE(static_cast<int>(residuals.extent(0)) == n_rows,
               "residuals have " << residuals.extent(0) << " entries; expected n_points * n_residuals = " << n_rows);
  const bool with_jacobian = jacobian.extent(0) > 0;
  PINN_REQUIRE(!with_jacobian || (static_cast<int>(jacobian.extent(0)) == n_rows &&
                                  static_cast<int>(jacobian.extent(1)) == net.n_params()),
               "jacobian is " << jacobian.extent(0) << " x " << jacobian.extent(1) << "; expected " << n_rows << " x "
                              << net.n_params() << " (or empty for residuals only)");
  const int n_chunks = (n_points + kPointsPerChunk - 1) / kPointsPerChunk;
  detail::MlpJetKernel jet_kernel(net.layout(), net.params(), order, n_laplacian_dims);
  if (static_cast<int>(ws.point_workspace.extent(0)) < n_chunks ||
      static_cast<int>(ws.point_workspace.extent(1)) != jet_kernel.workspace_size()) {
    ws.point_workspace =
        Matrix(Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "pinn::nn::GradientWorkspace::points"), n_chunks,
               jet_kernel.workspace_size());
  }
  detail::ResidualJacobianChunks<PointResidual> kernel{
      jet_kernel, points,       residual,           ws.point_workspace, residuals, jacobian, n_points,
      n_residuals_per_point,    net.n_params(),     with_jacobian};
  // This rank's chunks; then the other ranks' rows (nn/communicator.hpp).
  const Communicator& communicator = ws.communicator;
  const std::vector<int> share = communicator.split(n_chunks);
  Kokkos::parallel_for(
      "pinn::nn::residual_jacobian::chunks",
      Kokkos::RangePolicy<ExecSpace>(space, share[communicator.rank()], share[communicator.rank() + 1]), kernel);
  if (communicator.distributed())
    detail::gather_residual_rows(space, communicator, share, n_points, n_residuals_per_point, residuals, jacobian);
}

/// The same with a workspace allocated for this call.
template <class PointResidual>
void residual_jacobian(const ExecSpace& space, const Mlp& net, const Matrix& points, const PointResidual& residual,
                       JetOrder order, int n_residuals_per_point, const Vector& residuals, const Matrix& jacobian,
                       int n_laplacian_dims = -1) {
  GradientWorkspace ws;
  residual_jacobian(space, net, points, residual, order, n_residuals_per_point, residuals, jacobian, ws,
                    n_laplacian_dims);
}

}  // namespace pinn
