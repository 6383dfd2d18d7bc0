/// @file physics/problem.cpp
/// @brief Validation of problems and the hard-BC lift.
#include "physics/problem.hpp"

#include "nn/error.hpp"

#include <algorithm>
#include <cmath>

namespace pinn {

void ObstacleProblem::validate() const {
  PINN_USER_REQUIRE(static_cast<bool>(source), "problem '" << name << "': the source f is missing");
  PINN_USER_REQUIRE(boundary || !boundary_parts.empty(), "problem '" << name << "': the boundary data g is missing");
  PINN_USER_REQUIRE(has_lower() || has_upper(), "problem '" << name << "': neither a lower nor an upper obstacle is given");
}

bool uses_general_operator(const ObstacleProblem& problem) {
  return !problem.op.is_laplacian() || has_natural_parts(problem.boundary_parts);
}

DirichletSides dirichlet_sides(const ObstacleProblem& problem) {
  const Domain& domain = problem.domain;
  const int dim = domain.dim();
  const unsigned all = domain.kind() == DomainKind::disk ? 0u : (1u << (2 * dim)) - 1u;
  DirichletSides found;
  if (!has_natural_parts(problem.boundary_parts)) {
    found.sides = all;
    return found;
  }
  const std::vector<double> points = domain.sample_boundary(dim == 1 ? 2 : 400);
  unsigned dirichlet = 0, natural = 0;
  bool any_dirichlet = false;
  for (std::size_t i = 0; i < points.size() / dim; ++i) {
    const double* x = &points[i * dim];
    const unsigned sides = sides_at(domain, x);
    if (sides != 0 && (sides & (sides - 1)) != 0) continue;  // a corner: on two sides
    const bool is_dirichlet =
        condition_at(problem.boundary_parts, problem.boundary, domain, x).kind == BoundaryKind::dirichlet;
    any_dirichlet = any_dirichlet || is_dirichlet;
    (is_dirichlet ? dirichlet : natural) |= sides;
  }
  found.sides = dirichlet;
  found.whole_sides = (dirichlet & natural) == 0 && (all != 0 || !any_dirichlet);
  return found;
}

bool energy_has_square_form(const ObstacleProblem& problem) {
  if (!has_natural_parts(problem.boundary_parts)) return true;
  const Domain& domain = problem.domain;
  const int dim = domain.dim();
  const std::vector<double> points = domain.sample_boundary(dim == 1 ? 2 : 400);
  int linear = 0;  // points whose natural condition has κ = 0
  for (std::size_t i = 0; i < points.size() / dim; ++i) {
    const BoundaryCondition c = condition_at(problem.boundary_parts, problem.boundary, domain, &points[i * dim]);
    if (is_linear_in_u(c)) ++linear;
  }
  return linear == 0 || (dim == 1 && linear == 1);
}

LiftJet evaluate_lift(const ObstacleProblem& problem, const double* x) {
  const Domain& domain = problem.domain;
  const int dim = domain.dim();
  LiftJet jet;
  if (!problem.lift && !problem.boundary) return jet;  // no Dirichlet data: every part is natural
  if (!problem.lift && dim == 1) {
    // Linear interpolation of the end values: exact, with zero second derivative.
    const double a = domain.lower()[0], b = domain.upper()[0];
    const double ga = problem.boundary(&a), gb = problem.boundary(&b);
    const double slope = (gb - ga) / (b - a);
    jet.value = ga + slope * (x[0] - a);
    jet.grad[0] = slope;
    return jet;
  }
  const ScalarFunction& G = problem.lift ? problem.lift : problem.boundary;
  jet.value = G(x);
  central_gradient(G, domain, x, jet.grad);
  jet.laplacian = central_laplacian(G, domain, x, 0.0, laplacian_dims(problem));
  return jet;
}

void central_gradient(const ScalarFunction& f, const Domain& domain, const double* x, double* gradient, double step) {
  const int dim = domain.dim();
  double y[3] = {x[0], dim > 1 ? x[1] : 0.0, dim > 2 ? x[2] : 0.0};
  for (int k = 0; k < dim; ++k) {
    const double h = step > 0.0 ? step : 1e-5 * std::max(1.0, domain.upper()[k] - domain.lower()[k]);
    const double saved = y[k];
    y[k] = saved + h;
    const double plus = f(y);
    y[k] = saved - h;
    const double minus = f(y);
    y[k] = saved;
    gradient[k] = (plus - minus) / (2.0 * h);
  }
}

double central_laplacian(const ScalarFunction& f, const Domain& domain, const double* x, double step, int n_dims) {
  const int dim = domain.dim();
  double y[3] = {x[0], dim > 1 ? x[1] : 0.0, dim > 2 ? x[2] : 0.0};
  const double centre = f(y);
  double laplacian = 0.0;
  for (int k = 0; k < (n_dims >= 0 ? n_dims : dim); ++k) {
    const double h = step > 0.0 ? step : 1e-3 * std::max(1.0, domain.upper()[k] - domain.lower()[k]);
    const double saved = y[k];
    y[k] = saved + h;
    const double plus = f(y);
    y[k] = saved - h;
    const double minus = f(y);
    y[k] = saved;
    laplacian += (plus - 2.0 * centre + minus) / (h * h);
  }
  return laplacian;
}

}  // namespace pinn
