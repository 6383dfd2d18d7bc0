/// @file tests/physics/test_polygon_domain.cpp
/// @brief Polygon domains: validation messages, orientation, measures, point
/// location, sampling, and the R-function distance (zero on every edge,
/// normalised, derivatives against central differences, similarity-invariant,
/// growing like r^(π/ω) from a re-entrant corner).
#include "nn/error.hpp"
#include "physics/domain.hpp"
#include "physics/polygon.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace {

using Vertices = std::vector<std::array<double, 2>>;

const Vertices kLShape{{0, 0}, {2, 0}, {2, 1}, {1, 1}, {1, 2}, {0, 2}};

/// The message of the pinn::UserError that Domain::polygon throws.
std::string rejection(const Vertices& v) {
  try {
    pinn::Domain::polygon(v);
  } catch (const pinn::UserError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected pinn::UserError";
  return "";
}

void expect_contains(const std::string& message, const std::string& part) {
  EXPECT_NE(message.find(part), std::string::npos) << "missing \"" << part << "\" in: " << message;
}

/// d's gradient and Laplacian at x against fourth-order central differences
/// with steps g (gradient, to 1e-7 relative) and h (Laplacian, to
/// `laplacian_tolerance` relative).
void expect_derivatives_match_differences(const pinn::Domain& d, const double* x, double g, double h,
                                          double laplacian_tolerance) {
  const pinn::DistanceJet jet = d.distance(x);
  double laplacian = 0.0;
  for (int k = 0; k < 2; ++k) {
    const auto at = [&](double step) {
      double y[2] = {x[0], x[1]};
      y[k] += step;
      return d.distance(y).value;
    };
    const double gradient = (8 * (at(g) - at(-g)) - (at(2 * g) - at(-2 * g))) / (12 * g);
    EXPECT_NEAR(jet.grad[k], gradient, 1e-7 * (1 + std::abs(jet.grad[k]))) << x[0] << ", " << x[1];
    laplacian += (16 * (at(h) + at(-h)) - (at(2 * h) + at(-2 * h)) - 30 * jet.value) / (12 * h * h);
  }
  EXPECT_NEAR(jet.laplacian, laplacian, laplacian_tolerance * (1 + std::abs(jet.laplacian))) << x[0] << ", " << x[1];
}

TEST(PolygonDomain, InvalidVertexListsAreRejectedWithTheVerticesOrEdgesAtFault) {
  expect_contains(rejection({{0, 0}, {1, 0}}), "found 2 vertices; need at least 3");
  expect_contains(rejection({{0, 0}, {1, NAN}, {0, 1}}), "vertex 1 is (1, nan)");
  expect_contains(rejection({{0, 0}, {1, 0}, {1, 0}, {0, 1}}), "vertices 1 and 2 are the same point (1, 0)");
  expect_contains(rejection({{0, 0}, {1, 0}, {0, 1}, {0, 0}}), "the last vertex repeats the first");
  // A bow tie: edge 0 (0,0)–(1,1) crosses edge 2 (1,0)–(0,1).
  const std::string bow_tie = rejection({{0, 0}, {1, 1}, {1, 0}, {0, 1}});
  expect_contains(bow_tie, "edges 0 (0, 0)–(1, 1) and 2 (1, 0)–(0, 1) intersect");
  expect_contains(bow_tie, "polygon domain:");
  // Touching without crossing is not simple either: vertex 4 lies on edge 1.
  expect_contains(rejection({{0, 0}, {2, 0}, {2, 2}, {1, 2}, {2, 1}, {0, 2}}), "intersect");
  // Folding back along a line.
  expect_contains(rejection({{0, 0}, {2, 0}, {1, 0}, {0, 1}}), "overlap");
  expect_contains(rejection({{0, 0}, {1, 0}, {2, 0}}), "overlap");
  expect_contains(rejection({{0, 0}, {1e200, 0}, {0, 1}}), "bounding box");
}

TEST(PolygonDomain, IsStoredCounterClockwiseFromTheFirstVertex) {
  const pinn::Domain ccw = pinn::Domain::polygon(kLShape);
  EXPECT_EQ(ccw.vertices(), kLShape);
  Vertices clockwise{kLShape[0]};
  for (std::size_t k = kLShape.size() - 1; k >= 1; --k) clockwise.push_back(kLShape[k]);
  const pinn::Domain cw = pinn::Domain::polygon(clockwise);
  EXPECT_EQ(cw.vertices(), kLShape);
  EXPECT_EQ(cw.kind(), pinn::DomainKind::polygon);
  EXPECT_EQ(cw.dim(), 2);
}

TEST(PolygonDomain, MeasuresBoundingBoxAndDescription) {
  const pinn::Domain d = pinn::Domain::polygon(kLShape);
  EXPECT_DOUBLE_EQ(d.measure(), 3.0);
  EXPECT_DOUBLE_EQ(d.boundary_measure(), 8.0);
  EXPECT_EQ(d.lower()[0], 0.0);
  EXPECT_EQ(d.lower()[1], 0.0);
  EXPECT_EQ(d.upper()[0], 2.0);
  EXPECT_EQ(d.upper()[1], 2.0);
  EXPECT_EQ(d.describe(), "polygon (0, 0), (2, 0), (2, 1), (1, 1), (1, 2), (0, 2)");
}

TEST(PolygonDomain, ContainsTheClosedPolygonOnly) {
  const pinn::Domain d = pinn::Domain::polygon(kLShape);
  const double inside[][2] = {{0.5, 0.5}, {1.5, 0.5}, {0.5, 1.5}, {0.999, 0.999}};
  const double outside[][2] = {{1.5, 1.5}, {1.001, 1.001}, {2.1, 0.5}, {-0.1, 1}, {0.5, 2.0001}};
  const double on_boundary[][2] = {{1, 1.5}, {1.5, 1}, {0, 0}, {1, 1}, {2, 0.3}, {0.7, 2}};
  for (const auto& x : inside) EXPECT_TRUE(d.contains(x)) << x[0] << ", " << x[1];
  for (const auto& x : outside) EXPECT_FALSE(d.contains(x)) << x[0] << ", " << x[1];
  for (const auto& x : on_boundary) EXPECT_TRUE(d.contains(x)) << x[0] << ", " << x[1];
}

TEST(PolygonDomain, GridSamplingKeepsTheMidpointsInside) {
  const pinn::Domain d = pinn::Domain::polygon(kLShape);
  // 64² midpoints of the bounding box; the cut lines x = 1, y = 1 fall between cells, so 3/4 stay.
  const auto points = d.sample_interior(4096, pinn::SamplingMethod::grid, 0);
  EXPECT_EQ(points.size(), 2u * 3072u);
  for (std::size_t i = 0; i < points.size(); i += 2) EXPECT_FALSE(points[i] > 1 && points[i + 1] > 1);
  for (auto method : {pinn::SamplingMethod::random, pinn::SamplingMethod::halton, pinn::SamplingMethod::sobol}) {
    EXPECT_NE(d.sample_interior(100, method, 1), d.sample_interior(100, method, 2)) << "the seed matters";
  }
}

TEST(PolygonDomain, BoundarySamplesAreEvenlySpacedAlongThePerimeter) {
  const pinn::Domain d = pinn::Domain::polygon(kLShape);
  // Perimeter 8: arc lengths 1, 3, 5, 7 from (0, 0); 3 and 5 fall on the vertices (2, 1) and (1, 2).
  const std::vector<double> four = d.sample_boundary(4);
  const std::vector<double> expected{1, 0, 2, 1, 1, 2, 0, 1};
  ASSERT_EQ(four.size(), expected.size());
  for (std::size_t i = 0; i < four.size(); ++i) EXPECT_NEAR(four[i], expected[i], 1e-14) << i;
  const std::vector<double> many = d.sample_boundary(80);
  ASSERT_EQ(many.size(), 160u);
  for (std::size_t i = 0; i + 2 < many.size(); i += 2) {
    // Consecutive points 0.1 apart along the boundary (a corner between them shortens the chord).
    const double chord = std::hypot(many[i + 2] - many[i], many[i + 3] - many[i + 1]);
    EXPECT_LE(chord, 0.1 + 1e-12);
    EXPECT_GE(chord, 0.1 / std::sqrt(2.0) - 1e-12);
  }
}

TEST(PolygonDomain, DistanceIsNormalisedAndItsGradientOnAnEdgeIsTheInwardNormal) {
  const pinn::Domain d = pinn::Domain::polygon(kLShape);
  // Largest value about 1 (the scale is the largest value on a 64² grid).
  double largest = 0.0;
  const auto fine = d.sample_interior(40000, pinn::SamplingMethod::grid, 0);
  for (std::size_t i = 0; i < fine.size(); i += 2) largest = std::max(largest, d.distance(&fine[i]).value);
  EXPECT_NEAR(largest, 1.0, 0.01);
  // On edge points: the gradient is the inward normal over the scale; first order: d(x + εn) ≈ ε|∇d|.
  const double probes[][4] = {{1.5, 0, 0, 1}, {2, 0.5, -1, 0}, {1.5, 1, 0, -1}, {1, 1.5, -1, 0}, {0, 0.7, 1, 0}};
  for (const auto& p : probes) {
    const pinn::DistanceJet on = d.distance(p);
    EXPECT_EQ(on.value, 0.0);
    const double norm = std::hypot(on.grad[0], on.grad[1]);
    EXPECT_NEAR(on.grad[0] / norm, p[2], 1e-12);
    EXPECT_NEAR(on.grad[1] / norm, p[3], 1e-12);
    const double eps = 1e-6, x[2] = {p[0] + eps * p[2], p[1] + eps * p[3]};
    EXPECT_NEAR(d.distance(x).value / eps, norm, 1e-4 * norm);
  }
  // At a vertex: value 0, no gradient.
  const double vertex[2] = {1, 1};
  EXPECT_EQ(d.distance(vertex).value, 0.0);
  EXPECT_EQ(d.distance(vertex).grad[0], 0.0);
}

TEST(PolygonDomain, DistanceDerivativesMatchCentralDifferencesEverywhereInside) {
  for (const Vertices& v : {kLShape, Vertices{{0, 0}, {1, 0}, {0.3, 0.8}}}) {
    const pinn::Domain d = pinn::Domain::polygon(v);
    const auto points = d.sample_interior(300, pinn::SamplingMethod::halton, 5);
    int checked = 0;
    for (std::size_t i = 0; i < points.size(); i += 2) {
      const double* x = &points[i];
      const pinn::DistanceJet jet = d.distance(x);
      ASSERT_GT(jet.value, 0.0);
      // Fourth-order differences (steps 2.5e-4 and 1e-3: truncation below 1e-8 and 1e-6 relative),
      // at points where d varies on a longer scale (d grows like 4–7 times the distance to the boundary).
      if (jet.value < 0.1) continue;
      ++checked;
      expect_derivatives_match_differences(d, x, 2.5e-4, 1e-3, 1e-5);
    }
    EXPECT_GT(checked, 150);
  }
}

TEST(PolygonDomain, DistanceIsUnchangedByASimilarityMap) {
  const pinn::Domain d = pinn::Domain::polygon(kLShape);
  Vertices mapped;
  for (const auto& p : kLShape) mapped.push_back({100 + 50 * p[0], -3 + 50 * p[1]});
  const pinn::Domain big = pinn::Domain::polygon(mapped);
  const auto points = d.sample_interior(50, pinn::SamplingMethod::sobol, 3);
  for (std::size_t i = 0; i < points.size(); i += 2) {
    const double y[2] = {100 + 50 * points[i], -3 + 50 * points[i + 1]};
    EXPECT_NEAR(big.distance(y).value, d.distance(&points[i]).value, 1e-11);
    EXPECT_NEAR(50 * big.distance(y).grad[0], d.distance(&points[i]).grad[0], 1e-9);
  }
}

TEST(PolygonDomain, ReentrantCornersAreFoundWithTheirExponents) {
  const auto corners = pinn::polygon_reentrant_corners(kLShape);
  ASSERT_EQ(corners.size(), 1u);
  EXPECT_EQ(corners[0].vertex, (pinn::Point2{1, 1}));
  EXPECT_NEAR(corners[0].exponent, 2.0 / 3.0, 1e-14);  // interior angle 3π/2
  EXPECT_TRUE(pinn::polygon_reentrant_corners({{0, 0}, {1, 0}, {1, 1}, {0, 1}}).empty());
  EXPECT_TRUE(pinn::polygon_reentrant_corners({{0, 0}, {1, 0}, {0.3, 0.8}}).empty());
  // A notch whose tip at (0.5, 0.5) has the interior angle 2π − 2·atan(0.02/0.5) (clockwise input too).
  const std::vector<pinn::Point2> notch{{0, 0}, {0, 1}, {1, 1}, {1, 0.52}, {0.5, 0.5}, {1, 0.48}, {1, 0}};
  const pinn::Domain d = pinn::Domain::polygon(notch);
  const auto tip = pinn::polygon_reentrant_corners(d.vertices());
  ASSERT_EQ(tip.size(), 1u);
  EXPECT_EQ(tip[0].vertex, (pinn::Point2{0.5, 0.5}));
  EXPECT_NEAR(tip[0].exponent, M_PI / (2 * M_PI - 2 * std::atan(0.04)), 1e-12);
  // Counter-clockwise, the edge from the tip goes to (1, 0.52); its blend disk stays clear of the
  // right side's edges, 0.5 away.
  EXPECT_NEAR(tip[0].direction, std::atan2(0.02, 0.5), 1e-14);
  EXPECT_NEAR(tip[0].clearance, 0.5, 1e-14);
  EXPECT_NEAR(tip[0].wedge_radius, 0.225, 1e-14);
}

TEST(PolygonDomain, DistanceGrowsLikeTheSingularSolutionFromAReentrantCorner) {
  // The L-shape's corner (1, 1) with interior angle 3π/2: along a ray into the
  // domain the distance grows like r^(2/3) (the solution's r^(2/3) sin(2θ/3)),
  // not like r, so the network of a hard boundary condition stays bounded there.
  const pinn::Domain d = pinn::Domain::polygon(kLShape);
  for (const double angle : {0.3, 0.75 * M_PI, 1.3 * M_PI}) {  // θ in (0, 3π/2) from the edge up to (1, 2)
    const double direction[2] = {std::cos(angle + 0.5 * M_PI), std::sin(angle + 0.5 * M_PI)};
    const auto at = [&](double r) {
      const double x[2] = {1 + r * direction[0], 1 + r * direction[1]};
      EXPECT_TRUE(d.contains(x)) << angle;
      return d.distance(x).value;
    };
    EXPECT_NEAR(at(1e-4) / at(1e-3), std::pow(0.1, 2.0 / 3.0), 1e-3) << angle;
  }
  // Derivatives against fourth-order central differences close to the corner.
  for (const double angle : {0.2, 0.75 * M_PI, 1.4 * M_PI}) {
    const double r = 0.02, x[2] = {1 + r * std::cos(angle + 0.5 * M_PI), 1 + r * std::sin(angle + 0.5 * M_PI)};
    expect_derivatives_match_differences(d, x, 1e-5, 2e-4, 1e-4);
  }
}

TEST(PolygonDomain, NextToAReentrantCornerTheDistanceHasTheSingularSolutionsAngularProfile) {
  // Within 0.09 of the L-shape's corner (a fifth of its blend radius, 0.45 × clearance 1) the distance
  // is r^(2/3) sin(2θ/3) times a constant, θ from the edge up to (1, 2): along a circle about the
  // corner it follows sin(2θ/3), so u/distance has a limit at the corner.
  const pinn::Domain d = pinn::Domain::polygon(kLShape);
  ASSERT_EQ(d.reentrant_corners().size(), 1u);
  EXPECT_DOUBLE_EQ(d.reentrant_corners()[0].wedge_radius, 0.45);
  const auto at = [&](double r, double angle) {
    const double x[2] = {1 + r * std::cos(angle + 0.5 * M_PI), 1 + r * std::sin(angle + 0.5 * M_PI)};
    EXPECT_TRUE(d.contains(x)) << r << ", " << angle;
    return d.distance(x);
  };
  for (const double r : {1e-3, 0.03, 0.085}) {
    const double reference = at(r, 0.75 * M_PI).value;
    for (const double angle : {0.01, 0.3, 1.0, 2.0, 3.0, 4.0, 4.7})
      EXPECT_NEAR(at(r, angle).value / std::sin(2.0 * angle / 3.0), reference, 1e-9 * reference)
          << r << ", " << angle;
  }
  // From 0.09 to 0.45 it blends back into the R-function distance times r^(−1/3): positive, and its
  // derivatives match central differences across the blend.
  for (const double r : {0.1, 0.2, 0.3, 0.37, 0.44})
    for (const double angle : {0.05, 0.6, 0.75 * M_PI, 3.5, 4.6}) {
      EXPECT_GT(at(r, angle).value, 0.0);
      const double x[2] = {1 + r * std::cos(angle + 0.5 * M_PI), 1 + r * std::sin(angle + 0.5 * M_PI)};
      expect_derivatives_match_differences(d, x, 1e-4, 1e-3, 1e-5);
    }
  // On both edges next to the corner (x = 1 above it, y = 1 right of it): zero, the gradient along the
  // inward normal.
  for (const double r : {0.1, 0.3}) {
    const double on_first[2] = {1, 1 + r}, on_second[2] = {1 + r, 1};
    EXPECT_NEAR(d.distance(on_first).value, 0.0, 1e-15);
    EXPECT_NEAR(d.distance(on_second).value, 0.0, 1e-15);
    EXPECT_NEAR(d.distance(on_first).grad[1], 0.0, 1e-12);
    EXPECT_LT(d.distance(on_first).grad[0], 0.0);
    EXPECT_NEAR(d.distance(on_second).grad[0], 0.0, 1e-12);
    EXPECT_LT(d.distance(on_second).grad[1], 0.0);
  }
  // A U-shape's two corners, 1 apart: each blend (radius 0.45) carries the other corner's factor;
  // derivatives against differences inside and across both blends.
  const pinn::Domain u_shape = pinn::Domain::polygon({{0, 0}, {3, 0}, {3, 2}, {2, 2}, {2, 1}, {1, 1}, {1, 2}, {0, 2}});
  ASSERT_EQ(u_shape.reentrant_corners().size(), 2u);
  for (const double r : {0.05, 0.2, 0.4})
    for (const double angle : {0.3, 1.2, 2.5, 4.4}) {  // from the edge up toward (1, 2) or down from (2, 2)
      const double left[2] = {1 + r * std::cos(angle + 0.5 * M_PI), 1 + r * std::sin(angle + 0.5 * M_PI)};
      const double right[2] = {2 + r * std::cos(angle + M_PI), 1 + r * std::sin(angle + M_PI)};
      for (const double* x : {left, right}) {
        ASSERT_TRUE(u_shape.contains(x)) << x[0] << ", " << x[1];
        EXPECT_GT(u_shape.distance(x).value, 0.0);
        expect_derivatives_match_differences(u_shape, x, 1e-4, 1e-3, 1e-5);
      }
    }
}

/// Every Gauss point farther than a cell's diagonal from the re-entrant
/// corners (whose cells are graded) weighs a quarter of its whole cell: no
/// cell is cut.
void expect_no_cut_cell(const pinn::Domain& domain, const std::array<int, 3>& cells) {
  const double h[2] = {(domain.upper()[0] - domain.lower()[0]) / cells[0],
                       (domain.upper()[1] - domain.lower()[1]) / cells[1]};
  const pinn::Domain::GridQuadrature rule = domain.gauss_quadrature(cells);
  const std::vector<pinn::ReentrantCorner> corners = pinn::polygon_reentrant_corners(domain.vertices());
  for (std::size_t p = 0; p < rule.weights.size(); ++p) {
    bool near_corner = false;
    for (const pinn::ReentrantCorner& c : corners)
      near_corner = near_corner || std::hypot(rule.points[2 * p] - c.vertex[0], rule.points[2 * p + 1] - c.vertex[1]) <
                                       std::hypot(h[0], h[1]);
    if (!near_corner) {
      ASSERT_EQ(rule.weights[p], 0.25 * h[0] * h[1]) << "point " << p << " of " << cells[0];
    }
  }
}

TEST(PolygonDomain, GaussCellsPutTheVerticesOnCellBoundaries) {
  // The L-shape's vertices at 0, ½ and 1 of its box: an even count per
  // direction, so no cell is cut (its Gauss rule has no cut-cell weights).
  const pinn::Domain l_shape = pinn::Domain::polygon(kLShape);
  for (const int n : {1024, 8192, 24576, 32768}) {
    const std::array<int, 3> plain = pinn::Domain::rectangle({0, 0}, {2, 2}).gauss_cells(n);
    const std::array<int, 3> cells = l_shape.gauss_cells(n);
    for (int k = 0; k < 2; ++k) {
      EXPECT_EQ(cells[k] % 2, 0) << n;
      EXPECT_LE(std::abs(cells[k] - plain[k]), 1) << n;
    }
    expect_no_cut_cell(l_shape, cells);
  }
  // A U-shape in a 3 × 2 box: vertices at thirds of x and halves of y.
  const pinn::Domain u_shape =
      pinn::Domain::polygon({{0, 0}, {3, 0}, {3, 2}, {2, 2}, {2, 1}, {1, 1}, {1, 2}, {0, 2}});
  const std::array<int, 3> cells = u_shape.gauss_cells(8192);
  EXPECT_EQ(cells[0] % 3, 0);
  EXPECT_EQ(cells[1] % 2, 0);
  expect_no_cut_cell(u_shape, cells);
  // Vertices that no count near the plain one aligns keep it.
  const pinn::Domain triangle = pinn::Domain::polygon({{0, 0}, {1, 0}, {0.3183, 0.8}});
  EXPECT_EQ(triangle.gauss_cells(4096)[0], pinn::Domain::rectangle({0, 0}, {1, 0.8}).gauss_cells(4096)[0]);
}

TEST(PolygonDomain, TheGaussRuleIsGradedTowardAReentrantCorner) {
  // ∫ r^(−2/3) over the L-shape, r the distance to its re-entrant corner (1, 1):
  // the energy density of the corner's singular solution r^(2/3) sin(2θ/3).
  // Three unit squares with the corner at a vertex, each (3/2)∫₀^(π/4) sec^(4/3)θ dθ.
  const auto sec_power = [](double t) { return std::pow(std::cos(t), -4.0 / 3.0); };
  const int n = 2000;  // Simpson's rule: a smooth integrand
  double simpson = sec_power(0.0) + sec_power(M_PI / 4);
  for (int i = 1; i < n; ++i) simpson += (i % 2 ? 4.0 : 2.0) * sec_power(M_PI / 4 * i / n);
  const double exact = 3.0 * 1.5 * simpson * (M_PI / 4) / (3.0 * n);
  const pinn::Domain l_shape = pinn::Domain::polygon(kLShape);
  const std::array<int, 3> cells{16, 16, 1};
  const pinn::Domain::GridQuadrature rule = l_shape.gauss_quadrature(cells);
  ASSERT_EQ(rule.weights.size(), rule.points.size() / 2);
  double area = 0.0, integral = 0.0, plain = 0.0;
  for (std::size_t p = 0; p < rule.weights.size(); ++p) {
    const double r = std::hypot(rule.points[2 * p] - 1.0, rule.points[2 * p + 1] - 1.0);
    area += rule.weights[p];
    integral += rule.weights[p] * std::pow(r, -2.0 / 3.0);
  }
  // The plain rule: four Gauss points in every cell.
  const pinn::Domain::GridQuadrature box = pinn::Domain::rectangle({0, 0}, {2, 2}).gauss_quadrature(cells);
  for (std::size_t p = 0; p < box.points.size() / 2; ++p) {
    const double x = box.points[2 * p], y = box.points[2 * p + 1];
    if (x > 1 && y > 1) continue;  // the missing quadrant
    plain += 4.0 / (box.points.size() / 2) * std::pow(std::hypot(x - 1.0, y - 1.0), -2.0 / 3.0);
  }
  EXPECT_NEAR(area, 3.0, 1e-12);
  // 4 × 16² × ¾ points, of which each corner cell's 4 become 4 × (3 × 8 + 4):
  // three quarters at each of 8 levels, all four at the last.
  EXPECT_EQ(rule.weights.size(), 4u * 192 + 3u * (112 - 4));
  // Graded: 2.4e-5 low (the corner's neighbours); plain: 6.1e-4 low.
  EXPECT_NEAR(integral / exact, 1.0, 5e-5);
  EXPECT_GT(std::abs(plain / exact - 1.0), 3e-4);
}

}  // namespace
