/// @file solver/adaptive_refinement.cpp
/// @brief Adaptive refinement of the training points near the free boundary.
#include "solver/adaptive_refinement.hpp"

#include "solver/solution_fields.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <ostream>

#include <unistd.h>

namespace pinn {

void refine_near_free_boundary(TrainingState& state, const TrainingLoss& loss, const CaseConfig& config,
                               std::ostream* log) {
  const Domain& domain = config.problem.domain;
  const int dim = domain.dim();
  const int n_new = config.sampling.adaptive_points;
  const int n_candidates = 8 * n_new;
  // Candidates from a low-discrepancy sequence, shifted every round.
  const std::vector<double> candidates = domain.sample_interior(
      n_candidates, SamplingMethod::halton, config.seed + 7919u * (state.points.adaptive_rounds() + 1));
  const SolutionFields fields = evaluate_solution(loss.space(), *state.net, config.problem, config.loss, candidates);
  const ContactSample contact = loss.contact_sample(*state.net, state.points.points(), state.loss_params);
  const int n_train = static_cast<int>(contact.u.size());
  const bool smooth = !is_piecewise_linear(config.network.activation);
  const double mu = state.loss_params.settings.penalty;

  std::vector<double> indicator(fields.n, 0.0);
  for (int i = 0; i < fields.n; ++i) {
    // Multiplier at the candidate from its nearest training point.
    double best = 1e300, lambda = 0.0;
    for (int j = 0; j < n_train; ++j) {
      double d2 = 0.0;
      for (int k = 0; k < dim; ++k) {
        const double d = fields.points[i * dim + k] - contact.points[j * dim + k];
        d2 += d * d;
      }
      if (d2 < best) best = d2, lambda = contact.lambda[j];
    }
    if (!config.problem.has_lower()) continue;
    const double gap = fields.u[i] - fields.psi[i];
    const double estimate = std::max(0.0, lambda + mu * (-gap));
    // Complementarity gap: large where a positive multiplier meets a positive
    // gap, i.e. where the contact set is uncertain (its free boundary).
    double eta = std::abs(estimate * gap);
    // Smooth networks also have a pointwise PDE residual to refine on.
    if (smooth && std::isfinite(fields.residual[i])) eta += std::abs(std::min(fields.residual[i], gap));
    indicator[i] = eta;
  }
  std::vector<int> order(fields.n);
  std::iota(order.begin(), order.end(), 0);
  const int keep = std::min(n_new, fields.n);
  std::partial_sort(order.begin(), order.begin() + keep, order.end(), [&](int a, int b) {
    return indicator[a] > indicator[b] || (indicator[a] == indicator[b] && a < b);
  });
  std::vector<double> added;
  for (int r = 0; r < keep; ++r)
    added.insert(added.end(), &fields.points[order[r] * dim], &fields.points[order[r] * dim] + dim);
  state.points.add_adaptive_points(added);
  if (log)
    *log << (::isatty(1) ? "\n" : "") << "adaptive refinement " << state.points.adaptive_rounds() << ": +" << keep
         << " points near the free boundary (" << state.points.points().n_interior << " interior points)\n";
}

}  // namespace pinn
