/// @file physics/point_data.cpp
/// @brief Evaluation of the problem data at the training points.
#include "physics/point_data.hpp"

#include "nn/error.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <string>

namespace pinn {

namespace {

/// −∫_{a}^{x_0} (f − f_reaction)(s, x_1, x_2) ds (the part of the source the
/// flux carries) by 4-point Gauss–Legendre on 32 fixed panels of [a, b], the
/// last one cut at x_0 (f is a smooth or piecewise-smooth expression; exact
/// for cubics per panel). The panels are the same for every point, so F at
/// two points differs by the same rule's integral between them: where f
/// jumps inside a panel, the rule's error is one constant beyond that panel,
/// which the boundary term F·n carries too. Panels scaled to [a, x_0] made the
/// error a ragged function of x_0, whose derivative is a spurious source
/// (mixed2d's Gauss–Newton steps: 8.8e-3 against 1e-3, BENCHMARKS.md §20).
double flux_along_x(const ObstacleProblem& problem, const double* x) {
  static const double nodes[4] = {-0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526};
  static const double weights[4] = {0.3478548451374538, 0.6521451548625461, 0.6521451548625461, 0.3478548451374538};
  const double a = problem.domain.lower()[0];
  const int panels = 32;
  const double width = (problem.domain.upper()[0] - a) / panels;
  double y[3] = {x[0], problem.domain.dim() > 1 ? x[1] : 0.0, problem.domain.dim() > 2 ? x[2] : 0.0};
  double integral = 0.0;
  for (int p = 0; p < panels && a + p * width < x[0]; ++p) {
    const double start = a + p * width, h = std::min(width, x[0] - start), mid = start + 0.5 * h;
    for (int q = 0; q < 4; ++q) {
      y[0] = mid + 0.5 * h * nodes[q];
      integral += 0.5 * h * weights[q] * (problem.source(y) - (problem.reaction_source ? problem.reaction_source(y) : 0.0));
    }
  }
  return -integral;
}

/// The constant C of the 1D flux F = −∫_a^x f + C: F·n = g at a Neumann end
/// (or Robin with κ = 0)
/// (n = −1 at a, +1 at b), so that the energy's residual form needs no term
/// linear in u there (physics/least_squares_residuals.hpp). Zero without
/// Neumann ends, and in 2D and 3D.
double flux_constant(const ObstacleProblem& problem) {
  if (problem.domain.dim() != 1 || !has_natural_parts(problem.boundary_parts)) return 0.0;
  const double a = problem.domain.lower()[0], b = problem.domain.upper()[0];
  const BoundaryCondition left = condition_at(problem.boundary_parts, problem.boundary, problem.domain, &a);
  const BoundaryCondition right = condition_at(problem.boundary_parts, problem.boundary, problem.domain, &b);
  if (is_linear_in_u(left)) return -left.value;
  if (is_linear_in_u(right)) return right.value - flux_along_x(problem, &b);
  return 0.0;
}

/// Lᵀ of the Cholesky factor of A (row-major in a 3×3 array) and L⁻¹F in
/// `flux`; throws where A is not positive definite. With a time axis
/// (EllipticOperator::time_axis) only the spatial block is factored: the time
/// row of Lᵀ and of L⁻¹F stay 0 (no energy flux along t; the energy form is
/// refused there anyway, b ≠ 0).
void factor_diffusion(PointData& p, int dim, const double* x, bool time_axis) {
  double lower[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
  const int factored = time_axis ? dim - 1 : dim;
  for (int r = 0; r < factored; ++r) {
    for (int c = 0; c <= r; ++c) {
      double sum = p.diffusion[3 * r + c];
      for (int k = 0; k < c; ++k) sum -= lower[3 * r + k] * lower[3 * c + k];
      if (r == c) {
        PINN_USER_REQUIRE(sum > 0.0, "problem.diffusion is not positive definite at ("
                                         << x[0] << (dim > 1 ? ", " + std::to_string(x[1]) : "")
                                         << (dim > 2 ? ", " + std::to_string(x[2]) : "") << ")");
        lower[3 * r + c] = std::sqrt(sum);
      } else {
        lower[3 * r + c] = sum / lower[3 * c + c];
      }
    }
  }
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) p.diffusion_root[3 * r + c] = r < dim && c < dim ? lower[3 * c + r] : (r == c);
  if (time_axis) p.flux[dim - 1] = 0.0;
  for (int r = 0; r < factored; ++r) {  // forward substitution L y = F
    double sum = p.flux[r];
    for (int k = 0; k < r; ++k) sum -= lower[3 * r + k] * p.flux[k];
    p.flux[r] = sum / lower[3 * r + r];
  }
}

/// Outward unit normal at boundary point x: −∇D/|∇D| from the domain's
/// distance function, at corners (∇D = 0) the normalised sum of the sides' normals.
void outward_normal(const Domain& domain, const double* x, const DistanceJet& distance, double* normal) {
  const int dim = domain.dim();
  double norm2 = 0.0;
  for (int k = 0; k < dim; ++k) norm2 += distance.grad[k] * distance.grad[k];
  if (norm2 > 0.0) {
    for (int k = 0; k < dim; ++k) normal[k] = -distance.grad[k] / std::sqrt(norm2);
    return;
  }
  const unsigned sides = sides_at(domain, x);
  double count = 0.0;
  for (int k = 0; k < dim; ++k) {
    normal[k] = (sides & (1u << (2 * k)) ? -1.0 : 0.0) + (sides & (1u << (2 * k + 1)) ? 1.0 : 0.0);
    count += normal[k] * normal[k];
  }
  for (int k = 0; k < dim && count > 0.0; ++k) normal[k] /= std::sqrt(count);
}

}  // namespace

TrainingPoints make_training_points(const ObstacleProblem& problem, const std::vector<double>& base_interior,
                                    const std::vector<double>& boundary, const std::vector<double>& adaptive,
                                    double adaptive_pde_weight, FluxAt flux,
                                    const std::vector<double>& interior_weights) {
  problem.validate();
  const Domain& domain = problem.domain;
  const int dim = domain.dim();
  TrainingPoints set;
  set.dim = dim;
  const int n_base = static_cast<int>(base_interior.size()) / dim;
  PINN_REQUIRE(n_base > 0, "no interior points");
  PINN_REQUIRE(interior_weights.empty() || interior_weights.size() == static_cast<std::size_t>(n_base),
               interior_weights.size() << " interior weights for " << n_base << " interior points");
  std::vector<double> interior = base_interior;
  interior.insert(interior.end(), adaptive.begin(), adaptive.end());
  set.n_adaptive = static_cast<int>(adaptive.size()) / dim;
  set.n_interior = n_base + set.n_adaptive;
  set.n_boundary = static_cast<int>(boundary.size()) / dim;
  const int n = set.size();
  set.coordinates = Matrix("pinn::physics::TrainingPoints::coordinates", n, dim);
  set.data = PointDataView("pinn::physics::TrainingPoints::data", n);
  auto coords = Kokkos::create_mirror_view(set.coordinates);
  auto data = Kokkos::create_mirror_view(set.data);
  const double interior_weight = domain.measure() / n_base;
  const bool general = uses_general_operator(problem);
  const bool natural = has_natural_parts(problem.boundary_parts);
  const DirichletSides hard_sides = dirichlet_sides(problem);
  const double flux_shift = flux == FluxAt::points ? flux_constant(problem) : 0.0;
  const double step = 1e-5 * std::max(1.0, domain.upper()[0] - domain.lower()[0]);
  const double boundary_weight = set.n_boundary ? domain.boundary_measure() / set.n_boundary : 0.0;
  for (int i = 0; i < n; ++i) {
    const bool on_boundary = i >= set.n_interior;
    const double* x = on_boundary ? &boundary[(i - set.n_interior) * dim] : &interior[i * dim];
    for (int k = 0; k < dim; ++k) coords(i, k) = x[k];
    PointData& p = data(i);
    p.is_boundary = on_boundary ? 1 : 0;
    p.is_adaptive = !on_boundary && i >= n_base ? 1 : 0;
    const double base_weight = interior_weights.empty() || p.is_adaptive ? interior_weight : interior_weights[i];
    p.weight = on_boundary ? boundary_weight : (p.is_adaptive ? adaptive_pde_weight : base_weight);
    p.obstacle_weight = on_boundary ? 0.0 : base_weight;
    p.f = problem.source(x);
    p.f_reaction = problem.reaction_source ? problem.reaction_source(x) : 0.0;
    // g may be singular inside (radial2d), so only boundary points read it.
    const BoundaryCondition condition =
        on_boundary ? condition_at(problem.boundary_parts, problem.boundary, domain, x) : BoundaryCondition{};
    p.g = condition.value;
    p.boundary_kind = static_cast<int>(condition.kind);
    p.robin = condition.coefficient;
    p.psi_lower = problem.has_lower() ? problem.lower_obstacle(x) : 0.0;
    p.psi_upper = problem.has_upper() ? problem.upper_obstacle(x) : 0.0;
    const LiftJet lift = evaluate_lift(problem, x);
    p.lift = lift.value;
    p.lift_lap = lift.laplacian;
    const double flux_x = flux == FluxAt::points ? flux_along_x(problem, x) + flux_shift : 0.0;
    const DistanceJet boundary_distance = domain.distance(x);
    const DistanceJet dist = natural && hard_sides.whole_sides ? domain.distance_to_sides(x, hard_sides.sides)
                                                               : boundary_distance;
    if (on_boundary) {
      outward_normal(domain, x, boundary_distance, p.normal);
      // The distance function grows inwards: F·n = −F_x ∂_x D/|∇D| (0 at corners, where ∇D = 0).
      double norm2 = 0.0;
      for (int k = 0; k < dim; ++k) norm2 += boundary_distance.grad[k] * boundary_distance.grad[k];
      p.flux_normal = norm2 > 0.0 ? -flux_x * boundary_distance.grad[0] / std::sqrt(norm2) : 0.0;
    } else {
      p.flux[0] = flux_x;
    }
    p.dist = dist.value;
    p.dist_lap = dist.laplacian;
    p.laplacian_dims = laplacian_dims(problem);
    for (int k = 0; k < 3; ++k) {
      p.lift_grad[k] = lift.grad[k];
      p.dist_grad[k] = dist.grad[k];
    }
    if (general) {
      const OperatorCoefficients c = evaluate_operator(problem.op, dim, x, step);
      std::copy(std::begin(c.diffusion), std::end(c.diffusion), std::begin(p.diffusion));
      std::copy(std::begin(c.diffusion_divergence), std::end(c.diffusion_divergence),
                std::begin(p.diffusion_divergence));
      std::copy(std::begin(c.convection), std::end(c.convection), std::begin(p.convection));
      p.reaction = c.reaction;
      factor_diffusion(p, dim, x, problem.op.time_axis);
    }
  }
  Kokkos::deep_copy(set.coordinates, coords);
  Kokkos::deep_copy(set.data, data);
  return set;
}

}  // namespace pinn
