/// @file physics/space_time_problem.cpp
/// @brief A parabolic problem over space–time (see the header).
#include "physics/space_time_problem.hpp"

#include "nn/error.hpp"

#include <algorithm>

namespace pinn {

namespace {

/// f(x, t) at the space–time point y = (x, t) (t = y[dim]); a field given only as a function of x
/// (`constant`, not time-dependent) the same at every t; empty where both are.
ScalarFunction over_space_time(const SpaceTimeFunction& f, const ScalarFunction& constant, int dim) {
  if (f) return [f, dim](const double* y) { return f(y, y[dim]); };
  return constant;
}

/// The spatial operator's coefficients embedded in dim + 1: Â = diag(A, 0), b̂ = (b, 1), c.
EllipticOperator space_time_operator(const EllipticOperator& op, int dim) {
  const int n = dim + 1;
  EllipticOperator embedded;
  embedded.time_axis = true;
  const ScalarFunction zero = [](const double*) { return 0.0; };
  const ScalarFunction one = [](const double*) { return 1.0; };
  embedded.diffusion.assign(static_cast<std::size_t>(n * n), zero);
  for (int r = 0; r < dim; ++r)
    for (int s = 0; s < dim; ++s) {
      ScalarFunction& entry = embedded.diffusion[static_cast<std::size_t>(r * n + s)];
      if (op.diffusion.empty()) entry = r == s ? one : zero;
      else if (op.diffusion.size() == 1) entry = r == s ? op.diffusion[0] : zero;
      else entry = op.diffusion[static_cast<std::size_t>(r * dim + s)];
    }
  embedded.convection.assign(static_cast<std::size_t>(n), zero);
  for (int k = 0; k < dim && op.has_convection(); ++k) embedded.convection[static_cast<std::size_t>(k)] = op.convection[static_cast<std::size_t>(k)];
  embedded.convection[static_cast<std::size_t>(dim)] = one;
  embedded.reaction = op.reaction;
  return embedded;
}

}  // namespace

unsigned initial_face(int dim) { return 1u << (2 * dim); }
unsigned final_face(int dim) { return 1u << (2 * dim + 1); }

ObstacleProblem space_time_problem(const ParabolicProblem& p) {
  const ObstacleProblem& start = p.problem;
  const Domain& omega = start.domain;
  const int dim = omega.dim();
  PINN_USER_REQUIRE(omega.kind() == DomainKind::interval || omega.kind() == DomainKind::rectangle,
                    "problem '" << start.name << "': parabolic.method = \"space_time\" trains one network over "
                                << "Ω × (0, T), which must be a rectangle or box, so Ω must be an interval or a "
                                << "rectangle; found a " << omega.describe()
                                << ". Use parabolic.method = \"rothe\" (time stepping) for this domain");
  const double T = p.final_time;
  ObstacleProblem q;
  q.name = start.name;
  q.domain = Domain::space_time(omega, T);
  q.op = space_time_operator(start.op, dim);
  q.source = over_space_time(p.source, start.source, dim);
  q.lower_obstacle = over_space_time(p.lower_obstacle, start.lower_obstacle, dim);
  q.upper_obstacle = over_space_time(p.upper_obstacle, start.upper_obstacle, dim);
  q.exact = over_space_time(p.exact, start.exact, dim);
  q.boundary = over_space_time(p.boundary, start.boundary, dim);

  // G = u₀(x) + ℓ(x, t) − ℓ(x, 0), ℓ the problem's lift (or g): u₀ at t = 0, ℓ (= g) on the sides.
  const ScalarFunction lift_in_time = over_space_time(p.lift ? p.lift : p.boundary, start.lift ? start.lift : start.boundary, dim);
  const ScalarFunction initial = p.initial;
  q.lift = [lift_in_time, initial, dim](const double* y) {
    double y0[3] = {0.0, 0.0, 0.0};  // (x, 0): y has dim + 1 coordinates, no more
    std::copy(y, y + dim, y0);
    return initial(y) + lift_in_time(y) - lift_in_time(y0);
  };

  // The faces: t = 0 first (u = u₀), then t = T (no condition; Â∇u·n = 0 for every u), then the
  // problem's parts, restricted to the sides ∂Ω × (0, T) (a part that names no side held on all of ∂Ω).
  BoundaryPart start_face;
  start_face.kind = BoundaryKind::dirichlet;
  start_face.sides = initial_face(dim);
  start_face.value = initial;
  BoundaryPart end_face;
  end_face.kind = BoundaryKind::neumann;
  end_face.sides = final_face(dim);
  end_face.value = [](const double*) { return 0.0; };
  q.boundary_parts = {start_face, end_face};
  const unsigned spatial_sides = (1u << (2 * dim)) - 1u;
  for (std::size_t k = 0; k < start.boundary_parts.size(); ++k) {
    BoundaryPart part = start.boundary_parts[k];
    if (part.sides == 0) part.sides = spatial_sides;
    const SpaceTimeFunction value = k < p.part_values.size() ? p.part_values[k] : nullptr;
    const SpaceTimeFunction coefficient = k < p.part_coefficients.size() ? p.part_coefficients[k] : nullptr;
    part.value = over_space_time(value, part.value, dim);
    part.coefficient = over_space_time(coefficient, part.coefficient, dim);
    q.boundary_parts.push_back(part);
  }
  return q;
}

}  // namespace pinn
