/// @file solver/reference_solution.cpp
/// @brief Exact and finite-difference references.
#include "solver/reference_solution.hpp"

#include "nn/error.hpp"

#include <cmath>

namespace pinn {

int default_fd_cells(int dim) { return dim == 1 ? 1024 : (dim == 2 ? 256 : 48); }

FdReferenceProblem fd_problem_for(const ObstacleProblem& problem, int cells) {
  const Domain& domain = problem.domain;
  PINN_USER_REQUIRE(domain.kind() != DomainKind::disk,
                    "the finite-difference reference needs a tensor-grid domain (interval, rectangle, box); found a "
                    "disk. Give the case an exact solution to measure its error");
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

std::unique_ptr<ReferenceSolution> ReferenceSolution::for_problem(const ObstacleProblem& problem, int fd_cells) {
  if (problem.has_exact()) return from_exact(problem);
  if (problem.domain.kind() == DomainKind::disk) return nullptr;
  return from_fd(problem, fd_cells > 0 ? fd_cells : default_fd_cells(problem.domain.dim()));
}

double ReferenceSolution::value(const double* x) const { return fd_ ? fd_->interpolate(x) : problem_->exact(x); }

bool ReferenceSolution::in_contact(const double* x) const {
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
