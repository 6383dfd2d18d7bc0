/// @file solver/stages/batched_residuals.cpp
/// @brief The batched residuals and cost functions of the ceres_lm stage.
#include "solver/stages/batched_residuals.hpp"

#include "nn/parameter_jacobian.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace pinn {

BatchedResiduals::BatchedResiduals(const ExecSpace& space, Mlp& net, const Matrix& points,
                                   ObstaclePointResiduals residuals, JetOrder order, const double* parameters,
                                   const Communicator& communicator)
    : space_(space),
      net_(net),
      points_(points),
      residual_functor_(residuals),
      order_(order),
      parameters_(parameters),
      n_params_(net.n_params()),
      per_point_(residuals.layout.per_point()),
      n_rows_(static_cast<int>(points.extent(0)) * per_point_),
      residuals_("pinn::solver::lm::residuals", n_rows_),
      jacobian_("pinn::solver::lm::jacobian", n_rows_, n_params_),
      residuals_host_(Kokkos::create_mirror_view(residuals_)),
      jacobian_host_(Kokkos::create_mirror_view(jacobian_)),
      params_host_(Kokkos::create_mirror_view(net.params())),
      cached_at_(n_params_, 0.0) {
  workspace_.communicator = communicator;
}

void BatchedResiduals::PrepareForEvaluation(bool evaluate_jacobians, bool new_evaluation_point) {
  if (new_evaluation_point) has_values_ = has_jacobian_ = false;
  ensure(parameters_, evaluate_jacobians);
}

void BatchedResiduals::ensure(const double* parameters, bool with_jacobian) {
  const bool same_point = has_values_ && std::memcmp(parameters, cached_at_.data(),
                                                     sizeof(double) * static_cast<std::size_t>(n_params_)) == 0;
  if (same_point && (has_jacobian_ || !with_jacobian)) return;
  evaluate(parameters, with_jacobian);
}

void BatchedResiduals::evaluate(const double* parameters, bool with_jacobian) {
  std::copy(parameters, parameters + n_params_, params_host_.data());
  Kokkos::deep_copy(net_.params(), params_host_);
  // One batched pass: all residuals and, when asked, the whole Jacobian.
  residual_jacobian(space_, net_, points_, residual_functor_, order_, per_point_, residuals_,
                    with_jacobian ? jacobian_ : Matrix(), workspace_, residual_functor_.params.laplacian_dims);
  Kokkos::deep_copy(residuals_host_, residuals_);
  if (with_jacobian) Kokkos::deep_copy(jacobian_host_, jacobian_);
  finite_ = true;
  for (int r = 0; r < n_rows_ && finite_; ++r) finite_ = std::isfinite(residuals_host_(r));
  std::copy(parameters, parameters + n_params_, cached_at_.begin());
  has_values_ = true;
  has_jacobian_ = with_jacobian;
}

std::vector<int> BatchedResiduals::rows_of(ResidualFamily family, const PointDataView& data) const {
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), data);
  std::vector<int> rows;
  const int n_points = static_cast<int>(points_.extent(0));
  for (int i = 0; i < n_points; ++i)
    for (int slot = 0; slot < per_point_; ++slot)
      if (residual_family(residual_functor_, host(i), slot) == family)
        rows.push_back(i * per_point_ + slot);
  return rows;
}

FamilyCost::FamilyCost(BatchedResiduals* batch, std::vector<int> rows) : batch_(batch), rows_(std::move(rows)) {
  set_num_residuals(static_cast<int>(rows_.size()));
  mutable_parameter_block_sizes()->push_back(batch_->n_params());
}

bool FamilyCost::Evaluate(double const* const* parameters, double* residuals, double** jacobians) const {
  const bool with_jacobian = jacobians && jacobians[0];
  // Inside a solve the callback has prepared this point already; the check
  // keeps the cost function correct on its own (ceres::GradientChecker).
  batch_->ensure(parameters[0], with_jacobian);
  if (!batch_->finite()) return false;
  const int n = batch_->n_params();
  for (std::size_t r = 0; r < rows_.size(); ++r) {
    residuals[r] = batch_->residual(rows_[r]);
    if (with_jacobian)
      std::copy(batch_->jacobian_row(rows_[r]), batch_->jacobian_row(rows_[r]) + n, jacobians[0] + r * n);
  }
  return true;
}

}  // namespace pinn
