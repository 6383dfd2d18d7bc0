/// @file nn/gauss_newton_step.hpp
/// @brief The damped Gauss–Newton (natural-gradient) step for ½‖r(θ)‖²:
/// (JᵀJ + δI) d = −Jᵀr. Formed in the parameter space (the P×P Gram matrix
/// JᵀJ by one DSYRK, Cholesky by LAPACK; memory P² twice) when there are at
/// least as many residuals as parameters, and in the residual space otherwise
/// (Woodbury: d = −Jᵀ(JJᵀ + δI)⁻¹r, an R×R system; memory R² twice) — the
/// same step, at the cost of the smaller system. Both products run on all
/// BLAS threads. J itself (R × P) is the caller's.
///
/// The damping is Marquardt's: δ·D with D = diag(JᵀJ) rather than δI (the
/// system is solved for the columns of J scaled to unit norm, which also
/// conditions it), so parameters whose columns differ in scale by orders of
/// magnitude (first-layer weights against output weights) are damped alike.
/// A floor m keeps D_p ≥ m·(1 + ‖J_p‖)², as Ceres' min_lm_diagonal does for
/// its Jacobi-scaled columns: without it a parameter that the points barely
/// see is barely damped, and its long steps bend the network between them.
///
/// A weight decay α adds ½α‖θ‖² to the cost: the rows √α θ_p appended to J
/// and r, so JᵀJ gains αI and Jᵀr gains αθ (always in the parameter space,
/// as those rows outnumber the parameters). Damping only slows the steps; the
/// decay moves the minimum itself away from the networks with large weights
/// that lower the discrete energy below the true one by features finer than
/// the training points (README, "Default pipelines").
#pragma once

#include "nn/communicator.hpp"

#include <algorithm>
#include <vector>

namespace pinn {

class GaussNewtonStep {
 public:
  GaussNewtonStep() = default;
  /// Ranks that share the Gram matrix's lanes (blas::syrk_upper); every rank
  /// ends with the whole matrix and the same step.
  /// `min_diagonal`: the floor m of the damping's diagonal (0: none).
  /// `weight_decay`: α of ½α‖θ‖² (0: none).
  explicit GaussNewtonStep(Communicator communicator, double min_diagonal = 0.0, double weight_decay = 0.0)
      : min_diagonal_(min_diagonal), weight_decay_(weight_decay), communicator_(std::move(communicator)) {}

  /// Forms JᵀJ (or JJᵀ) and the gradient Jᵀr from J (`rows` × `params`,
  /// row-major, as nn/parameter_jacobian.hpp writes it) and r (`rows`).
  /// Neither is kept after the call (what solve needs is copied).
  /// `linear` (empty, or one flag per row) marks rows whose residual is a
  /// term r_i of the loss itself rather than ½r_i² (the energy's Neumann
  /// terms, linear in u): their Hessian in function space is zero, so they
  /// add J_iᵀ to the gradient and nothing to JᵀJ or its scaling.
  /// `parameters` (θ, size params) is required with a weight decay.
  void set_jacobian(const double* jacobian, const double* residuals, int rows, int params,
                    const std::vector<char>& linear = {}, const double* parameters = nullptr);

  /// ½α‖θ‖², the weight decay's part of the cost at θ (`params` values; 0 without a decay).
  double decay_cost(const double* parameters, int params) const {
    if (weight_decay_ == 0.0) return 0.0;
    double squares = 0.0;
    for (int p = 0; p < params; ++p) squares += parameters[p] * parameters[p];
    return 0.5 * weight_decay_ * squares;
  }

  /// The gradient of the loss: Jᵀr (linear rows: J_iᵀ), + αθ with a weight decay.
  const std::vector<double>& gradient() const { return gradient_; }
  /// The mean diagonal entry of JᵀJ, ‖J‖²_F / P (without the weight decay).
  double mean_diagonal() const { return mean_diagonal_; }
  /// Whether the step is formed in the residual space: fewer square rows
  /// (those that are not linear) than params, and no weight decay.
  bool residual_space() const { return weight_decay_ == 0.0 && static_cast<int>(square_rows_.size()) < params_; }

  /// The step d of (JᵀJ + δ·D) d = −Jᵀr for damping δ > 0, written
  /// into `step` (size params). Returns false when the damped system is not
  /// numerically positive definite.
  bool solve(double damping, std::vector<double>& step);

 private:
  int params_ = 0;
  bool has_linear_rows_ = false;
  double mean_diagonal_ = 0.0;
  double min_diagonal_ = 0.0;
  double weight_decay_ = 0.0;
  std::vector<double> scale_;   ///< 1/√D_p (1 for zero columns without a floor)
  std::vector<int> square_rows_;  ///< the rows that are not linear
  std::vector<double> scaled_;  ///< J's square rows with scaled columns (residual space only)
  std::vector<double> square_residuals_;  ///< their r (residual space only)
  std::vector<double> linear_gradient_;   ///< S Σ J_iᵀ over the linear rows (residual space only)
  std::vector<double> compact_;  ///< J's nonzero rows (parameter space, when some are zero)
  std::vector<double> gram_;    ///< of the scaled J: JᵀJ or JJᵀ, upper triangle, column-major
  std::vector<double> factor_;  ///< its damped Cholesky factor
  std::vector<double> gradient_, rhs_;
  std::vector<double> gradient_weights_;  ///< r with 1 at the linear rows (only when there are some)
  Communicator communicator_;
};

/// Levenberg–Marquardt's rule for the damping δ of GaussNewtonStep::solve,
/// up to 16 attempts: `solve(δ)` forms the step (false: not positive
/// definite) and `trial_cost()` evaluates it; a step that lowers `cost` is
/// accepted and lowers δ (÷3), any other raises δ (×4) and solves the same
/// Gram matrix again. δ stays within [1e-15, 1e12] (multiples of diag(JᵀJ)).
/// Returns whether a step was accepted, its cost in `trial_cost`.
template <class Solve, class TrialCost>
bool levenberg_marquardt_step(double& damping, double cost, double& trial_cost, Solve&& solve,
                              TrialCost&& trial_cost_of_step) {
  constexpr double kMinDamping = 1e-15, kMaxDamping = 1e12;
  for (int attempt = 0; attempt < 16; ++attempt) {
    if (solve(damping) && (trial_cost = trial_cost_of_step()) < cost) {
      damping = std::max(kMinDamping, damping / 3.0);
      return true;
    }
    damping = std::min(kMaxDamping, damping * 4.0);
  }
  return false;
}

}  // namespace pinn
