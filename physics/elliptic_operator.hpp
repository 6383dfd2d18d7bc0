/// @file physics/elliptic_operator.hpp
/// @brief The operator L u = −∇·(A(x)∇u) + b(x)·∇u + c(x)u of an obstacle
/// problem (cases/README.md, "Operator"); the default is −Δu.
#pragma once

#include "physics/scalar_function.hpp"

#include <vector>

namespace pinn {

/// The coefficients of L. Every field empty means L = −Δ.
struct EllipticOperator {
  /// Empty: A = I. One function: A = a(x)·I. dim·dim functions: A row-major
  /// (symmetric, positive definite).
  std::vector<ScalarFunction> diffusion;
  /// Empty: b = 0; else dim functions.
  std::vector<ScalarFunction> convection;
  /// Empty: c = 0; else c(x) ≥ 0.
  ScalarFunction reaction;
  /// The last coordinate is time t and L u = u_t + L_x u: A's last row and
  /// column are 0 and b's last entry is 1, so a parabolic problem over
  /// Ω × (0, T) is one problem in dim + 1 (physics/space_time_problem.hpp).
  /// A is then positive definite on the spatial block only, Δ in the strong
  /// form sums over x alone, and the energy form does not apply (b ≠ 0).
  bool time_axis = false;

  bool is_laplacian() const { return diffusion.empty() && convection.empty() && !reaction && !time_axis; }
  bool has_matrix_diffusion() const { return diffusion.size() > 1; }
  bool has_convection() const { return !convection.empty(); }
  bool has_reaction() const { return static_cast<bool>(reaction); }
};

/// The coefficients at one point: A row-major in a 3×3 array (the first dim
/// rows and columns used), b, c, and ∇·A (the divergence of A's rows) that
/// the strong form needs.
struct OperatorCoefficients {
  double diffusion[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  double diffusion_divergence[3] = {0, 0, 0};
  double convection[3] = {0, 0, 0};
  double reaction = 0;
};

/// A, ∇·A (by central differences of step `step` per coordinate), b and c at x.
OperatorCoefficients evaluate_operator(const EllipticOperator& op, int dim, const double* x, double step);

/// L v at x for a function v known as a black box: every derivative by
/// central differences of step `step` (the full Hessian where A is a matrix),
/// the coefficients from evaluate_operator.
double apply_operator(const EllipticOperator& op, const ScalarFunction& v, int dim, const double* x, double step);

}  // namespace pinn
