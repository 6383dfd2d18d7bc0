/// @file physics/symmetric_form.hpp
/// @brief The symmetric form of a 1D obstacle problem with convection.
///
/// In 1D, L u = −(a u')' + b u' + c u = −e^{φ}(e^{−φ} a u')' + c u with
/// φ' = b/a. Multiplying by the positive weight w = e^{−φ} turns L u ≥ f,
/// u ≥ ψ, (L u − f)(u − ψ) = 0 into the same conditions for
/// −(w a u')' + w c u ≥ w f: the same solution u, multipliers w·λ, and a
/// symmetric operator, which has an energy (README.md, "General operators").
/// Natural conditions a u'·n + κu = g become w a u'·n + wκ u = w g.
#pragma once

#include "physics/problem.hpp"

namespace pinn {

/// Whether the problem is 1D with convection and scalar diffusion, and w
/// stays within e^{±30} of its value at the midpoint (beyond, the weighted
/// problem loses the small end in round-off).
bool has_symmetric_form(const ObstacleProblem& problem);

/// w(x) = e^{−(φ(x) − φ(m))}, φ' = b/a, m the interval's midpoint. Requires
/// has_symmetric_form.
ScalarFunction convection_weight(const ObstacleProblem& problem);

/// The problem with w·a, w·c, w·f, no convection and the natural parts'
/// data times w. Requires has_symmetric_form.
ObstacleProblem symmetric_form(const ObstacleProblem& problem);

}  // namespace pinn
