/// @file tests/nn/test_gauss_newton_step.cpp
/// @brief The damped Gauss–Newton step solves (JᵀJ + δD) d = −Jᵀr (D = diag(JᵀJ), floored), in the
/// parameter space (rows ≥ params) and through Woodbury in the residual space
/// (rows < params), checked against a plain elimination on the normal equations
/// (linear rows: in the gradient only, in either space; a weight decay as
/// rows of the parameters);
/// blas::syrk_upper's lanes of row blocks against the plain product.
#include "nn/blas.hpp"
#include "nn/gauss_newton_step.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <utility>
#include <vector>

namespace {

/// (JᵀJ + δD) d = −Jᵀr by Gaussian elimination with partial pivoting, D_p =
/// max(‖J_p‖², m(1 + ‖J_p‖)²) for the floor m. Rows with `linear[i]` are
/// terms r_i of the loss: J_iᵀ in the gradient, nothing in JᵀJ.
std::vector<double> reference_step(const std::vector<double>& j, const std::vector<double>& r, int rows, int params,
                                   double damping, double min_diagonal, const std::vector<char>& linear) {
  std::vector<double> a(static_cast<std::size_t>(params) * params, 0.0), b(params, 0.0);
  for (int p = 0; p < params; ++p) {
    for (int q = 0; q < params; ++q)
      for (int i = 0; i < rows; ++i)
        if (!linear[i]) a[p * params + q] += j[i * params + p] * j[i * params + q];
    const double norm = std::sqrt(a[p * params + p]);
    a[p * params + p] += damping * std::max(norm * norm, min_diagonal * (1.0 + norm) * (1.0 + norm));
    for (int i = 0; i < rows; ++i) b[p] -= j[i * params + p] * (linear[i] ? 1.0 : r[i]);
  }
  for (int c = 0; c < params; ++c) {
    int pivot = c;
    for (int k = c + 1; k < params; ++k)
      if (std::abs(a[k * params + c]) > std::abs(a[pivot * params + c])) pivot = k;
    for (int q = 0; q < params; ++q) std::swap(a[c * params + q], a[pivot * params + q]);
    std::swap(b[c], b[pivot]);
    for (int k = c + 1; k < params; ++k) {
      const double f = a[k * params + c] / a[c * params + c];
      for (int q = c; q < params; ++q) a[k * params + q] -= f * a[c * params + q];
      b[k] -= f * b[c];
    }
  }
  std::vector<double> x(params);
  for (int c = params - 1; c >= 0; --c) {
    double s = b[c];
    for (int q = c + 1; q < params; ++q) s -= a[c * params + q] * x[q];
    x[c] = s / a[c * params + c];
  }
  return x;
}

/// gn's gradient Jᵀr (linear rows: J_iᵀ) and step for `damping` against
/// those of the normal equations of J and r.
void expect_gradient_and_step(pinn::GaussNewtonStep& gn, const std::vector<double>& j, const std::vector<double>& r,
                              int rows, int params, double damping, double min_diagonal,
                              const std::vector<char>& linear) {
  for (int p = 0; p < params; ++p) {
    double g = 0.0;
    for (int i = 0; i < rows; ++i) g += j[i * params + p] * (linear[i] ? 1.0 : r[i]);
    EXPECT_NEAR(gn.gradient()[p], g, 1e-12 * (1.0 + std::abs(g)));
  }
  std::vector<double> step;
  ASSERT_TRUE(gn.solve(damping, step));
  const std::vector<double> expected = reference_step(j, r, rows, params, damping, min_diagonal, linear);
  for (int p = 0; p < params; ++p)
    EXPECT_NEAR(step[p], expected[p], 1e-9 * (1.0 + std::abs(expected[p]))) << rows << "x" << params << " p=" << p;
}

/// With `zero_rows_every` > 0, every such row of J is zero (an obstacle
/// residual off the contact set), which the parameter-space product skips;
/// with `linear_rows_every` > 0, every such row (from row 1) is a linear term.
void check_step(int rows, int params, double damping, int zero_rows_every = 0, double min_diagonal = 0.0,
                int linear_rows_every = 0) {
  std::mt19937 rng(rows * 131 + params);
  std::normal_distribution<double> normal;
  std::vector<double> j(static_cast<std::size_t>(rows) * params), r(rows);
  for (double& v : j) v = normal(rng);
  for (double& v : r) v = normal(rng);
  for (int i = 0; zero_rows_every > 0 && i < rows; i += zero_rows_every)
    std::fill(j.begin() + static_cast<std::ptrdiff_t>(i) * params, j.begin() + static_cast<std::ptrdiff_t>(i + 1) * params,
              0.0);
  std::vector<char> linear(rows, 0);
  for (int i = 1; linear_rows_every > 0 && i < rows; i += linear_rows_every) linear[i] = 1;
  pinn::GaussNewtonStep gn(pinn::Communicator(), min_diagonal);
  gn.set_jacobian(j.data(), r.data(), rows, params, linear);
  EXPECT_EQ(gn.residual_space(), std::count(linear.begin(), linear.end(), 0) < params);
  double frobenius = 0.0;
  for (int i = 0; i < rows; ++i)
    for (int p = 0; p < params && !linear[i]; ++p) frobenius += j[i * params + p] * j[i * params + p];
  EXPECT_NEAR(gn.mean_diagonal(), frobenius / params, 1e-12 * frobenius);
  expect_gradient_and_step(gn, j, r, rows, params, damping, min_diagonal, linear);
}

}  // namespace

TEST(GaussNewtonStep, ParameterSpaceMatchesTheNormalEquations) {
  check_step(40, 12, 1e-3);
  check_step(40, 12, 10.0);
}

TEST(GaussNewtonStep, ZeroRowsOfTheJacobianChangeNothing) {
  check_step(60, 12, 1e-3, 2);  // half the rows zero
  check_step(3 * pinn::blas::kSyrkRows + 70, 40, 1e-3, 3);  // over several of the Gram's row blocks
  check_step(9, 30, 1e-3, 3);   // the residual space keeps them
}

TEST(GaussNewtonStep, TheFloorOfTheDampingDiagonal) {
  // Columns of norm n about √rows, (n/(1 + n))² about 0.7: a floor of 0.01
  // lifts none of them, 0.75 some, 5 every one.
  for (const double floor : {0.01, 0.75, 5.0}) {
    check_step(40, 12, 1e-2, 0, floor);
    check_step(9, 30, 1e-2, 0, floor);
  }
  check_step(60, 12, 1e-2, 2, 3.0);
}

TEST(GaussNewtonStep, LinearRowsAddToTheGradientAndNotToTheGramMatrix) {
  check_step(60, 12, 1e-3, 0, 0.0, 5);
  check_step(60, 12, 1e-2, 4, 0.5, 3);  // with zero rows and the floor
  // Fewer square rows than parameters: Woodbury, the linear rows' gradient through its identity.
  check_step(9, 30, 1e-2, 0, 0.0, 4);
  check_step(9, 30, 1e-4, 0, 0.5, 2);
  check_step(3, 8, 1.0, 0, 0.0, 1);  // every row but the first linear
}

/// A weight decay α is the rows √α e_p with residuals √α θ_p appended to J
/// and r: the step and the gradient match those of the longer system, in the
/// parameter space even with fewer residuals than parameters.
TEST(GaussNewtonStep, WeightDecayIsRowsOfTheParameters) {
  const double decay = 0.3, damping = 1e-2, floor = 0.5;
  for (const auto& [rows, params] : {std::pair{40, 12}, std::pair{9, 30}}) {
    std::mt19937 rng(rows * 17 + params);
    std::normal_distribution<double> normal;
    std::vector<double> j(static_cast<std::size_t>(rows) * params), r(rows), theta(params);
    for (double& v : j) v = normal(rng);
    for (double& v : r) v = normal(rng);
    for (double& v : theta) v = 3.0 * normal(rng);
    std::vector<char> linear(rows, 0);
    linear[1] = 1;
    pinn::GaussNewtonStep gn(pinn::Communicator(), floor, decay);
    gn.set_jacobian(j.data(), r.data(), rows, params, linear, theta.data());
    EXPECT_FALSE(gn.residual_space());
    std::vector<double> longer_j = j, longer_r = r;
    std::vector<char> longer_linear = linear;
    for (int p = 0; p < params; ++p) {
      std::vector<double> row(params, 0.0);
      row[p] = std::sqrt(decay);
      longer_j.insert(longer_j.end(), row.begin(), row.end());
      longer_r.push_back(std::sqrt(decay) * theta[p]);
      longer_linear.push_back(0);
    }
    expect_gradient_and_step(gn, longer_j, longer_r, rows + params, params, damping, floor, longer_linear);
    double decay_squares = 0.0;  // ½ Σ of the appended rows' squared residuals
    for (int p = 0; p < params; ++p) decay_squares += 0.5 * longer_r[rows + p] * longer_r[rows + p];
    EXPECT_NEAR(gn.decay_cost(theta.data(), params), decay_squares, 1e-12 * decay_squares);
  }
  EXPECT_EQ(pinn::GaussNewtonStep(pinn::Communicator(), 0.5).decay_cost(std::vector<double>{1.0, 2.0}.data(), 2), 0.0);
}

TEST(GaussNewtonStep, WoodburyMatchesTheNormalEquationsWithFewerResidualsThanParameters) {
  check_step(9, 30, 1e-3);
  check_step(9, 30, 5.0);
  check_step(1, 7, 0.5);
}

TEST(GaussNewtonStep, MatchesTheNormalEquationsOverSeveralGramLanes) {
  // More row blocks of blas::kSyrkRows than lanes (parameter space), and
  // more than one block of products in the residual space's J̃J̃ᵀ.
  check_step((pinn::blas::kSyrkLanes + 2) * pinn::blas::kSyrkRows + 14, 30, 1e-3);
  check_step(40, pinn::blas::kSyrkRows + 5, 1e-3);
}

/// syrk_upper (row blocks of kSyrkRows in at most kSyrkLanes lanes) is
/// alpha·op(A)·op(A)ᵀ + beta·C on the upper triangle, with leading dimensions
/// larger than the matrices, and leaves the rest of C alone.
TEST(Blas, SyrkUpperLanesMatchThePlainProduct) {
  std::mt19937 rng(11);
  std::normal_distribution<double> normal;
  const double alpha = 0.7, beta = -0.4, untouched = 12345.0;
  for (const bool transpose : {false, true})
    for (const int n : {1, 5, 37})
      for (const int k : {3, 200, pinn::blas::kSyrkRows + 1, (pinn::blas::kSyrkLanes + 1) * pinn::blas::kSyrkRows + 7}) {
        // A is n×k (or, with transpose, k×n), column-major with leading dimension lda.
        const int rows = transpose ? k : n, cols = transpose ? n : k, lda = rows + 3, ldc = n + 2;
        std::vector<double> a(static_cast<std::size_t>(lda) * cols), c(static_cast<std::size_t>(ldc) * n);
        for (double& v : a) v = normal(rng);
        for (int j = 0; j < n; ++j)
          for (int i = 0; i < ldc; ++i) c[static_cast<std::size_t>(j) * ldc + i] = i <= j ? normal(rng) : untouched;
        const std::vector<double> before = c;
        pinn::blas::syrk_upper(transpose, n, k, alpha, a.data(), lda, beta, c.data(), ldc);
        const auto op = [&](int i, int l) {  // op(A)(i, l), op(A) n×k
          return transpose ? a[static_cast<std::size_t>(i) * lda + l] : a[static_cast<std::size_t>(l) * lda + i];
        };
        for (int j = 0; j < n; ++j)
          for (int i = 0; i < ldc; ++i) {
            const std::size_t at = static_cast<std::size_t>(j) * ldc + i;
            if (i > j) {
              EXPECT_EQ(c[at], untouched) << "lower triangle or padding written at " << i << "," << j;
              continue;
            }
            double sum = 0.0, scale = std::abs(beta * before[at]);
            for (int l = 0; l < k; ++l) {
              sum += op(i, l) * op(j, l);
              scale += std::abs(alpha * op(i, l) * op(j, l));
            }
            EXPECT_NEAR(c[at], alpha * sum + beta * before[at], 1e-13 * scale)
                << (transpose ? "AᵀA" : "AAᵀ") << " n=" << n << " k=" << k << " at " << i << "," << j;
          }
      }
}

TEST(GaussNewtonStep, RefusesAnIndefiniteSystem) {
  const std::vector<double> j = {1.0, 0.0, 0.0, 1.0, 0.0, 0.0};  // J = [1 0; 0 1; 0 0]
  const std::vector<double> r = {1.0, 2.0, 3.0};
  pinn::GaussNewtonStep gn;
  gn.set_jacobian(j.data(), r.data(), 3, 2);
  std::vector<double> step;
  EXPECT_FALSE(gn.solve(-5.0, step));  // JᵀJ − 5·diag(JᵀJ) has negative eigenvalues
  EXPECT_TRUE(gn.solve(1e-12, step));
}
