/// @file nn/gauss_newton_step.cpp
/// @brief The damped Gauss–Newton step.
#include "nn/gauss_newton_step.hpp"

#include "nn/blas.hpp"
#include "nn/error.hpp"

#include <algorithm>

namespace pinn {

void GaussNewtonStep::set_jacobian(const double* jacobian, const double* residuals, int rows, int params) {
  PINN_REQUIRE(rows > 0 && params > 0, "GaussNewtonStep: J is " << rows << " x " << params);
  jacobian_ = jacobian;
  residuals_ = residuals;
  rows_ = rows;
  params_ = params;
  // J row-major (R × P) is A = Jᵀ column-major (P × R, leading dimension P).
  const int n = std::min(rows, params);
  gram_.assign(static_cast<std::size_t>(n) * n, 0.0);
  if (residual_space()) {
    blas::syrk_upper(true, n, params, 1.0, jacobian, params, 0.0, gram_.data(), n);  // JJᵀ = AᵀA
  } else {
    blas::syrk_upper(false, n, rows, 1.0, jacobian, params, 0.0, gram_.data(), n);  // JᵀJ = AAᵀ
  }
  gradient_.assign(static_cast<std::size_t>(params), 0.0);
  blas::gemv(false, params, rows, 1.0, jacobian, params, residuals, 0.0, gradient_.data());  // Jᵀr = A r
  double trace = 0.0;
  for (int i = 0; i < n; ++i) trace += gram_[static_cast<std::size_t>(i) * n + i];
  mean_diagonal_ = trace / params;  // tr(JᵀJ) = tr(JJᵀ) = ‖J‖²_F
}

bool GaussNewtonStep::solve(double damping, std::vector<double>& step) {
  const int n = std::min(rows_, params_);
  factor_ = gram_;
  for (int i = 0; i < n; ++i) factor_[static_cast<std::size_t>(i) * n + i] += damping;
  if (!blas::cholesky_upper(n, factor_.data(), n)) return false;
  step.assign(static_cast<std::size_t>(params_), 0.0);
  if (!residual_space()) {
    // (JᵀJ + δI) d = −Jᵀr
    for (int p = 0; p < params_; ++p) step[p] = -gradient_[p];
    blas::cholesky_solve_upper(n, factor_.data(), n, step.data());
  } else {
    // (JᵀJ + δI)⁻¹Jᵀ = Jᵀ(JJᵀ + δI)⁻¹: d = −Jᵀ y with (JJᵀ + δI) y = r.
    rhs_.assign(residuals_, residuals_ + rows_);
    blas::cholesky_solve_upper(n, factor_.data(), n, rhs_.data());
    blas::gemv(false, params_, rows_, -1.0, jacobian_, params_, rhs_.data(), 0.0, step.data());
  }
  return true;
}

}  // namespace pinn
