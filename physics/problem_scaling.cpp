/// @file physics/problem_scaling.cpp
/// @brief Mapping problems far from unit size onto it.
#include "physics/problem_scaling.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <utility>
#include <vector>

namespace pinn {

namespace {

/// The largest finite |h| over the points (row-major, dim per point); 0 for none.
double largest_magnitude(const ScalarFunction& h, const std::vector<double>& points, int dim) {
  double largest = 0.0;
  if (!h) return largest;
  for (std::size_t i = 0; i + static_cast<std::size_t>(dim) <= points.size(); i += static_cast<std::size_t>(dim)) {
    const double value = h(&points[i]);
    if (std::isfinite(value)) largest = std::max(largest, std::abs(value));
  }
  return largest;
}

/// A typical diffusion for the size of u: the harmonic mean over the points
/// of A's smallest diagonal entry (1 for A = I). In 1D, −(a u')' = f moves
/// u by ∫∫f/a, which the harmonic mean of a measures; the smallest value
/// (a bearing's film is 0.064 at its narrowest, 3.6 in harmonic mean)
/// would overstate u by orders of magnitude.
double typical_diffusion(const EllipticOperator& op, const std::vector<double>& points, int dim) {
  if (op.diffusion.empty()) return 1.0;
  double inverse_sum = 0.0;
  int count = 0;
  for (std::size_t i = 0; i + static_cast<std::size_t>(dim) <= points.size(); i += static_cast<std::size_t>(dim)) {
    double smallest = std::numeric_limits<double>::infinity();
    for (int k = 0; k < dim; ++k) {
      const ScalarFunction& a = op.diffusion.size() == 1 ? op.diffusion[0] : op.diffusion[k * dim + k];
      smallest = std::min(smallest, a(&points[i]));
    }
    if (std::isfinite(smallest) && smallest > 0.0) inverse_sum += 1.0 / smallest, ++count;
  }
  return count > 0 && inverse_sum > 0.0 ? count / inverse_sum : 1.0;
}

/// The smallest half-width of the domain's bounding box: a load f bends u by
/// about f w²/2 across a strip of half-width w, whatever its length.
double smallest_half_width(const Domain& domain) {
  double half_width = std::numeric_limits<double>::infinity();
  for (int i = 0; i < domain.dim(); ++i) {
    const auto k = static_cast<std::size_t>(i);
    half_width = std::min(half_width, 0.5 * (domain.upper()[k] - domain.lower()[k]));
  }
  return half_width;
}

/// h evaluated at c + L·x̂ and multiplied by `factor`: the data in mapped units.
ScalarFunction mapped(const ScalarFunction& h, const ProblemScaling& scaling, double factor) {
  if (!h) return h;
  return [h, scaling, factor](const double* x) {
    double user[3] = {0, 0, 0};
    scaling.to_user_point(x, user);
    return factor * h(user);
  };
}

Domain mapped_domain(const Domain& domain, const ProblemScaling& s) {
  auto map = [&](int i, double x) { return (x - s.centre[static_cast<std::size_t>(i)]) / s.length; };
  const auto& lo = domain.lower();
  const auto& hi = domain.upper();
  switch (domain.kind()) {
    case DomainKind::interval:
      return Domain::interval(map(0, lo[0]), map(0, hi[0]));
    case DomainKind::rectangle:  // a space–time domain stays one (its grid treats time apart)
      return Domain::rectangle({map(0, lo[0]), map(1, lo[1])}, {map(0, hi[0]), map(1, hi[1])})
          .with_time_axis(domain.time_axis());
    case DomainKind::box:
      return Domain::box({map(0, lo[0]), map(1, lo[1]), map(2, lo[2])}, {map(0, hi[0]), map(1, hi[1]), map(2, hi[2])})
          .with_time_axis(domain.time_axis());
    case DomainKind::disk:
      return Domain::disk({map(0, 0.5 * (lo[0] + hi[0])), map(1, 0.5 * (lo[1] + hi[1]))},
                          0.5 * (hi[0] - lo[0]) / s.length);
    case DomainKind::polygon: {
      std::vector<std::array<double, 2>> vertices = domain.vertices();
      for (auto& v : vertices) v = {map(0, v[0]), map(1, v[1])};
      return Domain::polygon(std::move(vertices));
    }
  }
  return domain;
}

}  // namespace

bool ProblemScaling::identity() const {
  return length == 1.0 && value == 1.0 && centre[0] == 0.0 && centre[1] == 0.0 && centre[2] == 0.0;
}

void ProblemScaling::to_user_point(const double* mapped, double* user) const {
  for (int i = 0; i < dim; ++i) user[i] = centre[static_cast<std::size_t>(i)] + length * mapped[i];
}

double ProblemScaling::user_length(double mapped, int power) const { return std::pow(length, power) * mapped; }

std::string ProblemScaling::describe() const {
  std::ostringstream text;
  text << "x = (";
  for (int i = 0; i < dim; ++i) text << (i ? ", " : "") << centre[static_cast<std::size_t>(i)];
  text << ") + " << length << "·x̂, u = " << value << "·û";
  return text.str();
}

double largest_half_width(const Domain& domain) {
  double half_width = 0.0;
  for (int i = 0; i < domain.dim(); ++i) {
    const auto k = static_cast<std::size_t>(i);
    half_width = std::max(half_width, 0.5 * (domain.upper()[k] - domain.lower()[k]));
  }
  return half_width;
}

ProblemScaling choose_problem_scaling(const ObstacleProblem& problem, double known_size) {
  const Domain& domain = problem.domain;
  ProblemScaling scaling;
  scaling.dim = domain.dim();
  const double half_width = largest_half_width(domain);
  double centre_distance = 0.0;
  std::array<double, 3> centre{0, 0, 0};
  for (int i = 0; i < scaling.dim; ++i) {
    const auto k = static_cast<std::size_t>(i);
    centre[k] = 0.5 * (domain.upper()[k] + domain.lower()[k]);
    centre_distance = std::max(centre_distance, std::abs(centre[k]));
  }
  // The data's size on a coarse sample (about 4096 interior points, 256 on the boundary).
  const int dim = scaling.dim;
  const std::vector<double> inside = domain.sample_interior(4096, SamplingMethod::grid, 0);
  const std::vector<double> boundary = domain.sample_boundary(dim == 1 ? 2 : 256);
  double data = std::max({known_size, largest_magnitude(problem.boundary, boundary, dim),
                          largest_magnitude(problem.lower_obstacle, inside, dim),
                          largest_magnitude(problem.upper_obstacle, inside, dim)});
  for (const BoundaryPart& part : problem.boundary_parts)
    if (part.kind == BoundaryKind::dirichlet) data = std::max(data, largest_magnitude(part.value, boundary, dim));
  // Between two obstacles u stays within them, whatever the load. A load f
  // on diffusion a moves u by about |f|w²/(2a) (w the smallest half-width);
  // a flux g through a natural boundary by about |g|L/a.
  const double diffusion = typical_diffusion(problem.op, inside, dim);
  const double width = smallest_half_width(domain);
  double load = 0.5 * width * width * largest_magnitude(problem.source, inside, dim) / diffusion;
  for (const BoundaryPart& part : problem.boundary_parts)
    if (part.kind != BoundaryKind::dirichlet)
      load = std::max(load, half_width * largest_magnitude(part.value, boundary, dim) / diffusion);
  const double size = problem.has_lower() && problem.has_upper() ? data : std::max(data, load);
  // Data below a quarter train worse unmapped (physics/problem_scaling.hpp).
  const bool unit_range = half_width >= 0.25 && half_width <= 4.0 &&
                          centre_distance <= 4.0 * std::max(half_width, 1.0) &&
                          (size == 0.0 || (size >= 0.25 && size <= 16.0));
  if (unit_range) return scaling;
  scaling.centre = centre;
  scaling.length = half_width;
  scaling.value = size > 0.0 ? size : 1.0;
  return scaling;
}

ObstacleProblem scaled_problem(const ObstacleProblem& problem, const ProblemScaling& s) {
  ObstacleProblem mapped_problem = problem;
  mapped_problem.domain = mapped_domain(problem.domain, s);
  mapped_problem.source = mapped(problem.source, s, s.length * s.length / s.value);
  mapped_problem.reaction_source = mapped(problem.reaction_source, s, s.length * s.length / s.value);
  mapped_problem.boundary = mapped(problem.boundary, s, 1.0 / s.value);
  mapped_problem.lower_obstacle = mapped(problem.lower_obstacle, s, 1.0 / s.value);
  mapped_problem.upper_obstacle = mapped(problem.upper_obstacle, s, 1.0 / s.value);
  mapped_problem.exact = mapped(problem.exact, s, 1.0 / s.value);
  mapped_problem.lift = mapped(problem.lift, s, 1.0 / s.value);
  // L û = −∇̂·(A∇̂û) + L b·∇̂û + L² c û = f L²/U; A∇u·n + κu = g becomes
  // A∇̂û·n + Lκ û = g L/U.
  for (ScalarFunction& a : mapped_problem.op.diffusion) a = mapped(a, s, 1.0);
  for (ScalarFunction& b : mapped_problem.op.convection) b = mapped(b, s, s.length);
  mapped_problem.op.reaction = mapped(problem.op.reaction, s, s.length * s.length);
  for (BoundaryPart& part : mapped_problem.boundary_parts) {
    const bool dirichlet = part.kind == BoundaryKind::dirichlet;
    part.marker = mapped(part.marker, s, 1.0);
    part.value = mapped(part.value, s, dirichlet ? 1.0 / s.value : s.length / s.value);
    part.coefficient = mapped(part.coefficient, s, s.length);
  }
  return mapped_problem;
}

}  // namespace pinn
