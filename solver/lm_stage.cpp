/// @file solver/lm_stage.cpp
/// @brief The Ceres Levenberg–Marquardt stage (ceres_lm), inside the
/// augmented-Lagrangian loop.
#include "solver/lm_stage.hpp"

#include "nn/error.hpp"
#include "nn/parameter_jacobian.hpp"
#include "solver/detail/ceres_common.hpp"
#include "solver/obstacle_solver.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <iostream>

namespace pinn {

BatchedResiduals::BatchedResiduals(Mlp& net, const Matrix& points, ObstaclePointResiduals residuals, JetOrder order,
                                   const double* parameters)
    : net_(net),
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
      cached_at_(n_params_, 0.0) {}

void BatchedResiduals::PrepareForEvaluation(bool evaluate_jacobians, bool new_evaluation_point) {
  if (new_evaluation_point) has_values_ = has_jacobian_ = false;
  ensure(parameters_, evaluate_jacobians);
}

void BatchedResiduals::ensure(const double* parameters, bool with_jacobian) {
  const bool same_point =
      has_values_ && std::memcmp(parameters, cached_at_.data(), sizeof(double) * static_cast<std::size_t>(n_params_)) == 0;
  if (same_point && (has_jacobian_ || !with_jacobian)) return;
  evaluate(parameters, with_jacobian);
}

void BatchedResiduals::evaluate(const double* parameters, bool with_jacobian) {
  std::copy(parameters, parameters + n_params_, params_host_.data());
  Kokkos::deep_copy(net_.params(), params_host_);
  // One batched pass: all residuals and, when asked, the whole Jacobian.
  residual_jacobian(ExecSpace(), net_, points_, residual_functor_, order_, per_point_, residuals_,
                    with_jacobian ? jacobian_ : Matrix(), workspace_);
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
      if (residual_family(residual_functor_.layout, host(i).is_boundary != 0, slot) == family)
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
    if (with_jacobian) std::copy(batch_->jacobian_row(rows_[r]), batch_->jacobian_row(rows_[r]) + n, jacobians[0] + r * n);
  }
  return true;
}

namespace {

ceres::LinearSolverType linear_solver_for(LmLinearSolver choice) {
  switch (choice) {
    case LmLinearSolver::dense_qr: return ceres::DENSE_QR;
    case LmLinearSolver::cgnr: return ceres::CGNR;
    case LmLinearSolver::dense_normal_cholesky: return ceres::DENSE_NORMAL_CHOLESKY;
  }
  return ceres::DENSE_NORMAL_CHOLESKY;
}

}  // namespace

void ObstacleSolver::refine_with_lm(const StageConfig& stage, int stage_index, int start_iteration, int start_round,
                                   std::chrono::steady_clock::time_point stage_start) {
  StageSummary summary;
  summary.name = to_string(stage.type);
  summary.termination = StageTermination::completed;
  const int n = net_->n_params();
  auto host_params = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), net_->params());
  std::vector<double> x(host_params.data(), host_params.data() + n);
  const JetOrder order = jet_order_for(config_.loss.form);
  summary.loss_start = current_stage_loss_start_ =
      start_round > 0 ? current_stage_loss_start_ : evaluate_loss_terms().total();
  const int rounds = stage.multiplier_updates + 1;
  const int per_round = std::max(1, (stage.iterations + rounds - 1) / rounds);
  int done = start_iteration;
  bool interrupted = false;
  for (int round = start_round; round < rounds && done < stage.iterations && !interrupted; ++round) {
    const double round_seconds = begin_ceres_round(stage, stage_index, round, rounds, done, stage_start);
    if (round_seconds < 0) {
      summary.termination = StageTermination::time_limit;
      break;
    }
    // The residuals depend on λ and μ, so the problem is rebuilt each round.
    ObstaclePointResiduals functor{training_.data, loss_params_, residual_layout(loss_params_)};
    BatchedResiduals batch(*net_, training_.coordinates, functor, order, x.data());
    ceres::Problem::Options problem_options;
    problem_options.evaluation_callback = &batch;
    ceres::Problem problem(problem_options);
    for (ResidualFamily family : {ResidualFamily::pde, ResidualFamily::obstacle, ResidualFamily::boundary}) {
      std::vector<int> rows = batch.rows_of(family, training_.data);
      if (rows.empty()) continue;
      const double weight = 1.0;  // the quadrature weights are inside the residuals already
      problem.AddResidualBlock(new FamilyCost(&batch, std::move(rows)),
                               new ceres::ScaledLoss(nullptr, weight, ceres::TAKE_OWNERSHIP), x.data());
    }
    ceres::Solver::Options options;
    options.minimizer_type = ceres::TRUST_REGION;
    options.trust_region_strategy_type = ceres::LEVENBERG_MARQUARDT;
    options.linear_solver_type = linear_solver_for(stage.linear_solver);
    // LAPACK (OpenBLAS here) forms JᵀJ and factors it with threaded BLAS 3; Eigen's
    // dense solvers run on one core.
    if (ceres::IsDenseLinearAlgebraLibraryTypeAvailable(ceres::LAPACK))
      options.dense_linear_algebra_library_type = ceres::LAPACK;
    options.num_threads = std::max(1, backend_concurrency());
    const int done_before = done;
    detail::CeresIterationHook callback([&](int iteration) {
      done = done_before + iteration;
      interrupted = !on_ceres_iteration(stage, stage_index, summary.name, done, x.data(), stage_start);
      return !interrupted;
    });
    detail::set_round_options(options, std::min(per_round, stage.iterations - done), round_seconds, &callback);
    // The damping LM has learnt carries over to the next multiplier round: a
    // fresh solve would restart from a huge trust region and spend its first
    // iterations on rejected steps, which stalls short rounds completely.
    if (round == 0 && start_round == 0) lm_trust_region_radius_ = options.initial_trust_region_radius;
    options.initial_trust_region_radius = lm_trust_region_radius_;
    std::string invalid;
    PINN_REQUIRE(options.IsValid(&invalid), invalid);
    ceres::Solver::Summary ceres_summary;
    ceres::Solve(options, &problem, &ceres_summary);
    load_parameters(x.data());  // Ceres leaves the best accepted iterate in x
    if (!interrupted) consider_round_for_selection(stage, round, rounds, x);
    if (callback.trust_region_radius() > 0) lm_trust_region_radius_ = callback.trust_region_radius();
    done = std::max(done, done_before + static_cast<int>(ceres_summary.iterations.size()) - 1);
    end_ceres_round(summary, ceres_summary.termination_type, ceres_summary.BriefReport(), ceres_summary.message);
    if (round + 1 < rounds && !interrupted) next_multiplier_round(stage);
  }
  finish_ceres_stage(summary, stage, stage_index, done, interrupted, stage_start);
}

}  // namespace pinn
