/// @file physics/symmetric_form.cpp
/// @brief The weight e^{−φ} of 1D convection and the weighted problem.
#include "physics/symmetric_form.hpp"

#include "nn/error.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <memory>
#include <vector>

namespace pinn {

namespace {

/// φ tabulated at 4097 nodes (4-point Gauss–Legendre per cell, exact for
/// cubics), evaluated by cubic Hermite interpolation with φ' = b/a at the
/// nodes: smooth to the round-off the central differences of ∇·A need.
struct PhiTable {
  double lower = 0, step = 1;
  std::vector<double> phi, slope;

  double operator()(double x) const {
    const int cells = static_cast<int>(phi.size()) - 1;
    const double t_all = (x - lower) / step;
    const int i = std::min(std::max(static_cast<int>(std::floor(t_all)), 0), cells - 1);
    const double t = t_all - i;
    const double h00 = (1 + 2 * t) * (1 - t) * (1 - t), h10 = t * (1 - t) * (1 - t);
    const double h01 = t * t * (3 - 2 * t), h11 = t * t * (t - 1);
    return h00 * phi[i] + h10 * step * slope[i] + h01 * phi[i + 1] + h11 * step * slope[i + 1];
  }
};

std::shared_ptr<const PhiTable> tabulate_phi(const ObstacleProblem& problem) {
  static const double nodes[4] = {-0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526};
  static const double weights[4] = {0.3478548451374538, 0.6521451548625461, 0.6521451548625461, 0.3478548451374538};
  const EllipticOperator& op = problem.op;
  const auto ratio = [&](double x) { return op.convection[0](&x) / (op.diffusion.empty() ? 1.0 : op.diffusion[0](&x)); };
  auto table = std::make_shared<PhiTable>();
  const int cells = 4096;
  table->lower = problem.domain.lower()[0];
  table->step = (problem.domain.upper()[0] - table->lower) / cells;
  table->phi.assign(cells + 1, 0.0);
  table->slope.assign(cells + 1, 0.0);
  for (int i = 0; i <= cells; ++i) {
    const double x = table->lower + i * table->step;
    table->slope[i] = ratio(x);
    if (i == 0) continue;
    double integral = 0.0;
    for (int q = 0; q < 4; ++q) integral += weights[q] * ratio(x - 0.5 * table->step * (1.0 - nodes[q]));
    table->phi[i] = table->phi[i - 1] + 0.5 * table->step * integral;
  }
  return table;
}

ScalarFunction weighted(const ScalarFunction& h, const ScalarFunction& w) {
  if (!h) return h;
  return [h, w](const double* x) { return w(x) * h(x); };
}

/// r = b/a at x (dim components).
void convection_ratio(const EllipticOperator& op, const double* x, int dim, double* r) {
  const double a = op.diffusion.empty() ? 1.0 : op.diffusion[0](x);
  for (int i = 0; i < dim; ++i) r[i] = op.convection[static_cast<std::size_t>(i)](x) / a;
}

/// In 2D and 3D, φ(x) = ∫₀¹ r(c + t(x − c))·(x − c) dt along the segment
/// from the bounding box's centre c (16-point Gauss–Legendre): a potential
/// of r where r is curl-free (is_potential checks it).
ScalarFunction straight_path_phi(const ObstacleProblem& problem) {
  const int dim = problem.domain.dim();
  std::array<double, 3> c{0, 0, 0};
  for (std::size_t i = 0; i < static_cast<std::size_t>(dim); ++i)
    c[i] = 0.5 * (problem.domain.lower()[i] + problem.domain.upper()[i]);
  const EllipticOperator op = problem.op;
  return [op, c, dim](const double* x) {
    // The positive half of the 16-point rule on (−1, 1), mirrored onto t ∈ (0, 1).
    static const double nodes[8] = {0.0950125098376374, 0.2816035507792589, 0.4580167776572274,
                                    0.6178762444026438, 0.7554044083550030, 0.8656312023878318,
                                    0.9445750230732326, 0.9894009349916499};
    static const double weights[8] = {0.1894506104550685, 0.1826034150449236, 0.1691565193950025,
                                      0.1495959888165767, 0.1246289712555339, 0.0951585116824928,
                                      0.0622535239386479, 0.0271524594117541};
    double phi = 0.0;
    for (int q = 0; q < 16; ++q) {
      const int k = q < 8 ? 7 - q : q - 8;
      const double t = 0.5 * (1.0 + (q < 8 ? -nodes[k] : nodes[k]));
      double y[3], r[3];
      for (int i = 0; i < dim; ++i) y[i] = c[static_cast<std::size_t>(i)] + t * (x[i] - c[static_cast<std::size_t>(i)]);
      convection_ratio(op, y, dim, r);
      for (int i = 0; i < dim; ++i) phi += 0.5 * weights[k] * r[i] * (x[i] - c[static_cast<std::size_t>(i)]);
    }
    return phi;
  };
}

/// Whether ∇φ = b/a, so that b = a∇φ: central differences of φ against r at
/// 9^dim points of the bounding box, to 1e-6 of the largest |r|. False where
/// b/a has a curl (the segments' integral then has another gradient), and
/// where it jumps between a segment's Gauss points near a sample point.
bool is_potential(const ObstacleProblem& problem, const ScalarFunction& phi) {
  const Domain& domain = problem.domain;
  const int dim = domain.dim();
  const auto extent = [&](int i) {
    return domain.upper()[static_cast<std::size_t>(i)] - domain.lower()[static_cast<std::size_t>(i)];
  };
  double size = 0.0;
  for (int i = 0; i < dim; ++i) size = std::max(size, extent(i));
  const double step = 1e-4 * size;
  double largest_mismatch = 0.0, largest_ratio = 0.0;
  for (int n = 0; n < (dim == 2 ? 81 : 729); ++n) {
    double x[3], r[3];
    for (int i = 0, rest = n; i < dim; ++i, rest /= 9)
      x[i] = domain.lower()[static_cast<std::size_t>(i)] + (rest % 9 + 0.5) / 9 * extent(i);
    convection_ratio(problem.op, x, dim, r);
    for (int j = 0; j < dim; ++j) {
      double plus[3], minus[3];
      for (int i = 0; i < dim; ++i) plus[i] = minus[i] = x[i];
      plus[j] += step;
      minus[j] -= step;
      const double slope = (phi(plus) - phi(minus)) / (2 * step);
      if (!std::isfinite(slope) || !std::isfinite(r[j])) return false;
      largest_mismatch = std::max(largest_mismatch, std::abs(slope - r[j]));
      largest_ratio = std::max(largest_ratio, std::abs(r[j]));
    }
  }
  return largest_mismatch <= 1e-6 * largest_ratio;
}

/// φ with φ' = b/a (1D) or ∇φ = b/a (2D, 3D), up to a constant; empty
/// where b/a has no potential.
ScalarFunction convection_potential(const ObstacleProblem& problem) {
  if (problem.domain.dim() == 1) {
    std::shared_ptr<const PhiTable> phi = tabulate_phi(problem);
    return [phi](const double* x) { return (*phi)(x[0]); };
  }
  ScalarFunction phi = straight_path_phi(problem);
  return is_potential(problem, phi) ? phi : ScalarFunction();
}

/// The smallest and largest value of φ on the domain (a grid of about 4096
/// interior points and 256 boundary points; ±∞ where φ is not finite).
std::array<double, 2> potential_range(const ObstacleProblem& problem, const ScalarFunction& phi) {
  const int dim = problem.domain.dim();
  std::vector<double> points = problem.domain.sample_interior(4096, SamplingMethod::grid, 0);
  const std::vector<double> boundary = problem.domain.sample_boundary(dim == 1 ? 2 : 256);
  points.insert(points.end(), boundary.begin(), boundary.end());
  const double infinite = std::numeric_limits<double>::infinity();
  std::array<double, 2> range{infinite, -infinite};
  for (std::size_t i = 0; i < points.size(); i += static_cast<std::size_t>(dim)) {
    const double value = phi(&points[i]);
    if (!std::isfinite(value)) return {-infinite, infinite};
    range = {std::min(range[0], value), std::max(range[1], value)};
  }
  return range;
}

}  // namespace

double symmetric_form_exponent(const ObstacleProblem& problem) {
  const EllipticOperator& op = problem.op;
  if (!op.has_convection() || op.has_matrix_diffusion() || op.time_axis) return std::numeric_limits<double>::infinity();
  const ScalarFunction phi = convection_potential(problem);
  if (!phi) return std::numeric_limits<double>::infinity();
  const std::array<double, 2> range = potential_range(problem, phi);
  return 0.5 * (range[1] - range[0]);
}

bool has_symmetric_form(const ObstacleProblem& problem, double largest_exponent) {
  return symmetric_form_exponent(problem) <= largest_exponent;
}

ScalarFunction convection_weight(const ObstacleProblem& problem) {
  PINN_REQUIRE(problem.op.has_convection(), "no convection to weigh");
  const ScalarFunction phi = convection_potential(problem);
  PINN_REQUIRE(phi, "b/a has no potential");
  const std::array<double, 2> range = potential_range(problem, phi);
  const double middle = 0.5 * (range[0] + range[1]);
  return [phi, middle](const double* x) { return std::exp(-(phi(x) - middle)); };
}

ObstacleProblem symmetric_form(const ObstacleProblem& problem) {
  const ScalarFunction w = convection_weight(problem);
  ObstacleProblem weighted_problem = problem;
  EllipticOperator& op = weighted_problem.op;
  op.diffusion = {op.diffusion.empty() ? w : weighted(op.diffusion[0], w)};
  op.convection.clear();
  op.reaction = weighted(op.reaction, w);
  weighted_problem.source = weighted(problem.source, w);
  weighted_problem.reaction_source = weighted(problem.reaction_source, w);
  for (BoundaryPart& part : weighted_problem.boundary_parts) {
    if (part.kind == BoundaryKind::dirichlet) continue;
    part.value = weighted(part.value, w);
    part.coefficient = weighted(part.coefficient, w);
  }
  return weighted_problem;
}

}  // namespace pinn
