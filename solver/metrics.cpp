/// @file solver/metrics.cpp
/// @brief Errors, contact set and feasibility.
#include "solver/metrics.hpp"

#include <algorithm>
#include <cmath>

namespace pinn {

namespace {

/// Bisection for the switch of the reference's contact test between a and b.
double locate_switch(const ReferenceSolution& reference, double a, double b) {
  const bool left = reference.in_contact(&a);
  for (int it = 0; it < 60; ++it) {
    const double mid = 0.5 * (a + b);
    (reference.in_contact(&mid) == left ? a : b) = mid;
  }
  return 0.5 * (a + b);
}

std::vector<double> exact_contact_interval_1d(const SolutionFields& fields, const ReferenceSolution& reference) {
  int first = -1, last = -1;
  for (int i = 0; i < fields.n; ++i) {
    if (reference.in_contact(&fields.points[i])) {
      if (first < 0) first = i;
      last = i;
    }
  }
  if (first < 0) return {};
  const double a = first > 0 ? locate_switch(reference, fields.points[first - 1], fields.points[first])
                             : fields.points[first];
  const double b = last + 1 < fields.n ? locate_switch(reference, fields.points[last], fields.points[last + 1])
                                       : fields.points[last];
  return {a, b};
}


/// θ_i = λ_i / (−Δψ_i − f_i), the fraction of point i's weight in contact, or
/// empty when the multipliers are not a contact density here (no densities
/// given, or a non-positive or non-finite density at an active point).
std::vector<double> contact_fractions(const ContactSample& contact) {
  const int n = static_cast<int>(contact.lambda.size());
  if (static_cast<int>(contact.contact_density.size()) != n || static_cast<int>(contact.mass_weights.size()) != n)
    return {};
  std::vector<double> theta(n, 0.0);
  for (int i = 0; i < n; ++i) {
    if (contact.lambda[i] <= 0.0) continue;
    const double density = contact.contact_density[i];
    if (!(density > 0.0) || !std::isfinite(density)) return {};
    theta[i] = contact.lambda[i] / density;
  }
  return theta;
}

/// 1D: point indices in increasing x.
std::vector<int> sorted_by_x(const ContactSample& contact) {
  std::vector<int> order(contact.lambda.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return contact.points[a] < contact.points[b]; });
  return order;
}

/// 1D: [first, last] active point, empty if none is active.
std::vector<double> active_hull_1d(const ContactSample& contact) {
  std::vector<double> hull;
  for (std::size_t i = 0; i < contact.lambda.size(); ++i) {
    if (contact.lambda[i] <= 0.0) continue;
    const double x = contact.points[i];
    if (hull.empty()) hull = {x, x};
    hull[0] = std::min(hull[0], x);
    hull[1] = std::max(hull[1], x);
  }
  return hull;
}

/// 1D: each run of consecutive active points (in x) is an interval of length
/// L = Σ w θ centred at its centroid Σ w θ x / L; returns the hull of the
/// first and last run's intervals, empty if no point is active.
std::vector<double> mass_interval_1d(const ContactSample& contact, const std::vector<double>& theta) {
  std::vector<double> hull;
  double length = 0.0, moment = 0.0;
  const auto close_run = [&]() {
    if (length <= 0.0) return;
    const double centre = moment / length;
    if (hull.empty()) hull = {centre - 0.5 * length, centre + 0.5 * length};
    hull[1] = centre + 0.5 * length;
    length = moment = 0.0;
  };
  for (const int i : sorted_by_x(contact)) {
    if (contact.lambda[i] <= 0.0) {
      close_run();
      continue;
    }
    length += contact.mass_weights[i] * theta[i];
    moment += contact.mass_weights[i] * theta[i] * contact.points[i];
  }
  close_run();
  return hull;
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
  for (int i = 0; i < n_contact; ++i)
    m.complementarity = std::max(m.complementarity, std::abs(contact.lambda[i] * (contact.u[i] - contact.psi[i])));

  if (!problem.has_lower()) return m;
  const std::vector<double> theta = contact_fractions(contact);
  if (!theta.empty()) m.contact_estimate = "multiplier_mass";
  if (dim == 1) {
    m.active_contact_interval = active_hull_1d(contact);
    m.contact_interval = theta.empty() ? m.active_contact_interval : mass_interval_1d(contact, theta);
    if (reference) {
      m.exact_contact_interval = exact_contact_interval_1d(fields, *reference);
      const auto& e = m.exact_contact_interval;
      const auto& c = m.contact_interval;
      if (!e.empty() && !c.empty()) {
        m.contact_set_error = std::max(std::abs(c[0] - e[0]), std::abs(c[1] - e[1]));
      } else if (!e.empty()) {
        m.contact_set_error = e[1] - e[0];
      } else {
        m.contact_set_error = c.empty() ? 0.0 : c[1] - c[0];
      }
    }
    return m;
  }
  const double pi = 3.141592653589793;
  m.active_contact_measure = 0.0;
  for (int i = 0; i < n_contact; ++i)
    if (contact.lambda[i] > 0.0) m.active_contact_measure += contact.weights[i];
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
      if (exact != (contact.lambda[i] > 0.0)) mismatch += contact.weights[i];
    }
    m.contact_set_error = mismatch;
    if (dim == 2) m.exact_contact_radius = std::sqrt(m.exact_contact_measure / pi);
  }
  return m;
}

}  // namespace pinn
