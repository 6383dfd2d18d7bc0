/// @file solver/metrics.cpp
/// @brief Errors, contact set and feasibility.
#include "solver/metrics.hpp"

#include <algorithm>
#include <cmath>

namespace pinn {

namespace {

/// 1D components shorter than this fraction of the domain's length are points
/// of contact, not pieces of the contact set. A lone point carries no measure,
/// yet the exact contact test's round-off tolerance (reference_solution.hpp)
/// gives it a width: about 1e-14/|(u* − ψ)'| where u* leaves ψ at an angle (a
/// boundary point where ψ = g), √(1e-14/c) where it leaves tangentially
/// (u* − ψ ≈ c·d²). Real components this short are below what any reported
/// error resolves.
constexpr double kNegligibleLengthFraction = 1e-6;

/// Which obstacle a training point is active on.
enum class ActiveSide { none, lower, upper };

/// Per point: the obstacle whose multiplier is positive there (the lower one
/// if both are), counting only the obstacles the problem has.
std::vector<ActiveSide> active_sides(const ContactSample& contact, const ObstacleProblem& problem) {
  const std::size_t n = contact.u.size();
  const bool lower = problem.has_lower() && contact.lambda.size() == n;
  const bool upper = problem.has_upper() && contact.lambda_upper.size() == n;
  std::vector<ActiveSide> sides(n, ActiveSide::none);
  for (std::size_t i = 0; i < n; ++i) {
    if (lower && contact.lambda[i] > 0.0)
      sides[i] = ActiveSide::lower;
    else if (upper && contact.lambda_upper[i] > 0.0)
      sides[i] = ActiveSide::upper;
  }
  return sides;
}

/// θ_i, the fraction of point i's weight in contact: λ_i / (−Δψ_i − f_i) on
/// the lower obstacle, λ_hi,i / (Δψ_hi,i + f_i) on the upper one; empty when
/// the multipliers are not a contact density here (no densities given for an
/// obstacle of the problem, or a non-positive or non-finite density at an
/// active point).
std::vector<double> contact_fractions(const ContactSample& contact, const ObstacleProblem& problem,
                                      const std::vector<ActiveSide>& sides) {
  const std::size_t n = sides.size();
  if (contact.mass_weights.size() != n) return {};
  if (problem.has_lower() && contact.contact_density.size() != n) return {};
  if (problem.has_upper() && contact.upper_contact_density.size() != n) return {};
  std::vector<double> theta(n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    if (sides[i] == ActiveSide::none) continue;
    const bool lower = sides[i] == ActiveSide::lower;
    const double density = lower ? contact.contact_density[i] : contact.upper_contact_density[i];
    if (!(density > 0.0) || !std::isfinite(density)) return {};
    theta[i] = (lower ? contact.lambda[i] : contact.lambda_upper[i]) / density;
  }
  return theta;
}

/// 1D: indices of the n values of `x` in increasing order.
std::vector<int> sorted_by_x(const std::vector<double>& x, int n) {
  std::vector<int> order(n);
  for (int i = 0; i < n; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return x[a] < x[b]; });
  return order;
}

/// 1D: the runs of consecutive active points (in x) on the same obstacle, as
/// lists of point indices.
std::vector<std::vector<int>> active_runs_1d(const ContactSample& contact, const std::vector<ActiveSide>& sides) {
  std::vector<std::vector<int>> runs;
  ActiveSide previous = ActiveSide::none;
  for (const int i : sorted_by_x(contact.points, static_cast<int>(sides.size()))) {
    if (sides[i] != ActiveSide::none) {
      if (sides[i] != previous) runs.emplace_back();
      runs.back().push_back(i);
    }
    previous = sides[i];
  }
  return runs;
}

/// The set covered by `pieces`: sorted, overlapping or touching pieces merged,
/// and components no longer than `negligible` dropped (they carry no measure).
std::vector<ContactComponent> as_set(std::vector<ContactComponent> pieces, double negligible) {
  std::sort(pieces.begin(), pieces.end());
  std::vector<ContactComponent> merged;
  for (const ContactComponent& piece : pieces) {
    if (!merged.empty() && piece[0] <= merged.back()[1])
      merged.back()[1] = std::max(merged.back()[1], piece[1]);
    else
      merged.push_back(piece);
  }
  std::vector<ContactComponent> components;
  for (const ContactComponent& c : merged)
    if (c[1] - c[0] > negligible) components.push_back(c);
  return components;
}

/// [first a, last b] of sorted components, empty if there are none.
std::vector<double> hull(const std::vector<ContactComponent>& components) {
  if (components.empty()) return {};
  return {components.front()[0], components.back()[1]};
}

/// 1D: each run of active points spans [first, last] point.
std::vector<ContactComponent> active_pieces_1d(const ContactSample& contact,
                                               const std::vector<std::vector<int>>& runs) {
  std::vector<ContactComponent> pieces;
  for (const std::vector<int>& run : runs) pieces.push_back({contact.points[run.front()], contact.points[run.back()]});
  return pieces;
}

/// 1D: each run of active points is an interval of length L = Σ w θ centred
/// at its centroid Σ w θ x / L (runs with L = 0 give none), cut to the domain
/// [a, b]: where the density λ/θ is a small difference of large terms (a time
/// level's reaction m/Δt times ψ against its history), θ can exceed 1 and the
/// interval reach past the domain's ends (an American put's level: [1.27, 10.3]
/// on a domain ending at 6.19).
std::vector<ContactComponent> mass_pieces_1d(const ContactSample& contact, const std::vector<double>& theta,
                                             const std::vector<std::vector<int>>& runs, double a, double b) {
  std::vector<ContactComponent> pieces;
  for (const std::vector<int>& run : runs) {
    double length = 0.0, moment = 0.0;
    for (const int i : run) {
      length += contact.mass_weights[i] * theta[i];
      moment += contact.mass_weights[i] * theta[i] * contact.points[i];
    }
    if (length <= 0.0) continue;
    const double centre = moment / length;
    pieces.push_back({std::max(a, centre - 0.5 * length), std::min(b, centre + 0.5 * length)});
  }
  return pieces;
}

/// Bisection for the switch of the reference's contact test between a and b.
double locate_switch(const ReferenceSolution& reference, double a, double b) {
  const bool left = reference.in_contact(&a);
  for (int it = 0; it < 60; ++it) {
    const double mid = 0.5 * (a + b);
    (reference.in_contact(&mid) == left ? a : b) = mid;
  }
  return 0.5 * (a + b);
}

/// 1D: each run of evaluation points in the reference's contact set is a
/// piece whose ends lie between the run's end points and their outside
/// neighbours (or at the run's end point at the end of the grid).
std::vector<ContactComponent> reference_pieces_1d(const SolutionFields& fields, const ReferenceSolution& reference) {
  const std::vector<int> order = sorted_by_x(fields.points, fields.n);
  std::vector<ContactComponent> pieces;
  int run_start = -1;  // position in `order` of the current run's first point
  for (int k = 0; k <= fields.n; ++k) {
    const bool in_contact = k < fields.n && reference.in_contact(&fields.points[order[k]]);
    if (in_contact && run_start < 0) run_start = k;
    if (in_contact || run_start < 0) continue;
    const int first = run_start, last = k - 1;
    const double x_first = fields.points[order[first]], x_last = fields.points[order[last]];
    const double a = first > 0 ? locate_switch(reference, fields.points[order[first - 1]], x_first) : x_first;
    const double b = last + 1 < fields.n ? locate_switch(reference, x_last, fields.points[order[last + 1]]) : x_last;
    pieces.push_back({a, b});
    run_start = -1;
  }
  return pieces;
}

double total_length(const std::vector<ContactComponent>& set) {
  double length = 0.0;
  for (const ContactComponent& c : set) length += c[1] - c[0];
  return length;
}

/// Length of the symmetric difference of two sets of disjoint components:
/// |A| + |B| − 2|A ∩ B|.
double symmetric_difference_length(const std::vector<ContactComponent>& a, const std::vector<ContactComponent>& b) {
  double common = 0.0;
  for (const ContactComponent& p : a)
    for (const ContactComponent& q : b) common += std::max(0.0, std::min(p[1], q[1]) - std::max(p[0], q[0]));
  return total_length(a) + total_length(b) - 2.0 * common;
}

/// See Metrics::contact_set_error (1D).
double contact_set_error_1d(const std::vector<ContactComponent>& estimate,
                            const std::vector<ContactComponent>& reference) {
  if (estimate.size() == 1 && reference.size() == 1)
    return std::max(std::abs(estimate[0][0] - reference[0][0]), std::abs(estimate[0][1] - reference[0][1]));
  return symmetric_difference_length(estimate, reference);
}

}  // namespace

Metrics compute_metrics(const SolutionFields& fields, const ContactSample& contact, const ObstacleProblem& problem,
                        const ReferenceSolution* reference) {
  Metrics m;
  const int dim = fields.dim;
  if (reference && !fields.exact.empty()) {
    m.reference = reference->kind();
    double err2 = 0, ref2 = 0, herr2 = 0, href2 = 0, max_abs = 0;
    for (int i = 0; i < fields.n; ++i) {
      const double e = fields.u[i] - fields.exact[i];
      err2 += e * e;
      ref2 += fields.exact[i] * fields.exact[i];
      max_abs = std::max(max_abs, std::abs(e));
      for (int k = 0; k < dim; ++k) {
        const double ge = fields.grad[i * dim + k] - fields.exact_grad[i * dim + k];
        herr2 += ge * ge;
        href2 += fields.exact_grad[i * dim + k] * fields.exact_grad[i * dim + k];
      }
    }
    m.rel_l2 = ref2 > 0 ? std::sqrt(err2 / ref2) : std::sqrt(err2 / std::max(1, fields.n));
    m.max_abs = max_abs;
    m.rel_h1 = (ref2 + href2) > 0 ? std::sqrt((err2 + herr2) / (ref2 + href2)) : 0.0;
  }
  for (int i = 0; i < fields.n; ++i) {
    if (problem.has_lower()) m.max_violation = std::max(m.max_violation, fields.psi[i] - fields.u[i]);
    if (problem.has_upper()) m.max_violation = std::max(m.max_violation, fields.u[i] - fields.psi_upper[i]);
  }
  const int n_contact = static_cast<int>(contact.u.size());
  const bool lower_multipliers = static_cast<int>(contact.lambda.size()) == n_contact;
  const bool upper_multipliers = problem.has_upper() && static_cast<int>(contact.lambda_upper.size()) == n_contact &&
                                 static_cast<int>(contact.psi_upper.size()) == n_contact;
  for (int i = 0; i < n_contact; ++i) {
    if (lower_multipliers)
      m.complementarity = std::max(m.complementarity, std::abs(contact.lambda[i] * (contact.u[i] - contact.psi[i])));
    if (upper_multipliers)
      m.complementarity =
          std::max(m.complementarity, std::abs(contact.lambda_upper[i] * (contact.psi_upper[i] - contact.u[i])));
  }

  if (static_cast<int>(contact.weights.size()) == n_contact && n_contact > 0) {
    // Weights normalised to |Ω|: adaptive points carry PDE weight of their own
    // in the collocation forms.
    double total = 0.0, integral = 0.0, exact_integral = 0.0;
    for (int i = 0; i < n_contact; ++i) {
      const double w = contact.weights[static_cast<std::size_t>(i)];
      total += w;
      integral += w * contact.u[i];
      if (reference) exact_integral += w * reference->value(&contact.points[static_cast<std::size_t>(i) * dim]);
    }
    if (total > 0.0) {
      m.integral = integral * problem.domain.measure() / total;
      if (reference) m.exact_integral = exact_integral * problem.domain.measure() / total;
    }
  }
  if (!problem.has_lower() && !problem.has_upper()) return m;
  const std::vector<ActiveSide> sides = active_sides(contact, problem);
  const std::vector<double> theta = contact_fractions(contact, problem, sides);
  if (!theta.empty()) m.contact_estimate = ContactEstimate::multiplier_mass;
  if (dim == 1) {
    const double negligible = kNegligibleLengthFraction * problem.domain.measure();
    const std::vector<std::vector<int>> runs = active_runs_1d(contact, sides);
    m.active_contact_intervals = as_set(active_pieces_1d(contact, runs), negligible);
    const double a = problem.domain.lower()[0], b = problem.domain.upper()[0];
    m.contact_intervals =
        theta.empty() ? m.active_contact_intervals : as_set(mass_pieces_1d(contact, theta, runs, a, b), negligible);
    m.active_contact_interval = hull(m.active_contact_intervals);
    m.contact_interval = hull(m.contact_intervals);
    if (reference) {
      m.exact_contact_intervals = as_set(reference_pieces_1d(fields, *reference), negligible);
      m.exact_contact_interval = hull(m.exact_contact_intervals);
      m.contact_set_error = contact_set_error_1d(m.contact_intervals, m.exact_contact_intervals);
    }
    return m;
  }
  const double pi = 3.141592653589793;
  m.active_contact_measure = 0.0;
  for (int i = 0; i < n_contact; ++i)
    if (sides[i] != ActiveSide::none) m.active_contact_measure += contact.weights[i];
  m.contact_measure = m.active_contact_measure;
  if (!theta.empty()) {
    m.contact_measure = 0.0;
    for (int i = 0; i < n_contact; ++i) m.contact_measure += contact.mass_weights[i] * theta[i];
  }
  if (dim == 2) {
    m.contact_radius = std::sqrt(m.contact_measure / pi);
    m.active_contact_radius = std::sqrt(m.active_contact_measure / pi);
  }
  if (reference) {
    double mismatch = 0.0;
    m.exact_contact_measure = 0.0;
    for (int i = 0; i < n_contact; ++i) {
      const bool exact = reference->in_contact(&contact.points[i * dim]);
      if (exact) m.exact_contact_measure += contact.weights[i];
      if (exact != (sides[i] != ActiveSide::none)) mismatch += contact.weights[i];
    }
    m.contact_set_error = mismatch;
    if (dim == 2) m.exact_contact_radius = std::sqrt(m.exact_contact_measure / pi);
  }
  return m;
}

Metrics in_user_units(Metrics m, const ProblemScaling& s) {
  if (s.identity()) return m;
  const double U = s.value, L = s.length;
  const int d = s.dim;
  const double measure_unit = s.user_length(1.0, d);  // areas and volumes
  auto point = [&](double x) { return s.centre[0] + s.user_length(x); };  // 1D contact sets only
  auto points = [&](std::vector<double>& interval) {
    for (double& x : interval) x = point(x);
  };
  auto components = [&](std::vector<ContactComponent>& set) {
    for (ContactComponent& c : set) c = {point(c[0]), point(c[1])};
  };
  auto scaled = [](double& value, double factor) {
    if (value >= 0) value *= factor;  // −1: not measured
  };
  scaled(m.max_abs, U);
  m.max_violation *= U;
  m.complementarity *= U * U / (L * L);
  scaled(m.contact_set_error, measure_unit);  // a length in 1D
  components(m.contact_intervals);
  components(m.exact_contact_intervals);
  components(m.active_contact_intervals);
  points(m.contact_interval);
  points(m.exact_contact_interval);
  points(m.active_contact_interval);
  for (double* measure : {&m.contact_measure, &m.exact_contact_measure, &m.active_contact_measure})
    scaled(*measure, measure_unit);
  for (double* radius : {&m.contact_radius, &m.exact_contact_radius, &m.active_contact_radius}) scaled(*radius, L);
  m.integral *= U * measure_unit;  // NaN stays NaN
  m.exact_integral *= U * measure_unit;
  return m;
}

}  // namespace pinn
