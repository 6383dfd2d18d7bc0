/// @file physics/symmetric_form.hpp
/// @brief The symmetric form of an obstacle problem whose convection is a
/// gradient: b = a∇φ.
///
/// L u = −∇·(a∇u) + b·∇u + c u = −e^{φ}∇·(e^{−φ} a∇u) + c u when b/a = ∇φ
/// (in 1D always: φ' = b/a; in 2D and 3D when b/a is curl-free, a constant
/// wind for one). Multiplying by the positive weight w = e^{−φ} turns L u ≥ f,
/// u ≥ ψ, (L u − f)(u − ψ) = 0 into the same conditions for
/// −∇·(w a∇u) + w c u ≥ w f: the same solution u, multipliers w·λ, and a
/// symmetric operator, which has an energy (README.md, "General operators").
/// Natural conditions a∇u·n + κu = g become w a∇u·n + wκ u = w g.
#pragma once

#include "physics/problem.hpp"

namespace pinn {

/// Half the range of φ over the domain, (max φ − min φ)/2: the weight
/// w = e^{−(φ − φ_m)}, φ_m the range's middle, spans e^{±this}. Infinite
/// unless the problem has convection, a scalar diffusion, no time axis and
/// (in 2D, 3D) a b/a whose potential along segments from the bounding box's
/// centre has the gradient b/a at 9^dim points (a curl-free, smooth b/a).
double symmetric_form_exponent(const ObstacleProblem& problem);

/// loss.wind = "symmetric" is refused beyond this exponent: training loses
/// the end where w is small (error 0.13 at e^{±6}, 57 times the solution at
/// e^{±10}, against 1.5e-2 and 5.6e-3 in the strong form; BENCHMARKS.md §36).
inline constexpr double kLargestSymmetricFormExponent = 5.0;

/// Whether symmetric_form_exponent(problem) ≤ largest_exponent.
bool has_symmetric_form(const ObstacleProblem& problem, double largest_exponent = kLargestSymmetricFormExponent);

/// w(x) = e^{−(φ(x) − φ_m)}, ∇φ = b/a, φ_m the middle of φ's range over the
/// domain (so w spans e^{±symmetric_form_exponent}). Requires a finite
/// symmetric_form_exponent.
ScalarFunction convection_weight(const ObstacleProblem& problem);

/// The problem with w·a, w·c, w·f, no convection and the natural parts'
/// data times w. Requires has_symmetric_form.
ObstacleProblem symmetric_form(const ObstacleProblem& problem);

}  // namespace pinn
