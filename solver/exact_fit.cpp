/// @file solver/exact_fit.cpp
/// @brief Fits the exact network to the smoothed one.
#include "solver/exact_fit.hpp"

#include "nn/gauss_newton_step.hpp"
#include "nn/parameter_jacobian.hpp"

#include <cmath>
#include <vector>

namespace pinn {

namespace {

/// r_i = w_i (N(x_i) − t_i): the network's first output against a target,
/// times the point's output factor (1 where `factors` is empty).
struct ValueAgainstTarget {
  Vector targets;
  Vector factors;
  KOKKOS_FUNCTION void operator()(int i, const PointJet& jet, double* residuals, PointJet* seeds) const {
    const double factor = factors.extent(0) == 0 ? 1.0 : factors(i);
    residuals[0] = factor * (jet.value[0] - targets(i));
    seeds[0].value[0] = factor;
  }
};

/// The first damping, a multiple of diag(JᵀJ), as the natural-gradient stage's default.
constexpr double kFirstDamping = 1e-3;

}  // namespace

ExactFitReport fit_exact_to_smoothed(Mlp& net, const Matrix& points, const Vector& factors, int max_steps) {
  ExactFitReport report;
  const int n_points = static_cast<int>(points.extent(0)), n = net.n_params();
  if (net.layout().smoothing <= 0.0 || n_points == 0) return report;
  const ExecSpace space;
  const Matrix no_jacobian("pinn::exact_fit::none", 0, 0);
  Vector targets("pinn::exact_fit::targets", n_points), residuals("pinn::exact_fit::residuals", n_points);
  Matrix jacobian(Kokkos::view_alloc(Kokkos::WithoutInitializing, "pinn::exact_fit::jacobian"), n_points, n);
  // The smoothed network's values (against zero targets), then ε = 0.
  residual_jacobian(space, net, points, ValueAgainstTarget{Vector("pinn::exact_fit::zero", n_points), Vector()},
                    JetOrder::value, 1, targets, no_jacobian);
  space.fence();
  net.set_smoothing(0.0);
  const auto cost = [&](bool with_jacobian) {
    residual_jacobian(space, net, points, ValueAgainstTarget{targets, factors}, JetOrder::value, 1, residuals,
                      with_jacobian ? jacobian : no_jacobian);
    space.fence();
    double sum = 0.0;
    for (int i = 0; i < n_points; ++i) sum += residuals(i) * residuals(i);
    return 0.5 * sum;
  };
  const auto rms = [&](double c) { return std::sqrt(2.0 * c / n_points); };
  double current = cost(true);
  report.rms_before = rms(current);
  GaussNewtonStep system;
  std::vector<double> step, start(static_cast<std::size_t>(n)), trial(static_cast<std::size_t>(n));
  double damping = kFirstDamping;
  const auto solve = [&](double delta) { return system.solve(delta, step); };
  const auto trial_cost = [&] {
    for (int p = 0; p < n; ++p) trial[p] = start[p] + step[p];
    load_parameters(net, trial.data());
    return cost(false);
  };
  for (int it = 0; it < max_steps && std::isfinite(current) && current > 0.0; ++it) {
    system.set_jacobian(jacobian.data(), residuals.data(), n_points, n);
    start = parameters_of(net);
    double accepted_cost = current;
    if (!levenberg_marquardt_step(damping, current, accepted_cost, solve, trial_cost)) {
      load_parameters(net, start.data());
      break;
    }
    ++report.steps;
    current = cost(true);  // the Jacobian at the accepted point (its cost is accepted_cost)
  }
  if (net.layout().alpha_constraint == AlphaConstraint::monotone) {
    // The fit moves the slopes too; a monotone PReLU's go back to α ≥ 0.
    net.project_parameters(space);
    current = cost(false);
  }
  report.rms_after = rms(current);
  return report;
}

}  // namespace pinn
