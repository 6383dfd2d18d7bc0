/// @file tests/solver/test_contact_sets.cpp
/// @brief Contact sets as sets (solver/metrics.hpp): components rather than
/// hulls, points of contact that carry no measure, the 1D contact set error,
/// and both obstacles counted in every contact metric — against problems whose
/// exact solution or FD reference is known, with synthetic multipliers.
#include "physics/fd_reference_solver.hpp"
#include "physics/problem.hpp"
#include "solver/metrics.hpp"
#include "solver/reference_solution.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace {

/// Ω = (0, 1), f = −8, g = 0, ψ = max(−1/2, −4·min(x, 1 − x)): a flat support
/// at −1/2 whose ramps reach the boundary data, ψ(0) = g(0) and ψ(1) = g(1).
/// With a = 1/√8 and t = min(x, 1 − x) the exact solution is
///   u* = 4t(t − 2a) for t < a,   u* = −1/2 on [a, 1 − a]
/// (u*'' = 8 = −f off the contact set, u* = −1/2 and u*' = 0 at t = a, λ = 8
/// on [a, 1 − a]); u* > ψ on (0, a): u* − ψ = 4t(t + 1 − 2a) for t ≤ 1/8 and
/// 4(t − a)² for 1/8 ≤ t < a. The contact set is {0} ∪ [a, 1 − a] ∪ {1}: the
/// two boundary points touch ψ but carry no measure.
const double kRampA = 1.0 / std::sqrt(8.0);

pinn::ObstacleProblem ramp_support_problem() {
  pinn::ObstacleProblem p;
  p.name = "ramp_support";
  p.source = [](const double*) { return -8.0; };
  p.boundary = [](const double*) { return 0.0; };
  p.lower_obstacle = [](const double* x) { return std::max(-0.5, -4.0 * std::min(x[0], 1.0 - x[0])); };
  p.exact = [](const double* x) {
    const double t = std::min(x[0], 1.0 - x[0]);
    return t < kRampA ? 4.0 * t * (t - 2.0 * kRampA) : -0.5;
  };
  return p;
}

/// Ω = (0, 1), f = 0, g = 0, ψ = 1/2 − 8(|x − 1/2| − 1/5)²: two parabolic
/// bumps with tops 1/2 at x = 0.3 and 0.7. u* is the concave hull of ψ with
/// u*(0) = u*(1) = 0: the tangent from the origin touches ψ at p = √0.0275
/// (16(0.3 − p)·p = ψ(p) ⇔ p² = 0.0275), slope s = 16(0.3 − p), so
///   u* = s·x on [0, p], ψ on [p, 0.3], 1/2 on [0.3, 0.7], ψ on [0.7, 1 − p], s(1 − x) on [1 − p, 1],
/// with λ = −ψ'' = 16 on the two contact intervals [p, 0.3] and [0.7, 1 − p].
const double kBumpP = std::sqrt(0.0275);

pinn::ObstacleProblem two_bumps_problem() {
  pinn::ObstacleProblem p;
  p.name = "two_bumps";
  p.source = [](const double*) { return 0.0; };
  p.boundary = [](const double*) { return 0.0; };
  p.lower_obstacle = [](const double* x) {
    const double t = std::abs(x[0] - 0.5) - 0.2;
    return 0.5 - 8.0 * t * t;
  };
  p.exact = [lower = p.lower_obstacle](const double* x) {
    const double slope = 16.0 * (0.3 - kBumpP), t = std::min(x[0], 1.0 - x[0]);
    if (t < kBumpP) return slope * t;
    if (t > 0.3) return 0.5;
    return lower(x);
  };
  return p;
}

/// obstacle1d mirrored: f = 0, g = 0, u ≤ ψ_hi = −(1/2 − 8(x − 1/2)²) and no
/// lower obstacle; u* = −(obstacle1d's solution), contact [a, 1 − a] with
/// a = √3/4 and the upper multiplier λ_hi = Δψ_hi + f = 16 there.
const double kMirrorA = std::sqrt(3.0) / 4.0;

pinn::ObstacleProblem mirrored_obstacle1d_problem() {
  pinn::ObstacleProblem p;
  p.name = "mirrored_obstacle1d";
  p.source = [](const double*) { return 0.0; };
  p.boundary = [](const double*) { return 0.0; };
  p.upper_obstacle = [](const double* x) { return -(0.5 - 8.0 * (x[0] - 0.5) * (x[0] - 0.5)); };
  p.exact = [psi_hi = p.upper_obstacle](const double* x) {
    const double slope = 4.0 * (2.0 - std::sqrt(3.0)), t = std::min(x[0], 1.0 - x[0]);
    return t < kMirrorA ? -slope * t : psi_hi(x);
  };
  return p;
}

/// The exact solution and the obstacles on n + 1 evaluation points of [0, 1],
/// with u = u* (the network is not what these tests measure).
pinn::SolutionFields exact_fields_1d(const pinn::ObstacleProblem& p, int n) {
  pinn::SolutionFields f;
  f.dim = 1;
  f.n = n + 1;
  for (int i = 0; i <= n; ++i) {
    const double x = static_cast<double>(i) / n;
    f.points.push_back(x);
    f.u.push_back(p.exact(&x));
    f.exact.push_back(p.exact(&x));
    f.grad.push_back(0.0);
    f.exact_grad.push_back(0.0);
    f.psi.push_back(p.has_lower() ? p.lower_obstacle(&x) : 0.0);
    f.psi_upper.push_back(p.has_upper() ? p.upper_obstacle(&x) : 0.0);
  }
  return f;
}

/// The derived exact solution against the FD/PDAS reference on 512 cells.
void expect_exact_matches_fd(const pinn::ObstacleProblem& p) {
  const auto fd = pinn::ReferenceSolution::from_fd(p, 512);
  double max_difference = 0.0;
  for (int i = 0; i <= 100; ++i) {
    const double x = i / 100.0;
    max_difference = std::max(max_difference, std::abs(fd->value(&x) - p.exact(&x)));
  }
  EXPECT_LT(max_difference, 1e-5) << p.name;
}

/// Fraction of the cell [x − h/2, x + h/2] inside [a, b].
double covered(double x, double h, double a, double b) {
  return std::max(0.0, std::min(b, x + 0.5 * h) - std::max(a, x - 0.5 * h)) / h;
}

/// Midpoint training points on [0, 1] with the multipliers of a contact set
/// `pieces` with the given density (λ = density × the covered fraction of the
/// cell, a consistent quadrature of density·1_set), on the lower obstacle or
/// on the upper one (then the lower multipliers are zero, as the solver's
/// contact sample has them without a lower obstacle).
pinn::ContactSample sample_1d(int n, const std::vector<pinn::ContactComponent>& pieces, double density,
                              bool upper = false) {
  pinn::ContactSample c;
  c.dim = 1;
  const double h = 1.0 / n;
  for (int i = 0; i < n; ++i) {
    const double x = (i + 0.5) * h;
    double fraction = 0.0;
    for (const pinn::ContactComponent& piece : pieces) fraction += covered(x, h, piece[0], piece[1]);
    c.points.push_back(x);
    c.weights.push_back(h);
    c.mass_weights.push_back(h);
    c.u.push_back(0.0);
    c.psi.push_back(0.0);
    c.lambda.push_back(upper ? 0.0 : density * fraction);
    c.contact_density.push_back(density);
    if (upper) {
      c.psi_upper.push_back(0.0);
      c.lambda_upper.push_back(density * fraction);
      c.upper_contact_density.push_back(density);
    }
  }
  if (upper) c.contact_density.clear();  // no lower obstacle, no lower density
  return c;
}

TEST(ContactSets, APointOfContactOnTheBoundaryDoesNotStretchTheExactInterval) {
  const pinn::ObstacleProblem problem = ramp_support_problem();
  expect_exact_matches_fd(problem);
  const auto reference = pinn::ReferenceSolution::from_exact(problem);
  const double left_end = 0.0, right_end = 1.0;
  ASSERT_TRUE(reference->in_contact(&left_end)) << "ψ(0) = g(0): the boundary point touches the obstacle";
  ASSERT_TRUE(reference->in_contact(&right_end));

  const double a = kRampA, b = 1.0 - kRampA;
  const pinn::Metrics m =
      pinn::compute_metrics(exact_fields_1d(problem, 1000), sample_1d(512, {{a, b}}, 8.0), problem, reference.get());
  EXPECT_EQ(m.contact_estimate, pinn::ContactEstimate::multiplier_mass);
  ASSERT_EQ(m.exact_contact_interval.size(), 2u);
  // The exact test's round-off tolerance widens a tangential contact by √(1.5e-14/4) ≈ 6e-8.
  EXPECT_NEAR(m.exact_contact_interval[0], a, 1e-7);
  EXPECT_NEAR(m.exact_contact_interval[1], b, 1e-7);
  ASSERT_EQ(m.contact_interval.size(), 2u);
  EXPECT_NEAR(m.contact_interval[0], a, 1e-12);
  EXPECT_NEAR(m.contact_interval[1], b, 1e-12);
  EXPECT_LT(m.contact_set_error, 1e-7);
  EXPECT_EQ(m.exact_contact_intervals.size(), 1u) << "the boundary points carry no measure";
}

/// Synthetic multipliers for two_bumps on this many cells. Each bump's
/// interval ends in a partly covered cell at one end only, whose mass sits at
/// the cell's midpoint: the multiplier-mass centroid of a run of length L
/// moves by up to h²/(8L) ≈ 5.8e-6 (h = 1/400, L = 0.134).
const int kBumpCells = 400;
const double kBumpMassTolerance = 1e-5;

TEST(ContactSets, TwoContactIntervalsAreReportedAsTwoComponents) {
  const pinn::ObstacleProblem problem = two_bumps_problem();
  expect_exact_matches_fd(problem);
  const auto reference = pinn::ReferenceSolution::from_exact(problem);
  const pinn::SolutionFields fields = exact_fields_1d(problem, 1000);
  const pinn::ContactComponent first = {kBumpP, 0.3}, second = {0.7, 1.0 - kBumpP};

  const pinn::Metrics m =
      pinn::compute_metrics(fields, sample_1d(kBumpCells, {first, second}, 16.0), problem, reference.get());
  ASSERT_EQ(m.exact_contact_intervals.size(), 2u);
  ASSERT_EQ(m.contact_intervals.size(), 2u);
  for (int k = 0; k < 2; ++k) {
    const pinn::ContactComponent& expected = k == 0 ? first : second;
    EXPECT_NEAR(m.exact_contact_intervals[k][0], expected[0], 1e-7) << "component " << k;
    EXPECT_NEAR(m.exact_contact_intervals[k][1], expected[1], 1e-7) << "component " << k;
    EXPECT_NEAR(m.contact_intervals[k][0], expected[0], kBumpMassTolerance) << "component " << k;
    EXPECT_NEAR(m.contact_intervals[k][1], expected[1], kBumpMassTolerance) << "component " << k;
  }
  // contact_interval stays the hull of the components.
  ASSERT_EQ(m.contact_interval.size(), 2u);
  EXPECT_NEAR(m.contact_interval[0], kBumpP, kBumpMassTolerance);
  EXPECT_NEAR(m.contact_interval[1], 1.0 - kBumpP, kBumpMassTolerance);
  EXPECT_LT(m.contact_set_error, 4 * kBumpMassTolerance) << "symmetric difference of matching sets";
}

TEST(ContactSets, SeveralComponentsAreComparedByTheirSymmetricDifference) {
  const pinn::ObstacleProblem problem = two_bumps_problem();
  const auto reference = pinn::ReferenceSolution::from_exact(problem);
  const pinn::SolutionFields fields = exact_fields_1d(problem, 1000);
  const double second_length = 1.0 - kBumpP - 0.7;

  // Only the first bump found: the second one's length is missing.
  pinn::Metrics m =
      pinn::compute_metrics(fields, sample_1d(kBumpCells, {{kBumpP, 0.3}}, 16.0), problem, reference.get());
  EXPECT_NEAR(m.contact_set_error, second_length, 4 * kBumpMassTolerance);
  EXPECT_EQ(m.contact_intervals.size(), 1u);

  // One interval over both bumps has the right hull but the wrong set: the
  // free span [0.3, 0.7] between them counts.
  m = pinn::compute_metrics(fields, sample_1d(kBumpCells, {{kBumpP, 1.0 - kBumpP}}, 16.0), problem, reference.get());
  ASSERT_EQ(m.contact_interval.size(), 2u);
  EXPECT_NEAR(m.contact_interval[0], m.exact_contact_interval[0], 1e-7);
  EXPECT_NEAR(m.contact_interval[1], m.exact_contact_interval[1], 1e-7);
  EXPECT_NEAR(m.contact_set_error, 0.4, 4 * kBumpMassTolerance);
  EXPECT_EQ(m.contact_intervals.size(), 1u);
}

TEST(ContactSets, ComponentsOfZeroLengthDoNotStretchTheInterval) {
  const pinn::ObstacleProblem problem = ramp_support_problem();
  const int n = 256;
  const double a = kRampA, b = 1.0 - kRampA;
  // Lone active points with tiny multipliers next to both ends (a network
  // grazing ψ where ψ = g): they carry no measure and span nothing.
  pinn::ContactSample c = sample_1d(n, {{a, b}}, 8.0);
  c.lambda[0] = 1e-9;
  c.lambda[n - 1] = 1e-9;
  pinn::Metrics m = pinn::compute_metrics(exact_fields_1d(problem, 1000), c, problem, nullptr);
  EXPECT_EQ(m.contact_estimate, pinn::ContactEstimate::multiplier_mass);
  ASSERT_EQ(m.contact_interval.size(), 2u);
  EXPECT_NEAR(m.contact_interval[0], a, 1e-9);
  EXPECT_NEAR(m.contact_interval[1], b, 1e-9);
  EXPECT_EQ(m.contact_intervals.size(), 1u);
  // The active points' reading: a lone point spans nothing.
  ASSERT_EQ(m.active_contact_interval.size(), 2u);
  EXPECT_GT(m.active_contact_interval[0], a - 1.0 / n);
  EXPECT_LT(m.active_contact_interval[1], b + 1.0 / n);
  EXPECT_EQ(m.active_contact_intervals.size(), 1u);

  c.contact_density.clear();  // the active points alone
  m = pinn::compute_metrics(exact_fields_1d(problem, 1000), c, problem, nullptr);
  EXPECT_EQ(m.contact_estimate, pinn::ContactEstimate::active_points);
  EXPECT_EQ(m.contact_interval, m.active_contact_interval);
  EXPECT_GT(m.contact_interval[0], a - 1.0 / n);
}

TEST(UpperObstacleContact, OneDimensionalContactOnTheUpperObstacleAlone) {
  const pinn::ObstacleProblem problem = mirrored_obstacle1d_problem();
  expect_exact_matches_fd(problem);
  const auto reference = pinn::ReferenceSolution::from_exact(problem);
  const double a = kMirrorA, b = 1.0 - kMirrorA, centre = 0.5;
  EXPECT_TRUE(reference->in_contact(&centre)) << "u* = ψ_hi at x = 1/2";

  pinn::ContactSample c = sample_1d(512, {{a, b}}, 16.0, /*upper=*/true);
  pinn::Metrics m = pinn::compute_metrics(exact_fields_1d(problem, 1000), c, problem, reference.get());
  EXPECT_EQ(m.contact_estimate, pinn::ContactEstimate::multiplier_mass);
  ASSERT_EQ(m.contact_interval.size(), 2u);
  EXPECT_NEAR(m.contact_interval[0], a, 1e-12);
  EXPECT_NEAR(m.contact_interval[1], b, 1e-12);
  ASSERT_EQ(m.exact_contact_interval.size(), 2u);
  EXPECT_NEAR(m.exact_contact_interval[0], a, 1e-7);
  EXPECT_NEAR(m.exact_contact_interval[1], b, 1e-7);
  EXPECT_LT(m.contact_set_error, 1e-7);
  ASSERT_EQ(m.active_contact_interval.size(), 2u);
  EXPECT_LT(std::abs(m.active_contact_interval[0] - a), 1.0 / 512);
  EXPECT_EQ(m.complementarity, 0.0) << "u = ψ_hi wherever λ_hi > 0";

  // u 1e-3 below ψ_hi where λ_hi = 16: complementarity 1.6e-2.
  for (std::size_t i = 0; i < c.u.size(); ++i) c.u[i] = c.psi_upper[i] - 1e-3;
  m = pinn::compute_metrics(exact_fields_1d(problem, 1000), c, problem, reference.get());
  EXPECT_NEAR(m.complementarity, 16.0 * 1e-3, 1e-12);

  // u 1e-3 above ψ_hi somewhere: a violation of the upper obstacle.
  pinn::SolutionFields above = exact_fields_1d(problem, 1000);
  above.u[500] = above.psi_upper[500] + 1e-3;
  EXPECT_NEAR(pinn::compute_metrics(above, c, problem, reference.get()).max_violation, 1e-3, 1e-12);

  // The upper density missing (e.g. the strong form): the active points.
  c.upper_contact_density.clear();
  m = pinn::compute_metrics(exact_fields_1d(problem, 1000), c, problem, reference.get());
  EXPECT_EQ(m.contact_estimate, pinn::ContactEstimate::active_points);
  EXPECT_EQ(m.contact_interval, m.active_contact_interval);
  EXPECT_FALSE(m.contact_interval.empty());
}

TEST(UpperObstacleContact, ElasticPlasticTorsionCountsThePlasticZone) {
  // −Δu = 8 on (0, 1)², u = 0 on ∂Ω, |u| ≤ d = distance to the boundary: the
  // plastic zone {u = d} lies on the upper obstacle, the lower one (−d) is
  // never reached.
  pinn::ObstacleProblem problem;
  problem.name = "torsion";
  problem.domain = pinn::Domain::rectangle({0.0, 0.0}, {1.0, 1.0});
  problem.source = [](const double*) { return 8.0; };
  problem.boundary = [](const double*) { return 0.0; };
  const auto distance = [](const double* x) { return std::min({x[0], 1.0 - x[0], x[1], 1.0 - x[1]}); };
  problem.lower_obstacle = [distance](const double* x) { return -distance(x); };
  problem.upper_obstacle = distance;
  const int n = 64;  // training points per direction
  const auto reference = pinn::ReferenceSolution::from_fd(problem, 2 * n);
  const pinn::FdReferenceSolution& fd = *reference->fd();
  ASSERT_EQ(fd.n_nodes[0], 2 * n + 1);

  // Training points on an n × n midpoint grid, which are the odd nodes of the
  // FD grid: u and the plastic zone are the reference's there, and λ_hi =
  // Δd + f = 8 on the plastic zone (d is linear there).
  const double h = 1.0 / n;
  pinn::ContactSample c;
  c.dim = 2;
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      const double x[2] = {(i + 0.5) * h, (j + 0.5) * h};
      const std::size_t node = static_cast<std::size_t>(2 * i + 1) + fd.n_nodes[0] * static_cast<std::size_t>(2 * j + 1);
      const bool plastic = fd.contact_upper[node] != 0;
      ASSERT_FALSE(fd.contact_lower[node]) << "u never reaches −d";
      c.points.insert(c.points.end(), {x[0], x[1]});
      c.weights.push_back(h * h);
      c.mass_weights.push_back(h * h);
      c.u.push_back(fd.u[node]);
      c.psi.push_back(-distance(x));
      c.lambda.push_back(0.0);
      c.contact_density.push_back(8.0);
      c.psi_upper.push_back(distance(x));
      c.lambda_upper.push_back(plastic ? 8.0 : 0.0);
      c.upper_contact_density.push_back(8.0);
    }
  }
  pinn::SolutionFields fields;
  fields.dim = 2;
  pinn::Metrics m = pinn::compute_metrics(fields, c, problem, reference.get());
  // The plastic zone covers about 54% of the square (the elastic core and the
  // diagonals, where the ridges of d would need a negative force, stay off).
  EXPECT_GT(m.exact_contact_measure, 0.5);
  EXPECT_LT(m.exact_contact_measure, 0.9);
  EXPECT_EQ(m.contact_estimate, pinn::ContactEstimate::multiplier_mass);
  EXPECT_NEAR(m.contact_measure, m.exact_contact_measure, 1e-12);
  EXPECT_NEAR(m.active_contact_measure, m.exact_contact_measure, 1e-12);
  EXPECT_LT(m.contact_set_error, 1e-12);
  EXPECT_EQ(m.complementarity, 0.0);

  // Missing a band of the plastic zone along y < 0.1 counts in the set error;
  // u 1e-3 below d on it, with λ_hi = 8, in the complementarity.
  double missed = 0.0;
  for (int i = 0; i < n * n; ++i) {
    if (c.points[2 * i + 1] < 0.1 && c.lambda_upper[i] > 0.0) {
      c.lambda_upper[i] = 0.0;
      missed += h * h;
    } else if (c.lambda_upper[i] > 0.0) {
      c.u[i] -= 1e-3;
    }
  }
  ASSERT_GT(missed, 0.01);
  m = pinn::compute_metrics(fields, c, problem, reference.get());
  EXPECT_NEAR(m.contact_set_error, missed, 1e-12);
  EXPECT_NEAR(m.contact_measure, m.exact_contact_measure - missed, 1e-12);
  EXPECT_NEAR(m.complementarity, 8e-3, 1e-12);
}

}  // namespace
