/// @file solver/adaptive_refinement.cpp
/// @brief Adaptive refinement of the training points near the free boundary.
#include "solver/obstacle_solver.hpp"
#include "solver/solution_fields.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <unistd.h>

namespace pinn {

void ObstacleSolver::refine_near_free_boundary() {
  const Domain& domain = config_.problem.domain;
  const int dim = domain.dim();
  const int n_new = config_.sampling.adaptive_points;
  const int n_candidates = 8 * n_new;
  // Candidates from a low-discrepancy sequence, shifted every round.
  const std::vector<double> candidates =
      domain.sample_interior(n_candidates, SamplingMethod::halton, config_.seed + 7919u * (adaptive_rounds_done_ + 1));
  const SolutionFields fields = evaluate_solution(space_, *net_, config_.problem, config_.loss, candidates);
  const ContactSample contact = contact_sample();
  const int n_train = static_cast<int>(contact.u.size());
  const bool smooth = !is_piecewise_linear(config_.network.activation);
  const double mu = loss_params_.settings.penalty;

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
    if (!config_.problem.has_lower()) continue;
    const double gap = fields.u[i] - fields.psi[i];
    const double estimate = std::max(0.0, lambda + mu * (-gap));
    // Complementarity gap: large where a positive multiplier meets a positive
    // gap, i.e. where the contact set is uncertain (its free boundary).
    double eta = std::abs(estimate * gap);
    // Smooth networks also have a pointwise PDE residual to refine on.
    if (smooth) eta += std::abs(std::min(-fields.laplacian[i] - fields.f[i], gap));
    indicator[i] = eta;
  }
  std::vector<int> order(fields.n);
  std::iota(order.begin(), order.end(), 0);
  const int keep = std::min(n_new, fields.n);
  std::partial_sort(order.begin(), order.begin() + keep, order.end(),
                    [&](int a, int b) { return indicator[a] > indicator[b] || (indicator[a] == indicator[b] && a < b); });
  for (int r = 0; r < keep; ++r)
    adaptive_points_.insert(adaptive_points_.end(), &fields.points[order[r] * dim], &fields.points[order[r] * dim] + dim);

  // Rebuild the set, keeping the multipliers of the old points; new points
  // start from their nearest old point's multiplier.
  const auto old_data = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), training_.data);
  const auto old_coords = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), training_.coordinates);
  const int old_interior = training_.n_interior;
  rebuild_training_points(0);
  auto data = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), training_.data);
  auto coords = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), training_.coordinates);
  for (int i = 0; i < training_.size(); ++i) {
    const bool boundary = data(i).is_boundary != 0;
    int source = -1;
    if (!boundary && i < old_interior) {
      source = i;  // same order: base points, then earlier adaptive points
    } else if (boundary) {
      source = old_interior + (i - training_.n_interior);
    } else {
      double best = 1e300;
      for (int j = 0; j < old_interior; ++j) {
        double d2 = 0.0;
        for (int k = 0; k < dim; ++k) d2 += (coords(i, k) - old_coords(j, k)) * (coords(i, k) - old_coords(j, k));
        if (d2 < best) best = d2, source = j;
      }
    }
    set_lower_or_boundary_multiplier(data(i), lower_or_boundary_multiplier(old_data(source)));
    data(i).lambda_upper = old_data(source).lambda_upper;
  }
  Kokkos::deep_copy(training_.data, data);
  ++adaptive_rounds_done_;
  if (!options_.quiet)
    *options_.log << (::isatty(1) ? "\n" : "") << "adaptive refinement " << adaptive_rounds_done_ << ": +" << keep
                  << " points near the free boundary (" << training_.n_interior << " interior points)\n";
}

}  // namespace pinn
