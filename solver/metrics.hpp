/// @file solver/metrics.hpp
/// @brief Error and feasibility measures of a computed solution.
///
/// The contact set is the set where u lies on either obstacle, {u = ψ} ∪
/// {u = ψ_hi}, taken as a set: in 1D a union of intervals (its components),
/// not the hull of its points. Components of zero length (an isolated point
/// of contact, such as a boundary point where ψ = g) carry no measure and are
/// dropped, so they never stretch the reported interval.
#pragma once

#include "nn/enum_names.hpp"
#include "physics/problem_scaling.hpp"
#include "solver/solution_fields.hpp"

#include <array>
#include <string>
#include <cmath>
#include <vector>

namespace pinn {

/// How the contact set was read from the multipliers (see compute_metrics);
/// summary.json (metrics.contact_estimate) says it by name.
enum class ContactEstimate { active_points, multiplier_mass };
inline constexpr NameTable<ContactEstimate, 2> kContactEstimateNames{
    {{ContactEstimate::active_points, "active_points"}, {ContactEstimate::multiplier_mass, "multiplier_mass"}}};
inline std::string to_string(ContactEstimate estimate) { return name_in(kContactEstimateNames, estimate); }

/// A closed interval [a, b]: one component of a 1D contact set.
using ContactComponent = std::array<double, 2>;

struct Metrics {
  ReferenceKind reference = ReferenceKind::none;  ///< what rel_l2, max_abs and rel_h1 measure against
  double rel_l2 = -1, max_abs = -1, rel_h1 = -1;  ///< −1: no reference
  /// 1D: when both the estimate and the reference have exactly one component,
  /// the larger endpoint error max(|a − a*|, |b − b*|); otherwise (several
  /// components, or one set empty) the length of the symmetric difference of
  /// the two sets. 2D/3D: measure of the symmetric difference of the active
  /// points' set (λ > 0 on either obstacle) and the reference's contact set
  /// (pointwise θ is too noisy for a set: only its sum, the measure, is read
  /// from the multiplier mass).
  double contact_set_error = -1;
  double max_violation = 0;  ///< max(ψ − u, u − ψ_hi, 0) on the evaluation points
  /// max_i of λ_i |u_i − ψ_i| and λ_hi,i |ψ_hi,i − u_i| over the training points.
  double complementarity = 0;
  /// How contact_interval(s) / contact_measure were read from the multipliers.
  ContactEstimate contact_estimate = ContactEstimate::active_points;
  /// 1D: the components of the contact set, in increasing x, and their hull
  /// [first a, last b] (empty without contact).
  std::vector<ContactComponent> contact_intervals;
  std::vector<double> contact_interval;
  /// 1D: the same for the reference's contact set.
  std::vector<ContactComponent> exact_contact_intervals;
  std::vector<double> exact_contact_interval;
  /// 2D/3D: area (volume) of the contact set, and of the reference's contact
  /// set (a quadrature sum over the training points).
  double contact_measure = -1, exact_contact_measure = -1;
  /// ∫_Ω u and the reference's, by the interior training points' quadrature
  /// (a bearing's load capacity ∫p); NaN where not measured.
  double integral = std::nan(""), exact_integral = std::nan("");
  /// 2D: radius of the disc with the contact set's area, sqrt(area/π) (the
  /// contact radius of a round contact set such as radial2d's), and the reference's.
  double contact_radius = -1, exact_contact_radius = -1;
  /// The same read from the active points alone (λ > 0): 1D each run of
  /// active points on one obstacle spans [first, last] point (a lone active
  /// point spans nothing), with their hull; 2D/3D sum of their weights and its radius.
  std::vector<ContactComponent> active_contact_intervals;
  std::vector<double> active_contact_interval;
  double active_contact_measure = -1, active_contact_radius = -1;
  bool has_error() const { return rel_l2 >= 0; }
};

/// Contact information at the training points (from the multipliers).
struct ContactSample {
  int dim = 1;
  std::vector<double> points;   ///< interior training points, row-major
  std::vector<double> weights;  ///< their quadrature weights
  /// u, the lower obstacle ψ and its multipliers (zero without a lower obstacle).
  std::vector<double> u, psi, lambda;
  /// The upper obstacle ψ_hi and its multipliers; empty without an upper obstacle.
  std::vector<double> psi_upper, lambda_upper;
  /// Obstacle-term weights of the points (adaptive points included), the
  /// weights of the multipliers' measure Σ w_i λ_i δ_{x_i}.
  std::vector<double> mass_weights;
  /// −Δψ − f at the points: the lower multipliers' density on the lower
  /// contact set. Empty where the multipliers are not a contact force (loss
  /// forms other than energy).
  std::vector<double> contact_density;
  /// Δψ_hi + f at the points: the upper multipliers' density on the upper
  /// contact set (there −Δu − f = −λ_hi). Empty as contact_density is, or
  /// without an upper obstacle.
  std::vector<double> upper_contact_density;
};

/// Errors against the reference (if `fields` has one), contact set and
/// feasibility, counting both obstacles. In 1D the reference's contact
/// components are the runs of evaluation points in contact, each end located
/// by bisection on the reference's contact test between evaluation points.
///
/// The contact set is read from the multipliers in one of two ways:
/// - ContactEstimate::multiplier_mass (energy forms, when the density −Δψ − f
///   (lower) or Δψ_hi + f (upper) is positive at every active point and the obstacle is
///   smooth over its cell — an obstacle with jumps carries concentrated forces
///   on its edges, which the density misses; the solver marks such points
///   NaN — and not for piecewise-linear networks, whose −Δu is a sum of point
///   masses on their kinks):
///   on the contact set the multiplier is the contact force density, and the
///   discrete multipliers are a quadrature of that measure, so point i covers
///   the fraction θ_i = λ_i / density_i of its weight. The contact measure is
///   Σ w_i θ_i; in 1D every run of consecutive active points on one obstacle
///   gives an interval of that length centred at its θ-weighted centroid
///   (exact for λ = density·1_[a,b]; robust to the multipliers smearing over a
///   few cells near the free boundary, which shifts the hull of the active
///   points by whole cells).
/// - ContactEstimate::active_points (otherwise): the runs of points with λ > 0
///   (1D), the sum of their weights (2D/3D).
/// Both are reported (active_contact_*). Overlapping intervals are merged,
/// and 1D components shorter than 1e-6 of the domain's length are dropped as
/// points of contact.
/// The metrics of a problem solved in mapped units (physics/problem_scaling.hpp)
/// in the user's: points x = c + L·x̂, lengths ×L, areas and volumes ×L^dim,
/// values ×U, multipliers (force densities, like f) ×U/L²; relative errors unchanged.
Metrics in_user_units(Metrics metrics, const ProblemScaling& scaling);

Metrics compute_metrics(const SolutionFields& fields, const ContactSample& contact, const ObstacleProblem& problem,
                        const ReferenceSolution* reference);

}  // namespace pinn
