/// @file solver/stages/batched_residuals.hpp
/// @brief The residual form of the loss as the least-squares stages see it
/// (ceres_lm, natural_gradient), exposed for tests:
/// one EvaluationCallback that evaluates every residual and the whole
/// parameter Jacobian in one batched Kokkos pass, and one cost function per
/// residual family that copies its rows.
#pragma once

#include "nn/mlp.hpp"
#include "nn/mlp_evaluation.hpp"
#include "physics/least_squares_residuals.hpp"

#include <ceres/ceres.h>

#include <vector>

namespace pinn {

/// Evaluates residuals (and, when asked, the Jacobian) of all points at the
/// parameters Ceres is about to use; cost functions read from it.
class BatchedResiduals final : public ceres::EvaluationCallback {
 public:
  /// `communicator`: the ranks that share the rows' evaluation (each its
  /// range of points, then gathered: every rank holds every row).
  BatchedResiduals(const ExecSpace& space, Mlp& net, const Matrix& points, ObstaclePointResiduals residuals,
                   JetOrder order, const double* parameters, const Communicator& communicator = Communicator());

  void PrepareForEvaluation(bool evaluate_jacobians, bool new_evaluation_point) override;

  /// Makes sure the cache holds the values (and the Jacobian if asked) at `parameters`.
  void ensure(const double* parameters, bool with_jacobian);

  int n_params() const { return n_params_; }
  int per_point() const { return per_point_; }
  double residual(int row) const { return residuals_host_(row); }
  /// All residuals (n_points · per_point) and the Jacobian (that many rows ×
  /// n_params, row-major), on the host, as the last evaluation left them.
  const double* residuals() const { return residuals_host_.data(); }
  const double* jacobian() const { return jacobian_host_.data(); }
  int n_rows() const { return n_rows_; }
  const double* jacobian_row(int row) const { return &jacobian_host_(row, 0); }
  /// Row indices of one family, in point order.
  std::vector<int> rows_of(ResidualFamily family, const PointDataView& data) const;
  bool finite() const { return finite_; }

 private:
  void evaluate(const double* parameters, bool with_jacobian);

  ExecSpace space_;  ///< the run's (TrainingLoss::space)
  Mlp& net_;
  Matrix points_;
  ObstaclePointResiduals residual_functor_;
  JetOrder order_;
  const double* parameters_;  ///< Ceres' parameter block
  int n_params_, per_point_, n_rows_;
  Vector residuals_;
  Matrix jacobian_;
  Kokkos::View<double*, Kokkos::HostSpace> residuals_host_;
  Kokkos::View<double**, Kokkos::LayoutRight, Kokkos::HostSpace> jacobian_host_;
  Kokkos::View<double*, Kokkos::HostSpace> params_host_;
  std::vector<double> cached_at_;
  bool has_values_ = false, has_jacobian_ = false, finite_ = true;
  GradientWorkspace workspace_;
};

/// One residual family (PDE, obstacle or boundary) as a Ceres cost function on
/// the single parameter block of all network parameters.
class FamilyCost final : public ceres::CostFunction {
 public:
  FamilyCost(BatchedResiduals* batch, std::vector<int> rows);
  bool Evaluate(double const* const* parameters, double* residuals, double** jacobians) const override;

 private:
  BatchedResiduals* batch_;
  std::vector<int> rows_;
};

}  // namespace pinn
