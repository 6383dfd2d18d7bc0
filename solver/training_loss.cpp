/// @file solver/training_loss.cpp
/// @brief The loss a run trains on.
#include "solver/training_loss.hpp"

#include "nn/piecewise_linear_1d.hpp"

namespace pinn {

TrainingLoss::TrainingLoss(const CaseConfig& config, ExecSpace space, Communicator communicator)
    : space_(std::move(space)),
      order_(jet_order_for(config.loss.form)),
      exact_energy_(config.loss.exact_energy_integration),
      alpha_l1_(config.network.activation == Activation::prelu ? config.network.alpha_l1 : 0.0),
      lower_(config.problem.domain.lower()[0]),
      upper_(config.problem.domain.upper()[0]) {
  workspace_.communicator = communicator.with_sums(config.rank_sums);
}

double TrainingLoss::value_and_gradient(const Mlp& net, const TrainingPoints& points, const ObstacleLossParams& params,
                                        const Vector& gradient) {
  const ObstaclePointLoss point_loss{points.data, params};
  double loss = loss_and_gradient(space_, net, points.coordinates, point_loss, order_, gradient, workspace_,
                                  params.laplacian_dims);
  if (alpha_l1_ > 0.0) loss += add_alpha_l1_penalty(space_, net, alpha_l1_, gradient);
  if (exact_energy_) loss += add_exact_dirichlet_energy(net, gradient);
  return loss;
}

LossTerms TrainingLoss::terms(const Mlp& net, const TrainingPoints& points,
                              const ObstacleLossParams& loss_params) const {
  const auto jets = evaluate_jets(space_, net, points.coordinates, order_, loss_params.laplacian_dims,
                                  KernelPath::automatic, workspace_.communicator, &evaluation_);
  const auto data = points.data;
  const ObstacleLossParams params = loss_params;
  // Summed per fixed chunk of points, then the chunks in order on the host,
  // so that the value is bitwise the same for any number of threads (a
  // parallel_reduce groups the sum by thread). Every rank holds every
  // point's jet (each evaluated its share), so the sum is the same on every rank.
  const int n_points = points.size();
  const int n_chunks = (n_points + kPointsPerChunk - 1) / kPointsPerChunk;
  const Kokkos::View<double* [3], MemSpace> partial("pinn::solver::TrainingLoss::terms::partial", n_chunks);
  Kokkos::parallel_for(
      "pinn::solver::TrainingLoss::terms", Kokkos::RangePolicy<ExecSpace>(space_, 0, n_chunks),
      KOKKOS_LAMBDA(const int chunk) {
        double pde = 0, obstacle = 0, boundary = 0;
        const int end = (chunk + 1) * kPointsPerChunk < n_points ? (chunk + 1) * kPointsPerChunk : n_points;
        for (int i = chunk * kPointsPerChunk; i < end; ++i) {
          PointJet seed;
          seed.zero();
          const LossTerms t = obstacle_point_loss(params, data(i), jets(i), seed);
          pde += t.pde;
          obstacle += t.obstacle;
          boundary += t.boundary;
        }
        partial(chunk, 0) = pde;
        partial(chunk, 1) = obstacle;
        partial(chunk, 2) = boundary;
      });
  const auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), partial);
  LossTerms sum;
  for (int c = 0; c < n_chunks; ++c) {
    sum.pde += host(c, 0);
    sum.obstacle += host(c, 1);
    sum.boundary += host(c, 2);
  }
  if (exact_energy_) sum.pde += dirichlet_energy_1d(net, lower_, upper_, nullptr);
  return sum;
}

void TrainingLoss::update_multipliers(const Mlp& net, const TrainingPoints& points,
                                      const ObstacleLossParams& loss_params) const {
  const auto jets =
      evaluate_jets(space_, net, points.coordinates, JetOrder::value, -1, KernelPath::automatic, workspace_.communicator,
                    &evaluation_);
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
                                           const ObstacleLossParams& params, bool shared) const {
  ContactSample c;
  c.dim = points.dim;
  const auto jets = Kokkos::create_mirror_view_and_copy(
      Kokkos::HostSpace(), evaluate_jets(space_, net, points.coordinates, JetOrder::value, -1, KernelPath::automatic,
                                         shared ? workspace_.communicator : Communicator(), &evaluation_));
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
