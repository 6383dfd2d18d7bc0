/// @file solver/training_loss.cpp
/// @brief The loss a run trains on.
#include "solver/training_loss.hpp"

#include "nn/piecewise_linear_1d.hpp"

namespace pinn {

TrainingLoss::TrainingLoss(const CaseConfig& config, ExecSpace space)
    : space_(std::move(space)),
      order_(jet_order_for(config.loss.form)),
      exact_energy_(config.loss.exact_energy_integration),
      alpha_l1_(config.network.activation == Activation::prelu ? config.network.alpha_l1 : 0.0),
      lower_(config.problem.domain.lower()[0]),
      upper_(config.problem.domain.upper()[0]) {}

double TrainingLoss::value_and_gradient(const Mlp& net, const TrainingPoints& points, const ObstacleLossParams& params,
                                        const Vector& gradient) {
  const ObstaclePointLoss point_loss{points.data, params};
  double loss = loss_and_gradient(space_, net, points.coordinates, point_loss, order_, gradient, workspace_);
  if (alpha_l1_ > 0.0) loss += add_alpha_l1_penalty(space_, net, alpha_l1_, gradient);
  if (exact_energy_) loss += add_exact_dirichlet_energy(net, gradient);
  return loss;
}

LossTerms TrainingLoss::terms(const Mlp& net, const TrainingPoints& points,
                              const ObstacleLossParams& loss_params) const {
  const auto jets = evaluate_jets(space_, net, points.coordinates, order_);
  const auto data = points.data;
  const ObstacleLossParams params = loss_params;
  double pde = 0, obstacle = 0, boundary = 0;
  Kokkos::parallel_reduce(
      "pinn::solver::TrainingLoss::terms", Kokkos::RangePolicy<ExecSpace>(space_, 0, points.size()),
      KOKKOS_LAMBDA(const int i, double& a, double& b, double& c) {
        PointJet seed;
        seed.zero();
        const LossTerms t = obstacle_point_loss(params, data(i), jets(i), seed);
        a += t.pde;
        b += t.obstacle;
        c += t.boundary;
      },
      pde, obstacle, boundary);
  LossTerms sum;
  sum.pde = pde + (exact_energy_ ? dirichlet_energy_1d(net, lower_, upper_, nullptr) : 0.0);
  sum.obstacle = obstacle;
  sum.boundary = boundary;
  return sum;
}

void TrainingLoss::update_multipliers(const Mlp& net, const TrainingPoints& points,
                                      const ObstacleLossParams& loss_params) const {
  const auto jets = evaluate_jets(space_, net, points.coordinates, JetOrder::value);
  const auto data = points.data;
  const ObstacleLossParams params = loss_params;
  const bool hard = params.settings.boundary == BoundaryMode::hard;
  Kokkos::parallel_for(
      "pinn::solver::TrainingLoss::update_multipliers", Kokkos::RangePolicy<ExecSpace>(space_, 0, points.size()),
      KOKKOS_LAMBDA(const int i) {
        PointData& p = data(i);
        const double u = solution_jet(p, jets(i), params.dim, hard).u;
        if (p.is_boundary) {  // penalty boundary condition: η ← η + β(u − g)
          p.boundary_multiplier += params.settings.boundary_weight * (u - p.g);
          return;
        }
        const double lower = params.has_lower ? updated_lower_multiplier(params.settings, p, u) : 0.0;
        const double upper = params.has_upper ? updated_upper_multiplier(params.settings, p, u) : 0.0;
        p.lambda_lower = lower;
        p.lambda_upper = upper;
      });
  space_.fence();
}

ContactSample TrainingLoss::contact_sample(const Mlp& net, const TrainingPoints& points,
                                           const ObstacleLossParams& params) const {
  ContactSample c;
  c.dim = points.dim;
  const auto jets = Kokkos::create_mirror_view_and_copy(
      Kokkos::HostSpace(), evaluate_jets(space_, net, points.coordinates, JetOrder::value));
  const auto data = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), points.data);
  const auto coords = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), points.coordinates);
  const bool hard = params.settings.boundary == BoundaryMode::hard;
  for (int i = 0; i < points.n_interior; ++i) {
    const double u = solution_jet(data(i), jets(i), c.dim, hard).u;
    for (int k = 0; k < c.dim; ++k) c.points.push_back(coords(i, k));
    // Adaptive points refine the contact reading but must not count area twice.
    c.weights.push_back(data(i).is_adaptive ? 0.0 : data(i).obstacle_weight);
    c.u.push_back(u);
    c.psi.push_back(data(i).psi_lower);
    c.lambda.push_back(params.has_lower ? updated_lower_multiplier(params.settings, data(i), u) : 0.0);
    if (params.has_upper) {
      c.psi_upper.push_back(data(i).psi_upper);
      c.lambda_upper.push_back(updated_upper_multiplier(params.settings, data(i), u));
    }
    c.mass_weights.push_back(data(i).obstacle_weight);
  }
  return c;
}

double TrainingLoss::add_exact_dirichlet_energy(const Mlp& net, const Vector& gradient) {
  exact_energy_gradient_.assign(net.n_params(), 0.0);
  const double energy = dirichlet_energy_1d(net, lower_, upper_, &exact_energy_gradient_);
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), gradient);
  for (int p = 0; p < net.n_params(); ++p) host(p) += exact_energy_gradient_[p];
  Kokkos::deep_copy(gradient, host);
  return energy;
}

}  // namespace pinn
