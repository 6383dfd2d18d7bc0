/// @file solver/neuron_placement.cpp
/// @brief Kink placement, neuron revival and neuron insertion.
#include "solver/neuron_placement.hpp"

#include "nn/kink_placement.hpp"
#include "nn/neuron_insertion.hpp"
#include "nn/neuron_revival.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <ostream>
#include <random>

namespace pinn {

void place_kinks_at_obstacle(Mlp& net, const CaseConfig& config, const std::vector<double>& base_interior,
                             std::ostream* log) {
  const ObstacleProblem& problem = config.problem;
  const ScalarFunction& psi = problem.has_lower() ? problem.lower_obstacle : problem.upper_obstacle;
  const Domain& domain = problem.domain;
  const int dim = domain.dim();
  const int n = static_cast<int>(base_interior.size()) / dim;
  // Differences over one spacing of the training points: a point next to a
  // jump of ψ sees it, so steps count as (very) curved.
  const double step = std::pow(domain.measure() / n, 1.0 / dim);
  std::vector<double> weight(n);
  for (int i = 0; i < n; ++i) {
    const double w = std::abs(central_laplacian(psi, domain, &base_interior[static_cast<std::size_t>(i) * dim], step));
    weight[i] = std::isfinite(w) ? w : 0.0;
  }
  // Half of the first layer, drawn without replacement with probability ∝ |Δψ|.
  const int count = net.layout().width[1] / 2;
  std::mt19937_64 rng(config.seed ^ 0x6b696e6b73ull);
  std::vector<KinkTarget> targets;
  double total = std::accumulate(weight.begin(), weight.end(), 0.0);
  while (static_cast<int>(targets.size()) < count && total > 0.0) {
    double pick = std::uniform_real_distribution<double>(0.0, total)(rng);
    int i = 0;
    while (i + 1 < n && (weight[i] == 0.0 || pick >= weight[i])) pick -= weight[i++];
    if (weight[i] == 0.0) break;  // rounding left nothing to pick
    KinkTarget target;
    target.centre.assign(&base_interior[static_cast<std::size_t>(i) * dim],
                         &base_interior[static_cast<std::size_t>(i) * dim] + dim);
    // Perpendicular to ∇ψ (central differences), so the kink runs along ψ's level lines.
    std::vector<double> gradient(dim);
    central_gradient(psi, domain, target.centre.data(), gradient.data(), step);
    double length = 0.0;
    for (const double g : gradient) length += g * g;
    if (length > 0.0 && std::isfinite(length)) target.normal = gradient;
    targets.push_back(std::move(target));
    total -= weight[i];
    weight[i] = 0.0;
  }
  place_first_layer_kinks(net, targets);
  if (log)
    *log << "kink placement: " << targets.size() << " of " << net.layout().width[1]
         << " first-layer kinks where the obstacle bends\n";
}

std::vector<int> points_by_complementarity_gap(const ContactSample& c) {
  const int n = static_cast<int>(c.u.size());
  // Complementarity gap |λ̃(u − ψ)|: large where the contact set is uncertain.
  // Ties (e.g. all zero away from contact) are broken by a fixed scramble of
  // the index, so such targets spread over the domain instead of one corner.
  std::vector<double> gap(n);
  for (int i = 0; i < n; ++i) gap[i] = std::abs(c.lambda[i] * (c.u[i] - c.psi[i]));
  auto scramble = [n](int i) { return static_cast<int>((static_cast<std::uint64_t>(i) * 2654435761u) % n); };
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int a, int b) {
    if (gap[a] != gap[b]) return gap[a] > gap[b];
    return scramble(a) != scramble(b) ? scramble(a) < scramble(b) : a < b;
  });
  return order;
}

void revive_neurons(TrainingState& state, const TrainingLoss& loss, std::ostream* log) {
  const TrainingPoints& points = state.points.points();
  const ContactSample contact = loss.contact_sample(*state.net, points, state.loss_params);
  const RevivalReport report =
      revive_dead_neurons(*state.net, points.coordinates, points_by_complementarity_gap(contact));
  if (log && !report.revived.empty()) *log << "\nrevived dead neurons: " << report.revived.size() << "\n";
}

void insert_neurons(TrainingState& state, TrainingLoss& loss, const StageConfig& stage, int stage_index,
                    std::uint64_t seed, std::ostream* log) {
  const int layer = stage.insert_layer;
  Mlp& net = *state.net;
  const TrainingPoints& points = state.points.points();
  const int old_width = net.layout().width[layer + 1];
  // Candidates through the points the complementarity gap ranks first; the
  // loss gradient on their (zero) outgoing weights then says which of them
  // would lower the loss fastest — the greedy choice.
  constexpr int kCandidatesPerNeuron = 4;
  std::vector<int> targets = points_by_complementarity_gap(loss.contact_sample(net, points, state.loss_params));
  targets.resize(std::min(targets.size(), static_cast<std::size_t>(kCandidatesPerNeuron * stage.insert_neurons)));
  const std::uint64_t candidate_seed = seed + 0x9e3779b97f4a7c15ull * static_cast<std::uint64_t>(stage_index + 1);
  const std::vector<NewNeuron> candidates = kink_candidates(net, layer, points.coordinates, targets, candidate_seed);
  Mlp trial = add_hidden_neurons(net, layer, candidates);
  trial.set_smoothing(stage.smoothing_at_round(0, stage.multiplier_updates + 1));
  Vector gradient("pinn::solver::insertion_gradient", trial.n_params());
  loss.value_and_gradient(trial, points, state.loss_params, gradient);
  const std::vector<double> scores = outgoing_gradient_norms(trial, layer, old_width, gradient);
  std::vector<int> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return scores[a] > scores[b]; });
  std::vector<NewNeuron> chosen;
  for (int k = 0; k < stage.insert_neurons && k < static_cast<int>(order.size()); ++k)
    chosen.push_back(candidates[order[k]]);
  state.net = std::make_unique<Mlp>(add_hidden_neurons(net, layer, chosen));
  state.insertions_done = stage_index + 1;
  if (log)
    *log << "inserted " << chosen.size() << " neurons into hidden layer " << layer << " (width " << old_width << " -> "
         << state.net->layout().width[layer + 1] << "): " << state.net->describe() << "\n";
}

}  // namespace pinn
