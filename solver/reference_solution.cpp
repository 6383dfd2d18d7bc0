/// @file solver/reference_solution.cpp
/// @brief Exact, finite-difference and finite-element references.
#include "solver/reference_solution.hpp"

#include "nn/error.hpp"

#include <cmath>

namespace pinn {

int default_fd_cells(int dim) { return dim == 1 ? 1024 : (dim == 2 ? 256 : 48); }

FdReferenceProblem fd_problem_for(const ObstacleProblem& problem, int cells) {
  const Domain& domain = problem.domain;
  PINN_USER_REQUIRE(domain.is_box(),
                    "the finite-difference reference needs a tensor-grid domain (interval, rectangle, box); found a "
                        << (domain.kind() == DomainKind::disk ? "disk" : "polygon")
                        << ", whose reference is the finite-element one");
  PINN_USER_REQUIRE(cells >= 2, "reference cells: found " << cells << "; allowed: at least 2");
  FdReferenceProblem fd;
  fd.dim = domain.dim();
  for (int k = 0; k < 3; ++k) {
    fd.lower[k] = domain.lower()[k];
    fd.upper[k] = k < fd.dim ? domain.upper()[k] : domain.lower()[k] + 1.0;
    fd.n_cells[k] = cells;
  }
  fd.source = problem.source;
  fd.boundary = problem.boundary;
  fd.lower_obstacle = problem.lower_obstacle;
  fd.upper_obstacle = problem.upper_obstacle;
  fd.op = problem.op;
  fd.boundary_parts = problem.boundary_parts;
  return fd;
}

FeReferenceProblem fe_problem_for(const ObstacleProblem& problem, int cells) {
  const Domain& domain = problem.domain;
  PINN_USER_REQUIRE(domain.kind() == DomainKind::polygon || domain.kind() == DomainKind::disk,
                    "the finite-element reference needs a polygon or disk domain; found " << domain.describe());
  PINN_USER_REQUIRE(cells >= 2, "reference cells: found " << cells << "; allowed: at least 2");
  FeReferenceProblem fe;
  if (domain.kind() == DomainKind::disk) {
    fe.disk = Circle{domain.disk_center(), domain.disk_radius()};
    fe.levels = fe_levels_for_cells(*fe.disk, cells);
  } else {
    fe.vertices = domain.vertices();
    fe.levels = fe_levels_for_cells(fe.vertices, cells);
  }
  fe.source = problem.source;
  fe.boundary = problem.boundary;
  fe.lower_obstacle = problem.lower_obstacle;
  fe.upper_obstacle = problem.upper_obstacle;
  fe.op = problem.op;
  fe.boundary_parts = problem.boundary_parts;
  return fe;
}

std::unique_ptr<ReferenceSolution> ReferenceSolution::from_exact(const ObstacleProblem& problem) {
  PINN_REQUIRE(problem.has_exact(), "the problem has no exact solution");
  auto r = std::make_unique<ReferenceSolution>();
  r->kind_ = ReferenceKind::exact;
  r->problem_ = &problem;
  return r;
}

std::unique_ptr<ReferenceSolution> ReferenceSolution::from_fd(const ObstacleProblem& problem, int cells) {
  auto r = std::make_unique<ReferenceSolution>();
  r->kind_ = ReferenceKind::fd;
  r->problem_ = &problem;
  try {
    r->fd_ = std::make_unique<FdReferenceSolution>(solve_fd_reference(fd_problem_for(problem, cells)));
  } catch (const std::invalid_argument& e) {
    throw UserError(std::string("finite-difference reference: ") + e.what());
  }
  if (!r->fd_->converged)
    throw RunError("the finite-difference reference did not converge in " + std::to_string(r->fd_->iterations) +
                   " active-set iterations");
  return r;
}

std::unique_ptr<ReferenceSolution> ReferenceSolution::from_fe(const ObstacleProblem& problem, int cells) {
  auto r = std::make_unique<ReferenceSolution>();
  r->kind_ = ReferenceKind::fe;
  r->problem_ = &problem;
  try {
    r->fe_ = std::make_unique<FeReferenceSolution>(solve_fe_reference(fe_problem_for(problem, cells)));
  } catch (const std::invalid_argument& e) {
    throw UserError(std::string("finite-element reference: ") + e.what());
  }
  if (!r->fe_->converged)
    throw RunError("the finite-element reference did not converge in " + std::to_string(r->fe_->iterations) +
                   " active-set iterations");
  return r;
}

std::unique_ptr<ReferenceSolution> ReferenceSolution::for_problem(const ObstacleProblem& problem, int cells) {
  if (problem.has_exact()) return from_exact(problem);
  const int resolution = cells > 0 ? cells : default_fd_cells(problem.domain.dim());
  return problem.domain.is_box() ? from_fd(problem, resolution) : from_fe(problem, resolution);
}

double ReferenceSolution::value(const double* x) const {
  if (fd_) return fd_->interpolate(x);
  if (fe_) return fe_->interpolate(x);
  return problem_->exact(x);
}

bool ReferenceSolution::in_contact(const double* x) const {
  if (fe_) {
    const auto node = static_cast<std::size_t>(fe_->node_near(x));
    return fe_->contact_lower[node] != 0 || fe_->contact_upper[node] != 0;
  }
  if (!fd_) {
    const auto on = [&](const ScalarFunction& obstacle) {
      const double psi = obstacle(x);
      return std::abs(problem_->exact(x) - psi) <= 1e-14 * (1.0 + std::abs(psi));
    };
    return (problem_->has_lower() && on(problem_->lower_obstacle)) ||
           (problem_->has_upper() && on(problem_->upper_obstacle));
  }
  std::size_t index = 0, stride = 1;
  for (int k = 0; k < fd_->dim; ++k) {
    const long i = std::lround((x[k] - fd_->lower[k]) / fd_->spacing[k]);
    const long clamped = std::max(0L, std::min(static_cast<long>(fd_->n_nodes[k]) - 1, i));
    index += static_cast<std::size_t>(clamped) * stride;
    stride *= static_cast<std::size_t>(fd_->n_nodes[k]);
  }
  return fd_->contact_lower[index] != 0 || fd_->contact_upper[index] != 0;
}

}  // namespace pinn
