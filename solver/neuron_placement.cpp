/// @file solver/neuron_placement.cpp
/// @brief Where the piecewise-linear network's kinks go, beyond what training
/// moves: the kink-aware initialisation (network.kink_placement), the revival
/// of dead neurons and the insertion of new ones (stage.revive_neurons,
/// stage.insert_neurons), all aimed by the problem — the obstacle's curvature
/// before training, the complementarity gap during it (README, "Accurate
/// piecewise-linear networks").
#include "nn/kink_placement.hpp"
#include "nn/neuron_insertion.hpp"
#include "nn/neuron_revival.hpp"
#include "solver/obstacle_solver.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <random>

namespace pinn {

void ObstacleSolver::place_kinks_at_obstacle() {
  const ObstacleProblem& problem = config_.problem;
  const ScalarFunction& psi = problem.has_lower() ? problem.lower_obstacle : problem.upper_obstacle;
  const Domain& domain = problem.domain;
  const int dim = domain.dim();
  const int n = static_cast<int>(base_interior_.size()) / dim;
  // Differences over one spacing of the training points: a point next to a
  // jump of ψ sees it, so steps count as (very) curved.
  const double step = std::pow(domain.measure() / n, 1.0 / dim);
  std::vector<double> weight(n);
  for (int i = 0; i < n; ++i) {
    const double w = std::abs(central_laplacian(psi, domain, &base_interior_[static_cast<std::size_t>(i) * dim], step));
    weight[i] = std::isfinite(w) ? w : 0.0;
  }
  // Half of the first layer, drawn without replacement with probability ∝ |Δψ|.
  const int count = net_->layout().width[1] / 2;
  std::mt19937_64 rng(config_.seed ^ 0x6b696e6b73ull);
  std::vector<KinkTarget> targets;
  double total = std::accumulate(weight.begin(), weight.end(), 0.0);
  while (static_cast<int>(targets.size()) < count && total > 0.0) {
    double pick = std::uniform_real_distribution<double>(0.0, total)(rng);
    int i = 0;
    while (i + 1 < n && (weight[i] == 0.0 || pick >= weight[i])) pick -= weight[i++];
    if (weight[i] == 0.0) break;  // rounding left nothing to pick
    KinkTarget target;
    target.centre.assign(&base_interior_[static_cast<std::size_t>(i) * dim],
                         &base_interior_[static_cast<std::size_t>(i) * dim] + dim);
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
  place_first_layer_kinks(*net_, targets);
  if (!options_.quiet)
    *options_.log << "kink placement: " << targets.size() << " of " << net_->layout().width[1]
                  << " first-layer kinks where the obstacle bends\n";
}

std::vector<int> ObstacleSolver::points_by_complementarity_gap() {
  const ContactSample c = contact_sample();
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

void ObstacleSolver::revive_neurons() {
  const RevivalReport report = revive_dead_neurons(*net_, training_.coordinates, points_by_complementarity_gap());
  if (!options_.quiet && !report.revived.empty())
    *options_.log << "\nrevived dead neurons: " << report.revived.size() << "\n";
}

void ObstacleSolver::insert_neurons(const StageConfig& stage, int stage_index) {
  const int layer = stage.insert_layer;
  const int old_width = net_->layout().width[layer + 1];
  // Candidates through the points the complementarity gap ranks first; the
  // loss gradient on their (zero) outgoing weights then says which of them
  // would lower the loss fastest — the greedy choice.
  constexpr int kCandidatesPerNeuron = 4;
  std::vector<int> targets = points_by_complementarity_gap();
  targets.resize(std::min(targets.size(), static_cast<std::size_t>(kCandidatesPerNeuron * stage.insert_neurons)));
  const std::uint64_t seed = config_.seed + 0x9e3779b97f4a7c15ull * static_cast<std::uint64_t>(stage_index + 1);
  const std::vector<NewNeuron> candidates = kink_candidates(*net_, layer, training_.coordinates, targets, seed);
  auto trial = std::make_unique<Mlp>(add_hidden_neurons(*net_, layer, candidates));
  trial->set_smoothing(stage.smoothing_at_round(0, stage.multiplier_updates + 1));
  Vector gradient("pinn::solver::insertion_gradient", trial->n_params());
  std::swap(net_, trial);  // current_loss evaluates the solver's network
  current_loss(gradient);
  std::swap(net_, trial);
  const std::vector<double> scores = outgoing_gradient_norms(*trial, layer, old_width, gradient);
  std::vector<int> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return scores[a] > scores[b]; });
  std::vector<NewNeuron> chosen;
  for (int k = 0; k < stage.insert_neurons && k < static_cast<int>(order.size()); ++k)
    chosen.push_back(candidates[order[k]]);
  net_ = std::make_unique<Mlp>(add_hidden_neurons(*net_, layer, chosen));
  insertions_done_ = stage_index + 1;
  if (!options_.quiet)
    *options_.log << "inserted " << chosen.size() << " neurons into hidden layer " << layer << " (width " << old_width
                  << " -> " << net_->layout().width[layer + 1] << "): " << net_->describe() << "\n";
}

void ObstacleSolver::adopt_inserted_neurons(const std::vector<int>& stored_widths) {
  const MlpLayout& layout = net_->layout();
  const std::vector<int> widths(layout.width, layout.width + layout.n_layers + 1);
  if (stored_widths == widths || stored_widths.size() != widths.size()) return;  // load_checkpoint judges
  bool grown = stored_widths.front() == widths.front() && stored_widths.back() == widths.back();
  for (std::size_t l = 1; l + 1 < widths.size(); ++l) grown = grown && stored_widths[l] >= widths[l];
  bool inserts = false;
  for (const StageConfig& stage : config_.stages) inserts = inserts || stage.insert_neurons > 0;
  if (!grown || !inserts) return;  // not a network this case grows into: load_checkpoint lists the differences
  MlpConfig grown_config = net_->config();
  grown_config.hidden.assign(stored_widths.begin() + 1, stored_widths.end() - 1);
  net_ = std::make_unique<Mlp>(grown_config);
}

}  // namespace pinn
