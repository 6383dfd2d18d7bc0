/// @file physics/problem_scaling.hpp
/// @brief Problems far from unit size, mapped onto it: x̂ = (x − c)/L,
/// û = u/U, so that −Δu ≥ f becomes −Δ̂û ≥ f·L²/U with ψ̂ = ψ/U and ĝ = g/U.
/// The training settings (learning rates, penalties, boundary weights,
/// smoothing widths) were proven on domains of half-width ¼ to 4 near the
/// origin with solutions of size about 1; a problem outside that range is
/// solved in the mapped units and its results reported in its own
/// (README.md, "Problems far from unit size").
#pragma once

#include "physics/problem.hpp"

#include <array>
#include <string>

namespace pinn {

struct ProblemScaling {
  int dim = 1;
  std::array<double, 3> centre{0, 0, 0};  ///< c
  double length = 1.0;                    ///< L
  double value = 1.0;                     ///< U

  /// True when the problem is solved as it is given (c = 0, L = U = 1).
  bool identity() const;
  /// x = c + L·x̂ (dim coordinates).
  void to_user_point(const double* mapped, double* user) const;
  /// A length, an area or volume (power = dim), ... in user units from mapped ones: L^power·mapped.
  double user_length(double mapped, int power = 1) const;
  /// One line for reports: "x = c + L x̂, u = U û" with the numbers.
  std::string describe() const;
};

/// The largest half-width of the domain's bounding box: L of the map.
double largest_half_width(const Domain& domain);

/// The unit range: half-width L of the bounding box in [¼, 4], its centre
/// within 4·max(L, 1) of the origin, and the data's size U in [1/4, 16] —
/// U is the largest of |g| on the boundary, |ψ| and |ψ_hi| in the domain and,
/// unless both obstacles hold u between them, |f|·L²/2 (the size of the
/// solution a load makes), on a sample of points. Below a quarter the
/// network, whose output starts at size 1, trains worse than on û = u/U
/// (five of six runs on problems of size 0.08 to 0.2; README, "Problems far
/// from unit size").
/// Inside it the identity; outside c = the box's centre, L its largest
/// half-width, U the data's size. `known_size` is a size u is known to reach
/// otherwise (a time-dependent problem's initial value), counted with the data.
ProblemScaling choose_problem_scaling(const ObstacleProblem& problem, double known_size = 0.0);

/// The problem in the mapped units: domain (x − c)/L, f·L²/U, and g, ψ, ψ_hi,
/// the exact solution and the lift divided by U, each evaluated at c + L·x̂.
ObstacleProblem scaled_problem(const ObstacleProblem& problem, const ProblemScaling& scaling);

}  // namespace pinn
