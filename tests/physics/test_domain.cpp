/// @file tests/physics/test_domain.cpp
/// @brief Domains: sampling stays inside, distance functions vanish on the
/// boundary and their derivatives match finite differences.
#include "nn/error.hpp"
#include "physics/domain.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace {

/// The L-shape (0,2)² ∖ [1,2]², counter-clockwise from the origin.
pinn::Domain lshape() { return pinn::Domain::polygon({{0, 0}, {2, 0}, {2, 1}, {1, 1}, {1, 2}, {0, 2}}); }

std::vector<pinn::Domain> all_domains() {
  return {pinn::Domain::interval(-1.0, 2.0), pinn::Domain::rectangle({-2, -1}, {2, 1}),
          pinn::Domain::box({0, 0, 0}, {1, 2, 3}), pinn::Domain::disk({0.5, -0.5}, 1.5), lshape(),
          // a non-convex pentagon far from the origin, given clockwise
          pinn::Domain::polygon({{10, 10}, {10.5, 11.5}, {11, 10.4}, {12, 11}, {12, 10}})};
}

TEST(Domain, SamplesLieInsideForEveryMethod) {
  for (const auto& d : all_domains()) {
    for (auto method : {pinn::SamplingMethod::grid, pinn::SamplingMethod::random, pinn::SamplingMethod::halton,
                        pinn::SamplingMethod::sobol}) {
      const auto pts = d.sample_interior(200, method, 3);
      ASSERT_GT(pts.size(), 0u) << d.describe();
      for (std::size_t i = 0; i < pts.size() / d.dim(); ++i) EXPECT_TRUE(d.contains(&pts[i * d.dim()])) << d.describe();
      if (method != pinn::SamplingMethod::grid) {
        EXPECT_EQ(pts.size(), 200u * d.dim());
        EXPECT_EQ(pts, d.sample_interior(200, method, 3)) << "sampling must be reproducible from the seed";
      }
    }
  }
}

TEST(Domain, DistanceVanishesOnTheBoundaryAndIsPositiveInside) {
  for (const auto& d : all_domains()) {
    const auto boundary = d.sample_boundary(64);
    for (std::size_t i = 0; i < boundary.size() / d.dim(); ++i)
      EXPECT_NEAR(d.distance(&boundary[i * d.dim()]).value, 0.0, 1e-12) << d.describe();
    const auto inside = d.sample_interior(50, pinn::SamplingMethod::halton, 1);
    for (std::size_t i = 0; i < inside.size() / d.dim(); ++i) EXPECT_GT(d.distance(&inside[i * d.dim()]).value, 0.0);
  }
}

TEST(Domain, DistanceDerivativesMatchFiniteDifferences) {
  for (const auto& d : all_domains()) {
    const auto pts = d.sample_interior(10, pinn::SamplingMethod::halton, 2);
    for (std::size_t i = 0; i < pts.size() / d.dim(); ++i) {
      double x[3] = {0, 0, 0};
      for (int k = 0; k < d.dim(); ++k) x[k] = pts[i * d.dim() + k];
      const auto jet = d.distance(x);
      double lap = 0.0;
      for (int k = 0; k < d.dim(); ++k) {
        const double h = 1e-5;
        double xp[3] = {x[0], x[1], x[2]}, xm[3] = {x[0], x[1], x[2]};
        xp[k] += h;
        xm[k] -= h;
        const double fp = d.distance(xp).value, fm = d.distance(xm).value;
        // Relative to |∇d|: a polygon's d (1 at its largest) is steep next to its narrow parts.
        EXPECT_NEAR(jet.grad[k], (fp - fm) / (2 * h), 1e-8 * (1 + std::abs(jet.grad[k]))) << d.describe();
        lap += (fp - 2 * jet.value + fm) / (h * h);
      }
      EXPECT_NEAR(jet.laplacian, lap, 1e-4 * (1 + std::abs(jet.laplacian))) << d.describe();
    }
  }
}

TEST(Domain, MeasuresAreExact) {
  EXPECT_DOUBLE_EQ(pinn::Domain::interval(-1, 2).measure(), 3.0);
  EXPECT_DOUBLE_EQ(pinn::Domain::rectangle({-2, -2}, {2, 2}).measure(), 16.0);
  EXPECT_DOUBLE_EQ(pinn::Domain::box({0, 0, 0}, {1, 2, 3}).measure(), 6.0);
  EXPECT_NEAR(pinn::Domain::disk({0, 0}, 2).measure(), 4 * M_PI, 1e-14);
}

TEST(Domain, GridSamplingIsTheMidpointRuleIn1D) {
  const auto pts = pinn::Domain::interval(0, 1).sample_interior(4, pinn::SamplingMethod::grid, 0);
  ASSERT_EQ(pts.size(), 4u);
  EXPECT_DOUBLE_EQ(pts[0], 0.125);
  EXPECT_DOUBLE_EQ(pts[3], 0.875);
}

TEST(Domain, GridCellsFollowTheExtentsOfAnElongatedDomain) {
  using Cells = std::array<int, 3>;
  // A square or cube: round(n^(1/d)) per direction.
  EXPECT_EQ(pinn::Domain::rectangle({-2, -2}, {2, 2}).grid_cells(4096), (Cells{64, 64, 1}));
  EXPECT_EQ(pinn::Domain::box({0, 0, 0}, {1, 1, 1}).grid_cells(1000), (Cells{10, 10, 10}));
  EXPECT_EQ(pinn::Domain::interval(0, 5).grid_cells(7), (Cells{7, 1, 1}));
  // 2π × 1: 64·√(2π/√(2π)) = 101.3 and 64/1.583 = 40.4 cells.
  const pinn::Domain bearing = pinn::Domain::rectangle({0, 0}, {2 * M_PI, 1});
  const Cells cells = bearing.grid_cells(4096);
  EXPECT_EQ(cells, (Cells{101, 40, 1}));
  const auto midpoints = bearing.sample_interior(4096, pinn::SamplingMethod::grid, 0);
  ASSERT_EQ(midpoints.size(), 2u * 101 * 40);
  EXPECT_DOUBLE_EQ(midpoints[0], M_PI / 101);  // x varies fastest
  EXPECT_DOUBLE_EQ(midpoints[1], 0.5 / 40);
  EXPECT_DOUBLE_EQ(midpoints[2 * 101 + 1], 1.5 / 40);
  // The nodes of those cells: one fewer per direction.
  EXPECT_EQ(bearing.grid_points(cells, pinn::SamplingMethod::nodes).size(), 2u * 100 * 39);
  // Time counts as long as the spatial directions' geometric mean: a 4 × 1
  // rectangle over (0, 100) has 20·(√2, 1/√2, 1) cells.
  const pinn::Domain q = pinn::Domain::space_time(pinn::Domain::rectangle({0, 0}, {4, 1}), 100.0);
  EXPECT_EQ(q.grid_cells(8000), (Cells{28, 14, 20}));
  EXPECT_EQ(pinn::Domain::space_time(pinn::Domain::interval(0, 3), 0.01).grid_cells(1024), (Cells{32, 32, 1}));
}

/// The disk of radius 1.5 about (0.5, −0.5) and r² about its centre, whose
/// integral over it is π R⁴ / 2.
const pinn::Domain& test_disk() {
  static const pinn::Domain disk = pinn::Domain::disk({0.5, -0.5}, 1.5);
  return disk;
}
double r2(const double* x) { return (x[0] - 0.5) * (x[0] - 0.5) + (x[1] + 0.5) * (x[1] + 0.5); }

/// A weighted rule on test_disk(): every point inside, its area and ∫ r² to
/// 2e-4 and 5e-4 (relative).
void expect_disk_integrals(const pinn::Domain::GridQuadrature& rule) {
  ASSERT_EQ(rule.weights.size(), rule.points.size() / 2);
  double area = 0.0, integral = 0.0;
  for (std::size_t i = 0; i < rule.weights.size(); ++i) {
    EXPECT_TRUE(test_disk().contains(&rule.points[2 * i]));
    area += rule.weights[i];
    integral += rule.weights[i] * r2(&rule.points[2 * i]);
  }
  const double exact = M_PI * std::pow(1.5, 4) / 2;
  EXPECT_NEAR(area, test_disk().measure(), 2e-4 * test_disk().measure());
  EXPECT_NEAR(integral, exact, 5e-4 * exact);
}

TEST(Domain, GridQuadratureIsExactInAreaAtACurvedBoundary) {
  const pinn::Domain& disk = test_disk();
  const std::array<int, 3> cells = disk.grid_cells(4096);
  const pinn::Domain::GridQuadrature rule = disk.grid_quadrature(cells);
  expect_disk_integrals(rule);
  const double exact = M_PI * std::pow(1.5, 4) / 2;
  double integral = 0.0;
  for (std::size_t i = 0; i < rule.weights.size(); ++i) integral += rule.weights[i] * r2(&rule.points[2 * i]);
  // The midpoints inside with |Ω|/n each, as before: an O(h) error 10× larger.
  const std::vector<double> midpoints = disk.grid_points(cells, pinn::SamplingMethod::grid);
  double uniform = 0.0;
  for (std::size_t i = 0; i < midpoints.size(); i += 2) uniform += r2(&midpoints[i]);
  uniform *= disk.measure() / (midpoints.size() / 2);
  EXPECT_GT(std::abs(uniform - exact), 10 * std::abs(integral - exact));

  // A triangle's slanted edge cuts cells; a grid-aligned L-shape cuts none
  // (its points and weights are then the plain midpoint rule's).
  const pinn::Domain triangle = pinn::Domain::polygon({{0, 0}, {2, 0}, {0, 1.5}});
  const auto cut = triangle.grid_quadrature(triangle.grid_cells(1024));
  double triangle_area = 0.0;
  for (double w : cut.weights) triangle_area += w;
  EXPECT_NEAR(triangle_area, 1.5, 1e-3);
  const pinn::Domain l = lshape();
  const auto aligned = l.grid_quadrature({64, 64, 1});
  EXPECT_TRUE(aligned.weights.empty());
  EXPECT_EQ(aligned.points, l.grid_points({64, 64, 1}, pinn::SamplingMethod::grid));
  // Tensor domains: the midpoint rule as it was.
  const pinn::Domain box = pinn::Domain::rectangle({-2, -1}, {2, 1});
  EXPECT_TRUE(box.grid_quadrature(box.grid_cells(512)).weights.empty());
}

TEST(Domain, GaussQuadratureIntegratesCubicsExactlyAndCurvedBoundariesInArea) {
  // A cubic in each direction on a rectangle: the 2-point Gauss rule is
  // exact, the midpoint rule with as many points is not.
  const pinn::Domain box = pinn::Domain::rectangle({-2, -1}, {2, 1});
  const std::array<int, 3> cells = box.gauss_cells(4096);
  EXPECT_EQ(cells, (std::array<int, 3>{38, 27, 1}));  // half of grid_cells' 76 × 54
  const pinn::Domain::GridQuadrature gauss = box.gauss_quadrature(cells);
  EXPECT_TRUE(gauss.weights.empty());  // every point |Ω|/n
  ASSERT_EQ(gauss.points.size(), 2u * 76 * 54);
  EXPECT_EQ(box.sample_interior(4096, pinn::SamplingMethod::gauss, 0), gauss.points);
  const auto cubic = [](const double* x) { return x[0] * x[0] * x[0] * (1 + x[1]) + x[0] * x[0] * x[1] * x[1]; };
  const auto mean_over = [&](const std::vector<double>& points) {
    double sum = 0.0;
    for (std::size_t i = 0; i < points.size(); i += 2) sum += cubic(&points[i]);
    return sum * box.measure() / static_cast<double>(points.size() / 2);
  };
  const double exact = 32.0 / 9.0;  // ∫x²y² over (−2, 2) × (−1, 1); the odd terms vanish
  EXPECT_NEAR(mean_over(gauss.points), exact, 1e-12);
  EXPECT_GT(std::abs(mean_over(box.grid_points(box.grid_cells(4096), pinn::SamplingMethod::grid)) - exact), 1e-4);
  // The first point lies (½ − 1/(2√3)) of a cell from the wall.
  EXPECT_NEAR(gauss.points[0], -2.0 + (0.5 - 0.5 / std::sqrt(3.0)) * 4.0 / 38, 1e-14);

  // Intervals and boxes alike; an odd cell count rounds.
  const pinn::Domain line = pinn::Domain::interval(0, 1);
  EXPECT_EQ(line.sample_interior(512, pinn::SamplingMethod::gauss, 0).size(), 512u);
  EXPECT_EQ(pinn::Domain::box({0, 0, 0}, {1, 1, 1}).sample_interior(8000, pinn::SamplingMethod::gauss, 0).size(),
            3u * 8000);

  // A disk: whole cells give their four Gauss points, cut cells their
  // quarters' centroids weighted by the area inside.
  expect_disk_integrals(test_disk().gauss_quadrature(test_disk().gauss_cells(4096)));
  // A grid-aligned L-shape cuts no cell; the three cells at its re-entrant
  // corner (1, 1) are graded toward it, so the weights are stored, and every
  // sub-cell's Gauss points keep the rule exact for the cubic:
  // ∫ over (0, 2)² less (1, 2)² = 199/24.
  const pinn::Domain::GridQuadrature l_rule = lshape().gauss_quadrature({32, 32, 1});
  ASSERT_EQ(l_rule.weights.size(), 4u * 768 + 3u * (112 - 4));
  double area = 0.0, integral = 0.0;
  for (std::size_t p = 0; p < l_rule.weights.size(); ++p) {
    area += l_rule.weights[p];
    integral += l_rule.weights[p] * cubic(&l_rule.points[2 * p]);
  }
  EXPECT_NEAR(area, 3.0, 1e-12);
  EXPECT_NEAR(integral, 199.0 / 24.0, 1e-12);
}

TEST(Domain, ShiftedGaussQuadratureStaysExactForCubicsWhereverTheGridStands) {
  // (−2, 2) × (−1, 1) with 38 × 27 cells moved by a fraction of a cell: 39 ×
  // 28 cells cut at the sides, two Gauss points per direction in each.
  const pinn::Domain box = pinn::Domain::rectangle({-2, -1}, {2, 1});
  const std::array<int, 3> cells{38, 27, 1};
  const auto cubic = [](const double* x) { return x[0] * x[0] * x[0] * (1 + x[1]) + x[0] * x[0] * x[1] * x[1]; };
  for (const std::array<double, 3> fraction :
       {std::array<double, 3>{0.5, 0.5, 0.5}, {0.0, 0.999, 0.5}, {0.123, 0.77, 0.5}}) {
    const pinn::Domain::GridQuadrature rule = box.shifted_gauss_quadrature(cells, fraction);
    ASSERT_EQ(rule.points.size(), 2u * 78 * 56);
    ASSERT_EQ(rule.weights.size(), 78u * 56);
    double area = 0.0, integral = 0.0;
    for (std::size_t i = 0; i < rule.weights.size(); ++i) {
      area += rule.weights[i];
      integral += rule.weights[i] * cubic(&rule.points[2 * i]);
      EXPECT_TRUE(box.contains(&rule.points[2 * i]) || rule.weights[i] == 0.0);
    }
    EXPECT_NEAR(area, 8.0, 1e-12);
    EXPECT_NEAR(integral, 32.0 / 9.0, 1e-12) << "fraction " << fraction[0] << ", " << fraction[1];
    // The first cell in x spans (−2, −2 + fraction·h).
    const double h = 4.0 / 38, first = fraction[0] * h;
    EXPECT_NEAR(rule.points[0], -2.0 + (0.5 - 0.5 / std::sqrt(3.0)) * first, 1e-14);
  }
  // An interval: exact for x³ also with a one-sided shift.
  const pinn::Domain line = pinn::Domain::interval(0, 1);
  const auto rule = line.shifted_gauss_quadrature({10, 1, 1}, {0.3, 0.5, 0.5});
  ASSERT_EQ(rule.weights.size(), 22u);
  double integral = 0.0;
  for (std::size_t i = 0; i < rule.weights.size(); ++i) integral += rule.weights[i] * std::pow(rule.points[i], 3);
  EXPECT_NEAR(integral, 0.25, 1e-15);
}

TEST(Domain, ImpossibleDomainsAreRejected) {
  EXPECT_THROW(pinn::Domain::polygon({{0, 0}, {1, 0}}), pinn::UserError);
  EXPECT_THROW(pinn::Domain::interval(1.0, 0.0), pinn::UserError);
  EXPECT_THROW(pinn::Domain::disk({0, 0}, -1.0), pinn::UserError);
  EXPECT_THROW(pinn::Domain::interval(0.0, NAN), pinn::UserError);
}

}  // namespace
