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
  if (dim == 1) {
    double a = 0, b = 0;
    bool any = false;
    for (int i = 0; i < n_contact; ++i) {
      if (contact.lambda[i] <= 0.0) continue;
      const double x = contact.points[i];
      a = any ? std::min(a, x) : x;
      b = any ? std::max(b, x) : x;
      any = true;
    }
    if (any) m.contact_interval = {a, b};
    if (reference) {
      m.exact_contact_interval = exact_contact_interval_1d(fields, *reference);
      const auto& e = m.exact_contact_interval;
      if (!e.empty() && any) {
        m.contact_set_error = std::max(std::abs(a - e[0]), std::abs(b - e[1]));
      } else if (!e.empty()) {
        m.contact_set_error = e[1] - e[0];
      } else {
        m.contact_set_error = any ? b - a : 0.0;
      }
    }
    return m;
  }
  const double pi = 3.141592653589793;
  m.contact_measure = 0.0;
  for (int i = 0; i < n_contact; ++i)
    if (contact.lambda[i] > 0.0) m.contact_measure += contact.weights[i];
  if (dim == 2) m.contact_radius = std::sqrt(m.contact_measure / pi);
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
