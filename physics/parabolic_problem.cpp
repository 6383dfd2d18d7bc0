/// @file physics/parabolic_problem.cpp
/// @brief Time-dependent obstacle problems: data frozen in time, checks, the FD reference's problem.
#include "physics/parabolic_problem.hpp"

#include "nn/error.hpp"
#include "physics/fd_reference_checks.hpp"

#include <algorithm>
#include <cmath>

namespace pinn {

namespace {

/// f(·, t) where f is given, else `fallback` (the field of the problem at t = 0).
ScalarFunction frozen(const SpaceTimeFunction& f, double t, const ScalarFunction& fallback) {
  if (!f) return fallback;
  return [f, t](const double* x) { return f(x, t); };
}

}  // namespace

ObstacleProblem ParabolicProblem::at(double t) const {
  ObstacleProblem frozen_problem = problem;
  frozen_problem.source = frozen(source, t, problem.source);
  frozen_problem.boundary = frozen(boundary, t, problem.boundary);
  frozen_problem.lower_obstacle = frozen(lower_obstacle, t, problem.lower_obstacle);
  frozen_problem.upper_obstacle = frozen(upper_obstacle, t, problem.upper_obstacle);
  frozen_problem.exact = frozen(exact, t, problem.exact);
  frozen_problem.lift = frozen(lift, t, problem.lift);
  for (std::size_t k = 0; k < frozen_problem.boundary_parts.size(); ++k) {
    BoundaryPart& part = frozen_problem.boundary_parts[k];
    if (k < part_values.size()) part.value = frozen(part_values[k], t, part.value);
    if (k < part_coefficients.size()) part.coefficient = frozen(part_coefficients[k], t, part.coefficient);
  }
  return frozen_problem;
}

void check_parabolic_problem(const ParabolicProblem& p, const std::string& initial_at) {
  PINN_USER_REQUIRE(std::isfinite(p.final_time) && p.final_time > 0.0,
                    initial_at << ": the final time T = " << p.final_time << "; allowed: a finite T > 0");
  PINN_USER_REQUIRE(static_cast<bool>(p.initial), initial_at << ": the initial value u(x, 0) is missing");
  const ObstacleProblem& start = p.problem;  // the data at t = 0
  const int dim = start.domain.dim();
  // u₀ within the obstacles: at t = 0 the solution is u₀, so an infeasible u₀ has no solution.
  const std::vector<double> inside = start.domain.sample_interior(dim == 1 ? 1024 : (dim == 2 ? 4096 : 8000),
                                                                 SamplingMethod::grid, 0);
  double data_size = 0.0;  // the size of u₀, for the compatibility check below
  for (std::size_t i = 0; i + static_cast<std::size_t>(dim) <= inside.size(); i += static_cast<std::size_t>(dim)) {
    const double* x = &inside[i];
    const double u0 = p.initial(x);
    data_size = std::max(data_size, std::abs(u0));
    const double tolerance = 1e-12 * (1.0 + std::abs(u0));
    if (start.has_lower()) {
      const double psi = start.lower_obstacle(x);
      PINN_USER_REQUIRE(u0 >= psi - tolerance, initial_at << ": u(x, 0) = " << u0 << " is below the obstacle "
                                                          << psi << " at x = " << format_point(x, dim)
                                                          << "; allowed: u(x, 0) >= obstacle(x, 0)");
    }
    if (start.has_upper()) {
      const double psi = start.upper_obstacle(x);
      PINN_USER_REQUIRE(u0 <= psi + tolerance, initial_at << ": u(x, 0) = " << u0 << " is above the upper obstacle "
                                                          << psi << " at x = " << format_point(x, dim)
                                                          << "; allowed: u(x, 0) <= upper_obstacle(x, 0)");
    }
  }
  // Compatibility at t = 0: the Dirichlet data and u₀ meet on ∂Ω. A jump between them is a
  // discontinuous initial value that no network (and no smooth solution) takes.
  const std::vector<double> edge = start.domain.sample_boundary(dim == 1 ? 2 : 400);
  for (std::size_t i = 0; i + static_cast<std::size_t>(dim) <= edge.size(); i += static_cast<std::size_t>(dim)) {
    const double* x = &edge[i];
    const BoundaryCondition condition = condition_at(start.boundary_parts, start.boundary, start.domain, x);
    if (condition.kind != BoundaryKind::dirichlet) continue;
    const double u0 = p.initial(x);
    PINN_USER_REQUIRE(std::abs(u0 - condition.value) <= 1e-6 * (1.0 + std::max(data_size, std::abs(u0))),
                      initial_at << ": u(x, 0) = " << u0 << " but the boundary value g(x, 0) = " << condition.value
                                 << " at the boundary point " << format_point(x, dim)
                                 << "; allowed: u(x, 0) = g(x, 0) on the Dirichlet boundary (the data must be "
                                    "compatible at t = 0)");
  }
}

ParabolicFdProblem parabolic_fd_problem(const ParabolicProblem& p, int cells, int steps) {
  const ObstacleProblem& start = p.problem;
  const DomainKind kind = start.domain.kind();
  PINN_USER_REQUIRE(kind == DomainKind::interval || kind == DomainKind::rectangle || kind == DomainKind::box,
                    "problem '" << start.name << "': the time-dependent finite-difference reference needs an "
                                << "interval, rectangle or box; found a " << start.domain.describe()
                                << ". Give problem.exact to measure the error");
  PINN_USER_REQUIRE(start.boundary_parts.empty(),
                    "problem '" << start.name << "': the time-dependent finite-difference reference takes Dirichlet "
                                << "data only; this problem has boundary parts. Give problem.exact to measure the error");
  ParabolicFdProblem fd;
  fd.dim = start.domain.dim();
  fd.lower = start.domain.lower();
  fd.upper = start.domain.upper();
  fd.n_cells = {cells, cells, cells};
  fd.final_time = p.final_time;
  fd.n_steps = steps;
  // A field given only at t = 0 (not time-dependent) is the same at every t.
  const auto in_time = [](const SpaceTimeFunction& f, const ScalarFunction& constant) -> SpaceTimeFunction {
    if (f) return f;
    if (!constant) return nullptr;
    return [constant](const double* x, double) { return constant(x); };
  };
  fd.source = in_time(p.source, start.source);
  fd.boundary = in_time(p.boundary, start.boundary);
  fd.lower_obstacle = in_time(p.lower_obstacle, start.lower_obstacle);
  fd.upper_obstacle = in_time(p.upper_obstacle, start.upper_obstacle);
  fd.initial = p.initial;
  fd.op = start.op;
  return fd;
}

}  // namespace pinn
