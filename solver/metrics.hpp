/// @file solver/metrics.hpp
/// @brief Error and feasibility measures of a computed solution.
#pragma once

#include "solver/solution_fields.hpp"

#include <string>
#include <vector>

namespace pinn {

struct Metrics {
  std::string reference = "none";  ///< "exact", "fd" or "none"
  double rel_l2 = -1, max_abs = -1, rel_h1 = -1;  ///< −1: no reference
  double contact_set_error = -1;   ///< 1D: max endpoint error; 2D/3D: measure of the symmetric difference
  double max_violation = 0;        ///< max(ψ − u, u − ψ_hi, 0) on the evaluation points
  double complementarity = 0;      ///< max_i λ_i |u_i − ψ_i| over the training points
  std::vector<double> contact_interval;        ///< 1D: [a, b] from the active multipliers
  std::vector<double> exact_contact_interval;  ///< 1D: [a, b] of the exact solution
  /// 2D/3D: area (volume) of the contact set from the active multipliers, and
  /// of the reference's contact set, both as quadrature sums over the training points.
  double contact_measure = -1, exact_contact_measure = -1;
  /// 2D: radius of the disc with the contact set's area, sqrt(area/π) (the
  /// contact radius of a round contact set such as radial2d's), and the reference's.
  double contact_radius = -1, exact_contact_radius = -1;
  bool has_error() const { return rel_l2 >= 0; }
};

/// Contact information at the training points (from the multipliers).
struct ContactSample {
  int dim = 1;
  std::vector<double> points;   ///< interior training points, row-major
  std::vector<double> weights;  ///< their quadrature weights
  std::vector<double> u, psi, lambda;
};

/// Errors against the reference (if `fields` has one), contact set and
/// feasibility. In 1D the reference contact interval is located by bisection
/// on the reference's contact test between evaluation points.
Metrics compute_metrics(const SolutionFields& fields, const ContactSample& contact, const ObstacleProblem& problem,
                        const ReferenceSolution* reference);

}  // namespace pinn
