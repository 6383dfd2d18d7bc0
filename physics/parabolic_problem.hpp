/// @file physics/parabolic_problem.hpp
/// @brief A time-dependent (parabolic) obstacle problem: on (0, T]
///   u_t + L u ≥ f,  ψ_lo ≤ u ≤ ψ_hi,  complementarity,  u(x, 0) = u₀(x),
/// with the boundary conditions of an ObstacleProblem whose data may depend on t
/// (cases/README.md, "Time-dependent problems"). The operator L and where the
/// boundary parts lie do not depend on t.
#pragma once

#include "physics/parabolic_fd_reference.hpp"
#include "physics/problem.hpp"

#include <string>
#include <vector>

namespace pinn {

struct ParabolicProblem {
  /// The domain, the operator, the boundary parts (their kinds and where they
  /// hold), the name — and the data at t = 0, so that every check and choice
  /// made for elliptic problems applies to it unchanged.
  ObstacleProblem problem;
  double final_time = 1;   ///< T > 0
  ScalarFunction initial;  ///< u₀ (required)
  /// The data as functions of (x, t); an empty one keeps `problem`'s field
  /// (absent there too, or not time-dependent).
  SpaceTimeFunction source, boundary, lower_obstacle, upper_obstacle, exact, lift;
  /// Per entry of problem.boundary_parts: its value g(x, t) and κ(x, t) (empty: as in `problem`).
  std::vector<SpaceTimeFunction> part_values, part_coefficients;

  /// The elliptic problem's data frozen at time t (L, domain and parts as in `problem`).
  ObstacleProblem at(double t) const;
};

/// The checks a time-dependent problem needs beyond those of `problem`: T > 0 and finite; u₀ finite and
/// within the obstacles at t = 0 on a sample of points; u₀ = g(·, 0) on the Dirichlet boundary (the data
/// are compatible at t = 0). Throws pinn::UserError starting with `initial_at` (the place of the initial
/// value, e.g. "case.toml:9:1: problem.time.initial") that says where, what was found and what is allowed.
void check_parabolic_problem(const ParabolicProblem& problem, const std::string& initial_at);

/// The FD/PDAS reference problem of a time-dependent problem on an interval, rectangle or box with
/// Dirichlet data only (physics/parabolic_fd_reference.hpp), `cells` per dimension and `steps` time steps.
/// Throws pinn::UserError for other domains or boundary parts.
ParabolicFdProblem parabolic_fd_problem(const ParabolicProblem& problem, int cells, int steps);

}  // namespace pinn
