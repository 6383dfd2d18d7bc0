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
  /// The part s of f that the energy's square form carries in the reaction's
  /// square √(wc)(u − s/c), the rest f − s in the flux (README, "The energy as
  /// a sum of squares"); needs c > 0 wherever s ≠ 0. Empty: all of f in the
  /// flux. A time level sets it to its history term, which is 1/Δt times the
  /// size of u (solver/rothe_solver.hpp).
  ScalarFunction reaction_source;
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

/// Whether the losses need the general operator code: L ≠ −Δ, or Neumann /
/// Robin parts on the boundary (ObstacleLossParams::general_operator).
bool uses_general_operator(const ObstacleProblem& problem);

/// The sides (BoundarySide bits) that carry Dirichlet conditions, found on
/// boundary samples (corners skipped). `whole_sides` is false where a side
/// carries both kinds or the domain has no sides (disk) and only part of the
/// boundary is Dirichlet: hard conditions u = G + d·N then have no distance
/// function d.
struct DirichletSides {
  bool whole_sides = true;
  unsigned sides = 0;
};
DirichletSides dirichlet_sides(const ObstacleProblem& problem);

/// Whether the energy has an exact sum-of-squares form (the one
/// Levenberg–Marquardt uses): a Neumann point (or a Robin one with κ = 0)
/// leaves a term linear in u that no square carries, unless the flux F
/// (∇·F = −f) can be chosen with F·n = g there — which the engine does at one
/// end of an interval, not in 2D or 3D. (The natural-gradient stage takes such
/// terms as linear rows: physics/least_squares_residuals.hpp.)
bool energy_has_square_form(const ObstacleProblem& problem);

/// The source texts of a problem's data as a case file gave them, for reports.
struct ProblemTexts {
  std::string source, boundary, obstacle, upper_obstacle, exact, lift, description;
  std::string diffusion, convection, reaction;  ///< empty where not given
  std::string initial;                          ///< u(x, 0) of a time-dependent problem (empty otherwise)
};

/// The coordinates Δ sums over: all but the last (t) for an operator with a time axis
/// (EllipticOperator::time_axis), else all of the domain's.
inline int laplacian_dims(const ObstacleProblem& problem) {
  return problem.domain.dim() - (problem.op.time_axis ? 1 : 0);
}

/// Lift value, gradient and Laplacian at x (derivatives by central differences
/// of the lift function, which is only known as a black box).
/// With a time axis the Laplacian is over x only (laplacian_dims).
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
/// the given step where step > 0. Over the first `n_dims` coordinates where n_dims ≥ 0 (a space–time
/// problem's spatial ones), else all.
double central_laplacian(const ScalarFunction& f, const Domain& domain, const double* x, double step = 0.0,
                         int n_dims = -1);

}  // namespace pinn
