/// @file physics/point_data.cpp
/// @brief Evaluation of the problem data at the training points.
#include "physics/point_data.hpp"

#include "nn/error.hpp"

#include <cmath>

namespace pinn {

namespace {

/// −∫_{a}^{x_0} f(s, x_1, x_2) ds by composite 4-point Gauss–Legendre on 16
/// panels (f is a smooth or piecewise-smooth expression; exact for cubics per panel).
double flux_along_x(const ObstacleProblem& problem, const double* x) {
  static const double nodes[4] = {-0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526};
  static const double weights[4] = {0.3478548451374538, 0.6521451548625461, 0.6521451548625461, 0.3478548451374538};
  const double a = problem.domain.lower()[0];
  const int panels = 16;
  const double h = (x[0] - a) / panels;
  double y[3] = {x[0], problem.domain.dim() > 1 ? x[1] : 0.0, problem.domain.dim() > 2 ? x[2] : 0.0};
  double integral = 0.0;
  for (int p = 0; p < panels; ++p) {
    const double mid = a + (p + 0.5) * h;
    for (int q = 0; q < 4; ++q) {
      y[0] = mid + 0.5 * h * nodes[q];
      integral += 0.5 * h * weights[q] * problem.source(y);
    }
  }
  return -integral;
}

}  // namespace

TrainingPoints make_training_points(const ObstacleProblem& problem, const std::vector<double>& base_interior,
                                    const std::vector<double>& boundary, const std::vector<double>& adaptive,
                                    double adaptive_pde_weight, FluxAt flux) {
  problem.validate();
  const Domain& domain = problem.domain;
  const int dim = domain.dim();
  TrainingPoints set;
  set.dim = dim;
  const int n_base = static_cast<int>(base_interior.size()) / dim;
  PINN_REQUIRE(n_base > 0, "no interior points");
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
  const double boundary_weight = set.n_boundary ? domain.boundary_measure() / set.n_boundary : 0.0;
  for (int i = 0; i < n; ++i) {
    const bool on_boundary = i >= set.n_interior;
    const double* x = on_boundary ? &boundary[(i - set.n_interior) * dim] : &interior[i * dim];
    for (int k = 0; k < dim; ++k) coords(i, k) = x[k];
    PointData& p = data(i);
    p.is_boundary = on_boundary ? 1 : 0;
    p.is_adaptive = !on_boundary && i >= n_base ? 1 : 0;
    p.weight = on_boundary ? boundary_weight : (p.is_adaptive ? adaptive_pde_weight : interior_weight);
    p.obstacle_weight = on_boundary ? 0.0 : interior_weight;
    p.f = problem.source(x);
    p.g = on_boundary ? problem.boundary(x) : 0.0;  // g may be singular inside (radial2d)
    p.psi_lower = problem.has_lower() ? problem.lower_obstacle(x) : 0.0;
    p.psi_upper = problem.has_upper() ? problem.upper_obstacle(x) : 0.0;
    const LiftJet lift = evaluate_lift(problem, x);
    p.lift = lift.value;
    p.lift_lap = lift.laplacian;
    const double flux_x = flux == FluxAt::points ? flux_along_x(problem, x) : 0.0;
    const DistanceJet dist = domain.distance(x);
    if (on_boundary) {
      // The distance function grows inwards: n = −∇D/|∇D| (0 at corners, where ∇D = 0).
      double norm2 = 0.0;
      for (int k = 0; k < dim; ++k) norm2 += dist.grad[k] * dist.grad[k];
      p.flux_normal = norm2 > 0.0 ? -flux_x * dist.grad[0] / std::sqrt(norm2) : 0.0;
    } else {
      p.flux[0] = flux_x;
    }
    p.dist = dist.value;
    p.dist_lap = dist.laplacian;
    for (int k = 0; k < 3; ++k) {
      p.lift_grad[k] = lift.grad[k];
      p.dist_grad[k] = dist.grad[k];
    }
  }
  Kokkos::deep_copy(set.coordinates, coords);
  Kokkos::deep_copy(set.data, data);
  return set;
}

}  // namespace pinn
