/// @file tests/solver/test_contact_estimate.cpp
/// @brief The contact set read from the multipliers (solver/metrics.hpp): the
/// multiplier-mass estimate against synthetic multipliers whose contact set is
/// known, its fallback to the active points, and the central-difference
/// Laplacian it divides by.
#include "physics/problem.hpp"
#include "solver/metrics.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace {

/// 1D midpoint grid on [0, 1] with n points; λ is the density times the
/// fraction of each cell inside [a, b] (what a consistent quadrature of the
/// measure density·1_[a,b] gives).
pinn::ContactSample interval_sample(int n, double a, double b, double density) {
  pinn::ContactSample c;
  c.dim = 1;
  const double h = 1.0 / n;
  for (int i = 0; i < n; ++i) {
    const double x = (i + 0.5) * h;
    const double covered = std::max(0.0, std::min(b, x + 0.5 * h) - std::max(a, x - 0.5 * h)) / h;
    c.points.push_back(x);
    c.weights.push_back(h);
    c.mass_weights.push_back(h);
    c.u.push_back(0.0);
    c.psi.push_back(0.0);
    c.lambda.push_back(density * covered);
    c.contact_density.push_back(density);
  }
  return c;
}

pinn::ObstacleProblem problem_with_lower_obstacle() {
  pinn::ObstacleProblem p;
  p.lower_obstacle = [](const double*) { return 0.0; };
  return p;
}

pinn::SolutionFields no_fields(int dim) {
  pinn::SolutionFields f;
  f.dim = dim;
  return f;
}

TEST(ContactEstimate, MultiplierMassRecoversAnIntervalBetweenGridPoints) {
  const double a = std::sqrt(3.0) / 4.0, b = 1.0 - a;
  const pinn::ContactSample c = interval_sample(512, a, b, 16.0);
  const pinn::Metrics m = pinn::compute_metrics(no_fields(1), c, problem_with_lower_obstacle(), nullptr);
  EXPECT_EQ(m.contact_estimate, pinn::ContactEstimate::multiplier_mass);
  ASSERT_EQ(m.contact_interval.size(), 2u);
  EXPECT_NEAR(m.contact_interval[0], a, 1e-12);
  EXPECT_NEAR(m.contact_interval[1], b, 1e-12);
  // The active points' hull is off by up to a cell (h = 1/512 ≈ 2e-3).
  ASSERT_EQ(m.active_contact_interval.size(), 2u);
  EXPECT_GT(std::abs(m.active_contact_interval[0] - a), 1e-4);
  EXPECT_LT(std::abs(m.active_contact_interval[0] - a), 1.0 / 512);
}

TEST(ContactEstimate, MultiplierMassIsRobustToMultipliersSmearedOverNeighbouringCells) {
  const double a = 0.3012, b = 0.6543, density = 5.0;
  pinn::ContactSample c = interval_sample(256, a, b, density);
  // Move mass between neighbouring cells near each end (as a network's smooth
  // multipliers do) and activate two outside points: the hull moves by two
  // cells, the length and centroid by little.
  const int first = static_cast<int>(a * 256), last = static_cast<int>(b * 256);
  for (const int i : {first, last}) {
    const int inward = i == first ? i + 1 : i - 1, outward = i == first ? i - 1 : i + 1;
    const double moved = 0.3 * c.lambda[inward];
    c.lambda[inward] -= moved;
    c.lambda[i] += 0.5 * moved;
    c.lambda[outward] += 0.5 * moved;  // an outside point becomes active
  }
  const pinn::Metrics m = pinn::compute_metrics(no_fields(1), c, problem_with_lower_obstacle(), nullptr);
  ASSERT_EQ(m.contact_interval.size(), 2u);
  const double h = 1.0 / 256;
  EXPECT_NEAR(m.contact_interval[0], a, 0.1 * h);
  EXPECT_NEAR(m.contact_interval[1], b, 0.1 * h);
  EXPECT_GT(std::abs(m.active_contact_interval[0] - a), 0.5 * h);
}

TEST(ContactEstimate, MultiplierMassStaysInTheDomain) {
  // Multipliers 10× the density on [0.6, 1] (a density that is a small difference of large terms):
  // the mass is 10× [0.6, 1]'s length, so the interval centred at 0.8 would reach past x = 1.
  pinn::ContactSample c = interval_sample(256, 0.6, 1.0, 2.0);
  for (double& lambda : c.lambda) lambda *= 10.0;
  const pinn::Metrics m = pinn::compute_metrics(no_fields(1), c, problem_with_lower_obstacle(), nullptr);
  ASSERT_EQ(m.contact_estimate, pinn::ContactEstimate::multiplier_mass);
  ASSERT_EQ(m.contact_interval.size(), 2u);
  EXPECT_GE(m.contact_interval[0], 0.0);
  EXPECT_LE(m.contact_interval[1], 1.0);
}

TEST(ContactEstimate, SeparateRunsKeepTheirOwnCentroids) {
  // Two contact intervals: two components, and their hull runs from the
  // first's left end to the second's right end.
  pinn::ContactSample c = interval_sample(400, 0.1, 0.2, 3.0);
  const pinn::ContactSample second = interval_sample(400, 0.7, 0.85, 3.0);
  for (std::size_t i = 0; i < c.lambda.size(); ++i) c.lambda[i] += second.lambda[i];
  const pinn::Metrics m = pinn::compute_metrics(no_fields(1), c, problem_with_lower_obstacle(), nullptr);
  ASSERT_EQ(m.contact_intervals.size(), 2u);
  EXPECT_NEAR(m.contact_intervals[0][0], 0.1, 1e-12);
  EXPECT_NEAR(m.contact_intervals[0][1], 0.2, 1e-12);
  EXPECT_NEAR(m.contact_intervals[1][0], 0.7, 1e-12);
  EXPECT_NEAR(m.contact_intervals[1][1], 0.85, 1e-12);
  ASSERT_EQ(m.contact_interval.size(), 2u);
  EXPECT_NEAR(m.contact_interval[0], 0.1, 1e-12);
  EXPECT_NEAR(m.contact_interval[1], 0.85, 1e-12);
  EXPECT_EQ(m.active_contact_intervals.size(), 2u);
}

TEST(ContactEstimate, FallsBackToTheActivePointsWithoutAPositiveDensity) {
  pinn::ContactSample c = interval_sample(128, 0.25, 0.75, 2.0);
  c.contact_density.clear();  // e.g. the strong form: λ is not a contact force
  pinn::Metrics m = pinn::compute_metrics(no_fields(1), c, problem_with_lower_obstacle(), nullptr);
  EXPECT_EQ(m.contact_estimate, pinn::ContactEstimate::active_points);
  EXPECT_EQ(m.contact_interval, m.active_contact_interval);

  c = interval_sample(128, 0.25, 0.75, 2.0);
  c.contact_density[64] = 0.0;  // degenerate: −Δψ − f = 0 at an active point
  m = pinn::compute_metrics(no_fields(1), c, problem_with_lower_obstacle(), nullptr);
  EXPECT_EQ(m.contact_estimate, pinn::ContactEstimate::active_points);
  c.contact_density[64] = std::nan("");
  m = pinn::compute_metrics(no_fields(1), c, problem_with_lower_obstacle(), nullptr);
  EXPECT_EQ(m.contact_estimate, pinn::ContactEstimate::active_points);
}

TEST(ContactEstimate, MultiplierMassGivesTheAreaOfADisc) {
  // Midpoint grid on (−1, 1)², λ = density · (fraction of the cell inside the
  // disc r ≤ R, from 8×8 sub-samples): the area is πR² up to the sub-sampling.
  const int n = 64, sub = 8;
  const double h = 2.0 / n, R = 0.6543, density = 4.0;
  pinn::ContactSample c;
  c.dim = 2;
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      const double x = -1.0 + (i + 0.5) * h, y = -1.0 + (j + 0.5) * h;
      int inside = 0;
      for (int s = 0; s < sub; ++s)
        for (int t = 0; t < sub; ++t) {
          const double xs = x - 0.5 * h + (s + 0.5) * h / sub, ys = y - 0.5 * h + (t + 0.5) * h / sub;
          inside += xs * xs + ys * ys <= R * R;
        }
      c.points.insert(c.points.end(), {x, y});
      c.weights.push_back(h * h);
      c.mass_weights.push_back(h * h);
      c.u.push_back(0.0);
      c.psi.push_back(0.0);
      c.lambda.push_back(density * inside / (sub * sub));
      c.contact_density.push_back(density);
    }
  }
  pinn::ObstacleProblem p = problem_with_lower_obstacle();
  p.domain = pinn::Domain::rectangle({-1.0, -1.0}, {1.0, 1.0});
  const pinn::Metrics m = pinn::compute_metrics(no_fields(2), c, p, nullptr);
  EXPECT_EQ(m.contact_estimate, pinn::ContactEstimate::multiplier_mass);
  EXPECT_NEAR(m.contact_radius, R, 2e-4);
  // The active points count every touched cell whole: a larger radius.
  EXPECT_GT(m.active_contact_radius, R + 0.005);
}

TEST(ContactEstimate, CentralLaplacianOfTheHemisphereObstacle) {
  // ψ = √(1 − r²): −Δψ = (2 − r²)/(1 − r²)^{3/2}.
  const pinn::Domain domain = pinn::Domain::rectangle({-2.0, -2.0}, {2.0, 2.0});
  const pinn::ScalarFunction psi = [](const double* x) { return std::sqrt(1.0 - x[0] * x[0] - x[1] * x[1]); };
  for (const double r : {0.0, 0.3, 0.6, 0.7}) {
    const double x[2] = {r * std::cos(0.4), r * std::sin(0.4)};
    const double exact = (2.0 - r * r) / std::pow(1.0 - r * r, 1.5);
    EXPECT_NEAR(-pinn::central_laplacian(psi, domain, x), exact, 1e-4 * exact) << "r = " << r;
  }
}

TEST(ContactEstimate, CentralLaplacianOverACellSeesAStepThePointsStencilMisses) {
  // step41-like stairs: flat at a point 0.0078 from a jump, not over its cell.
  const pinn::Domain domain = pinn::Domain::rectangle({-1.0, -1.0}, {1.0, 1.0});
  const pinn::ScalarFunction stairs = [](const double* x) { return x[0] <= 0.0 ? -0.4 : -0.6; };
  const double x[2] = {0.0078125, 0.3};
  EXPECT_EQ(pinn::central_laplacian(stairs, domain, x), 0.0);
  EXPECT_GT(std::abs(pinn::central_laplacian(stairs, domain, x, 0.6 * 2.0 / 128)), 100.0);
}

}  // namespace
