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
  /// 1D: max endpoint error of contact_interval; 2D/3D: measure of the
  /// symmetric difference of the active points' set (λ > 0) and the
  /// reference's contact set (pointwise θ is too noisy for a set: only its
  /// sum, the measure, is read from the multiplier mass).
  double contact_set_error = -1;
  double max_violation = 0;        ///< max(ψ − u, u − ψ_hi, 0) on the evaluation points
  double complementarity = 0;      ///< max_i λ_i |u_i − ψ_i| over the training points
  /// How contact_interval / contact_measure were read from the multipliers:
  /// "multiplier_mass" or "active_points" (see compute_metrics).
  std::string contact_estimate = "active_points";
  std::vector<double> contact_interval;        ///< 1D: [a, b] of the contact set
  std::vector<double> exact_contact_interval;  ///< 1D: [a, b] of the exact solution
  /// 2D/3D: area (volume) of the contact set, and of the reference's contact
  /// set (a quadrature sum over the training points).
  double contact_measure = -1, exact_contact_measure = -1;
  /// 2D: radius of the disc with the contact set's area, sqrt(area/π) (the
  /// contact radius of a round contact set such as radial2d's), and the reference's.
  double contact_radius = -1, exact_contact_radius = -1;
  /// The same read from the active points alone (λ > 0): 1D hull of the
  /// active points, 2D/3D sum of their weights and its radius.
  std::vector<double> active_contact_interval;
  double active_contact_measure = -1, active_contact_radius = -1;
  bool has_error() const { return rel_l2 >= 0; }
};

/// Contact information at the training points (from the multipliers).
struct ContactSample {
  int dim = 1;
  std::vector<double> points;   ///< interior training points, row-major
  std::vector<double> weights;  ///< their quadrature weights
  std::vector<double> u, psi, lambda;
  /// Obstacle-term weights of the points (adaptive points included), the
  /// weights of the multipliers' measure Σ w_i λ_i δ_{x_i}.
  std::vector<double> mass_weights;
  /// −Δψ − f at the points: the multiplier density on the contact set. Empty
  /// where the multipliers are not a contact force (loss forms other than energy).
  std::vector<double> contact_density;
};

/// Errors against the reference (if `fields` has one), contact set and
/// feasibility. In 1D the reference contact interval is located by bisection
/// on the reference's contact test between evaluation points.
///
/// The contact set is read from the multipliers in one of two ways:
/// - "multiplier_mass" (energy forms, when −Δψ − f > 0 at every active point
///   and ψ is smooth over its cell — an obstacle with jumps carries
///   concentrated forces on its edges, which the density misses; the solver
///   marks such points NaN — and not for piecewise-linear networks, whose
///   −Δu is a sum of point masses on their kinks):
///   on the contact set the multiplier is the contact force density −Δψ − f,
///   and the discrete multipliers are a quadrature of that measure, so point i
///   covers the fraction θ_i = λ_i / (−Δψ_i − f_i) of its weight. The contact
///   measure is Σ w_i θ_i; in 1D every run of consecutive active points gives
///   an interval of that length centred at its θ-weighted centroid (exact for
///   λ = (−Δψ − f)·1_[a,b]; robust to the multipliers smearing over a few
///   cells near the free boundary, which shifts the hull of the active points
///   by whole cells).
/// - "active_points" (otherwise): the hull of the points with λ > 0 (1D), the
///   sum of their weights (2D/3D).
/// Both are reported (active_contact_*).
Metrics compute_metrics(const SolutionFields& fields, const ContactSample& contact, const ObstacleProblem& problem,
                        const ReferenceSolution* reference);

}  // namespace pinn
