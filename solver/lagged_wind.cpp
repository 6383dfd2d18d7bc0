/// @file solver/lagged_wind.cpp
/// @brief The lagged wind of the energy form (loss.wind = "lagged").
#include "solver/lagged_wind.hpp"

#include "nn/error.hpp"
#include "physics/obstacle_loss.hpp"

#include <cmath>
#include <limits>

namespace pinn {

bool trains_lagged_wind(const CaseConfig& config) {
  return config.loss.form == LossForm::energy && config.problem.op.has_convection() &&
         config.loss.wind == WindForm::lagged;
}

void start_lagged_wind(LaggedWind& wind, const Mlp& net, int stage, bool trained) {
  if (wind.stage == stage) return;
  wind.stage = stage;
  wind.terms.clear();
  if (trained) wind.terms.push_back({1.0, net.layout().smoothing, parameters_of(net)});
}

void advance_lagged_wind(LaggedWind& wind, const Mlp& net, double relaxation) {
  PINN_REQUIRE(relaxation > 0.0 && relaxation <= 1.0, "relaxation " << relaxation << " outside (0, 1]");
  // The first update replaces ũ = 0 whole: a share of zero would stay in the combination.
  const double kept = wind.terms.empty() ? 0.0 : 1.0 - relaxation;
  std::vector<LaggedWind::Term> terms;
  double total = 0.0;
  for (LaggedWind::Term& term : wind.terms) {
    term.weight *= kept;
    if (term.weight < 1e-3) continue;
    total += term.weight;
    terms.push_back(std::move(term));
  }
  terms.push_back({1.0 - kept, net.layout().smoothing, parameters_of(net)});
  total += terms.back().weight;
  for (LaggedWind::Term& term : terms) term.weight /= total;
  wind.terms = std::move(terms);
}

std::vector<double> lagged_wind_values(const LaggedWind& wind, const Mlp& like, const TrainingPoints& points,
                                       bool hard_boundary, const ExecSpace& space, const Communicator& communicator,
                                       EvaluationWorkspaces* evaluation) {
  const int n = points.size();
  std::vector<double> values(static_cast<std::size_t>(n), 0.0);
  if (wind.terms.empty()) return values;
  const auto data = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), points.data);
  for (const LaggedWind::Term& term : wind.terms) {
    Mlp net(like.config());
    PINN_REQUIRE(static_cast<int>(term.parameters.size()) == net.n_params(),
                 "lagged network of " << term.parameters.size() << " parameters for " << net.n_params());
    load_parameters(net, term.parameters.data());
    net.set_smoothing(term.smoothing);
    const auto jets = Kokkos::create_mirror_view_and_copy(
        Kokkos::HostSpace(), evaluate_jets(space, net, points.coordinates, JetOrder::gradient, -1,
                                           KernelPath::automatic, communicator, evaluation));
    for (int i = 0; i < n; ++i) {
      if (data(i).is_boundary) continue;
      const SolutionJet s = solution_jet(data(i), jets(i), points.dim, hard_boundary);
      double wind_term = 0.0;
      for (int k = 0; k < points.dim; ++k) wind_term += data(i).convection[k] * s.grad[k];
      values[static_cast<std::size_t>(i)] += term.weight * wind_term;
    }
  }
  return values;
}

double set_lagged_wind(const TrainingPoints& points, const std::vector<double>& values) {
  PINN_REQUIRE(values.size() == static_cast<std::size_t>(points.size()),
               values.size() << " lagged wind values for " << points.size() << " points");
  auto data = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), points.data);
  double difference = 0.0, norm = 0.0;
  for (int i = 0; i < points.size(); ++i) {
    const double old = data(i).lagged_wind, now = values[static_cast<std::size_t>(i)];
    difference += data(i).weight * (now - old) * (now - old);
    norm += data(i).weight * old * old;
    data(i).lagged_wind = now;
  }
  Kokkos::deep_copy(points.data, data);
  return norm > 0.0 ? std::sqrt(difference / norm) : std::numeric_limits<double>::infinity();
}

}  // namespace pinn
