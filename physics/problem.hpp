/// @file physics/problem.hpp
/// @brief An obstacle problem: L u ≥ f, ψ_lo ≤ u ≤ ψ_hi with complementarity, u = g on ∂Ω
/// (or Neumann / Robin conditions on parts of it), L = −Δ unless given.
#pragma once

#include "physics/boundary_conditions.hpp"
#include "physics/domain.hpp"
#include "physics/elliptic_operator.hpp"
#include "physics/scalar_function.hpp"

#include <string>
#include <vector>

namespace pinn {

/// What a user defines, from a case file or in C++. Only `source` and
/// `boundary` are required; an empty obstacle means "no such obstacle".
struct ObstacleProblem {
  std::string name = "problem";
  Domain domain = Domain::interval(0.0, 1.0);
  EllipticOperator op;            ///< L (default −Δ)
  ScalarFunction source;          ///< f
  ScalarFunction boundary;        ///< g of u = g where the boundary is Dirichlet
  /// Parts of ∂Ω with their own condition, first match wins; the rest is
  /// Dirichlet u = g. Empty: u = g on all of ∂Ω.
  std::vector<BoundaryPart> boundary_parts;
  ScalarFunction lower_obstacle;  ///< ψ (lower)
  ScalarFunction upper_obstacle;  ///< ψ_hi (optional)
  ScalarFunction exact;           ///< exact solution, for error measurement (optional)
  /// Extension G of g into Ω used by hard boundary conditions (u = G + d·N).
  /// Default: linear interpolation of the end values in 1D, g itself otherwise.
  ScalarFunction lift;

  /// Throws pinn::UserError when a required field is missing.
  void validate() const;
  bool has_lower() const { return static_cast<bool>(lower_obstacle); }
  bool has_upper() const { return static_cast<bool>(upper_obstacle); }
  bool has_exact() const { return static_cast<bool>(exact); }
};

/// The source texts of a problem's data as a case file gave them, for reports.
struct ProblemTexts {
  std::string source, boundary, obstacle, upper_obstacle, exact, lift, description;
};

/// Lift value, gradient and Laplacian at x (derivatives by central differences
/// of the lift function, which is only known as a black box).
struct LiftJet {
  double value = 0;
  double grad[3] = {0, 0, 0};
  double laplacian = 0;
};
LiftJet evaluate_lift(const ObstacleProblem& problem, const double* x);

/// ∇f at x (dim entries written to `gradient`) by central differences of step
/// 1e-5·max(1, edge length) per coordinate, or of the given step where step > 0.
void central_gradient(const ScalarFunction& f, const Domain& domain, const double* x, double* gradient,
                      double step = 0.0);

/// Δf at x by central differences of step 1e-3·max(1, edge length) per
/// coordinate (f is only known as a black box; the step keeps the rounding
/// error near 1e-10·|f| while resolving smooth fields to about 1e-7), or of
/// the given step where step > 0.
double central_laplacian(const ScalarFunction& f, const Domain& domain, const double* x, double step = 0.0);

}  // namespace pinn
