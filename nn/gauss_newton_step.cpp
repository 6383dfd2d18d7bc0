/// @file nn/gauss_newton_step.cpp
/// @brief The damped Gauss–Newton step.
#include "nn/gauss_newton_step.hpp"

#include "nn/blas.hpp"
#include "nn/error.hpp"
#include "nn/kokkos_types.hpp"

#include <algorithm>
#include <cmath>

namespace pinn {

namespace {

/// Rows per task of column_sums: fixed, so that the sums' rounding does not
/// depend on the thread count.
constexpr int kRowBlock = 512;

/// gradient = Σ_i w_i J_i and squares = Σ J_i² over the rows not flagged
/// `linear` (null: none is), J row-major rows × params: each block of rows
/// sums on one thread (a pass over J that streams its rows), then the
/// blocks' sums add up in block order.
void column_sums(const double* jacobian, int rows, int params, const double* weights, const char* linear,
                 double* gradient, double* squares) {
  const int blocks = (rows + kRowBlock - 1) / kRowBlock;
  const auto size = static_cast<std::size_t>(params);
  std::vector<double> partial(2 * size * static_cast<std::size_t>(blocks), 0.0);
  double* sums = partial.data();
  Kokkos::parallel_for(
      "pinn::nn::GaussNewtonStep::column_sums", Kokkos::RangePolicy<HostExecSpace>(0, blocks), [=](const int block) {
        double* g = sums + 2 * size * static_cast<std::size_t>(block);
        double* s = g + size;
        const int end = std::min(rows, (block + 1) * kRowBlock);
        for (int i = block * kRowBlock; i < end; ++i) {
          const double* row = jacobian + static_cast<std::size_t>(i) * size;
          const double w = weights[i];
          for (std::size_t p = 0; p < size; ++p) g[p] += w * row[p];
          if (linear && linear[i]) continue;
          for (std::size_t p = 0; p < size; ++p) s[p] += row[p] * row[p];
        }
      });
  std::fill(gradient, gradient + params, 0.0);
  std::fill(squares, squares + params, 0.0);
  for (int block = 0; block < blocks; ++block) {
    const double* g = sums + 2 * size * static_cast<std::size_t>(block);
    for (std::size_t p = 0; p < size; ++p) gradient[p] += g[p], squares[p] += g[size + p];
  }
}

}  // namespace

void GaussNewtonStep::set_jacobian(const double* jacobian, const double* residuals, int rows, int params,
                                   const std::vector<char>& linear, const double* parameters) {
  PINN_REQUIRE(rows > 0 && params > 0, "GaussNewtonStep: J is " << rows << " x " << params);
  PINN_REQUIRE(weight_decay_ == 0.0 || parameters, "GaussNewtonStep: a weight decay needs the parameters");
  PINN_REQUIRE(linear.empty() || linear.size() == static_cast<std::size_t>(rows),
               "GaussNewtonStep: " << linear.size() << " linear-row flags for " << rows << " rows");
  params_ = params;
  has_linear_rows_ = std::any_of(linear.begin(), linear.end(), [](char flag) { return flag != 0; });
  const auto is_linear = [&](int i) { return has_linear_rows_ && linear[i]; };
  // Jᵀr (with 1 at the linear rows) and the column norms of the square rows,
  // in one pass over J on all threads.
  const double* weights = residuals;
  if (has_linear_rows_) {
    gradient_weights_.assign(residuals, residuals + rows);
    for (int i = 0; i < rows; ++i)
      if (linear[i]) gradient_weights_[i] = 1.0;
    weights = gradient_weights_.data();
  }
  gradient_.resize(static_cast<std::size_t>(params));
  std::vector<double> squares(static_cast<std::size_t>(params));
  column_sums(jacobian, rows, params, weights, has_linear_rows_ ? linear.data() : nullptr, gradient_.data(),
              squares.data());
  // Column norms: the Marquardt scaling (zero columns, e.g. of dead
  // neurons, keep scale 1 and are held by the damping alone). The weight
  // decay's rows √α e_p add α to each.
  scale_.resize(static_cast<std::size_t>(params));
  double total = 0.0;
  for (int p = 0; p < params; ++p) {
    total += squares[p];
    if (weight_decay_ > 0.0) {
      squares[p] += weight_decay_;
      gradient_[p] += weight_decay_ * parameters[p];
    }
    const double norm = std::sqrt(squares[p]);
    const double diagonal = std::max(squares[p], min_diagonal_ * (1.0 + norm) * (1.0 + norm));
    scale_[p] = diagonal > 0.0 ? 1.0 / std::sqrt(diagonal) : 1.0;
  }
  mean_diagonal_ = total / params;
  square_rows_.clear();
  for (int i = 0; i < rows; ++i)
    if (!is_linear(i)) square_rows_.push_back(i);
  // J row-major (R × P) is A = Jᵀ column-major (P × R, leading dimension P);
  // the scaled J̃ = J S is S A.
  const int n = residual_space() ? static_cast<int>(square_rows_.size()) : params;
  gram_.assign(static_cast<std::size_t>(n) * n, 0.0);
  if (residual_space()) {
    // The square rows of J̃ (linear rows add nothing to J̃ᵀJ̃), their r, and
    // the linear rows' part of the scaled gradient, g̃_L = S Σ J_iᵀ.
    scaled_.resize(static_cast<std::size_t>(n) * params);
    square_residuals_.resize(static_cast<std::size_t>(n));
    for (int k = 0; k < n; ++k) {
      const double* row = jacobian + static_cast<std::size_t>(square_rows_[k]) * params;
      for (int p = 0; p < params; ++p) scaled_[static_cast<std::size_t>(k) * params + p] = row[p] * scale_[p];
      square_residuals_[k] = residuals[square_rows_[k]];
    }
    linear_gradient_.assign(static_cast<std::size_t>(params), 0.0);
    for (int i = 0; has_linear_rows_ && i < rows; ++i)
      if (linear[i])
        for (int p = 0; p < params; ++p)
          linear_gradient_[p] += jacobian[static_cast<std::size_t>(i) * params + p] * scale_[p];
    if (n > 0)
      blas::syrk_upper(true, n, params, 1.0, scaled_.data(), params, 0.0, gram_.data(), n, communicator_);  // J̃J̃ᵀ
  } else {
    // Rows of J that are zero (the obstacle residuals of points off the
    // contact set, a third or more of the rows) add nothing to JᵀJ: the
    // product runs over the others only (and never over linear rows).
    std::vector<char> used(static_cast<std::size_t>(rows), 0);
    Kokkos::parallel_for("pinn::nn::GaussNewtonStep::nonzero_rows", Kokkos::RangePolicy<HostExecSpace>(0, rows),
                         [&](const int i) {
                           const double* row = jacobian + static_cast<std::size_t>(i) * params;
                           used[i] = !is_linear(i) && std::any_of(row, row + params, [](double v) { return v != 0.0; });
                         });
    std::vector<int> nonzero;
    for (int i = 0; i < rows; ++i)
      if (used[i]) nonzero.push_back(i);
    const double* rows_used = jacobian;
    const int n_used = static_cast<int>(nonzero.size());
    if (n_used < rows) {
      compact_.resize(nonzero.size() * static_cast<std::size_t>(params));
      Kokkos::parallel_for("pinn::nn::GaussNewtonStep::compact_rows", Kokkos::RangePolicy<HostExecSpace>(0, n_used),
                           [&](const int k) {
                             const double* row = jacobian + static_cast<std::size_t>(nonzero[k]) * params;
                             std::copy(row, row + params, compact_.begin() + static_cast<std::ptrdiff_t>(k) * params);
                           });
      rows_used = compact_.data();
    }
    if (n_used > 0)  // JᵀJ, scaled below
      blas::syrk_upper(false, n, n_used, 1.0, rows_used, params, 0.0, gram_.data(), n, communicator_);
    for (int p = 0; p < n && weight_decay_ > 0.0; ++p) gram_[static_cast<std::size_t>(p) * n + p] += weight_decay_;
    for (int q = 0; q < n; ++q)
      for (int p = 0; p <= q; ++p) gram_[static_cast<std::size_t>(q) * n + p] *= scale_[p] * scale_[q];
  }
}

bool GaussNewtonStep::solve(double damping, std::vector<double>& step) {
  // With J̃ = J S (S = diag(scale) = D^{-1/2}): (JᵀJ + δD) d = −Jᵀr is
  // (J̃ᵀJ̃ + δI) d̃ = −J̃ᵀr with d = S d̃.
  const int n = residual_space() ? static_cast<int>(square_rows_.size()) : params_;
  factor_ = gram_;
  for (int i = 0; i < n; ++i) factor_[static_cast<std::size_t>(i) * n + i] += damping;
  if (n > 0 && !blas::cholesky_upper(n, factor_.data(), n)) return false;
  step.assign(static_cast<std::size_t>(params_), 0.0);
  if (!residual_space()) {
    for (int p = 0; p < params_; ++p) step[p] = -scale_[p] * gradient_[p];
    blas::cholesky_solve_upper(n, factor_.data(), n, step.data());
  } else {
    // (J̃ᵀJ̃ + δI)⁻¹J̃ᵀ = J̃ᵀ(J̃J̃ᵀ + δI)⁻¹: for the squares' part J̃ᵀr of the
    // gradient, d̃ = −J̃ᵀ y with (J̃J̃ᵀ + δI) y = r.
    rhs_ = square_residuals_;
    if (n > 0) {
      blas::cholesky_solve_upper(n, factor_.data(), n, rhs_.data());
      blas::gemv(false, params_, n, -1.0, scaled_.data(), params_, rhs_.data(), 0.0, step.data());
    }
    if (has_linear_rows_) {
      // The linear rows' part g̃_L by Woodbury's identity itself,
      // (J̃ᵀJ̃ + δI)⁻¹ = (I − J̃ᵀ(J̃J̃ᵀ + δI)⁻¹J̃)/δ: d̃ −= (g̃_L − J̃ᵀz)/δ with
      // (J̃J̃ᵀ + δI) z = J̃ g̃_L.
      std::vector<double> z(static_cast<std::size_t>(n), 0.0), back(static_cast<std::size_t>(params_), 0.0);
      if (n > 0) {
        blas::gemv(true, params_, n, 1.0, scaled_.data(), params_, linear_gradient_.data(), 0.0, z.data());
        blas::cholesky_solve_upper(n, factor_.data(), n, z.data());
        blas::gemv(false, params_, n, 1.0, scaled_.data(), params_, z.data(), 0.0, back.data());
      }
      for (int p = 0; p < params_; ++p) step[p] -= (linear_gradient_[p] - back[p]) / damping;
    }
  }
  for (int p = 0; p < params_; ++p) step[p] *= scale_[p];
  return true;
}

}  // namespace pinn
