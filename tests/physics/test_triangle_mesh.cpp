/// @file tests/physics/test_triangle_mesh.cpp
/// @brief Triangulations of polygons and disks: ear clipping covers the
/// polygon with counter-clockwise, Delaunay triangles; red refinement keeps the
/// parent nodes, shares edge midpoints and conserves area; a disk's mesh stays
/// inscribed and acute as it is refined; grading moves nodes along their rays
/// toward a re-entrant corner; the locator finds the triangle of any
/// point inside and refuses points outside.
#include "physics/domain.hpp"
#include "physics/triangle_mesh.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>
#include <set>
#include <string>
#include <stdexcept>
#include <utility>

namespace {

using Vertices = std::vector<pinn::Point2>;

const Vertices kLShape{{0, 0}, {2, 0}, {2, 1}, {1, 1}, {1, 2}, {0, 2}};
/// A comb: three teeth pointing up, with reflex vertices between them, and a straight (180°) vertex.
const Vertices kComb{{0, 0}, {3, 0}, {5, 0}, {5, 3}, {4, 3}, {4, 1}, {3, 1}, {3, 3}, {2, 3}, {2, 1}, {1, 1}, {1, 3}, {0, 3}};

double total_area(const pinn::TriangleMesh& mesh) {
  double sum = 0.0;
  for (int t = 0; t < mesh.n_triangles(); ++t) sum += 0.5 * mesh.twice_area(t);
  return sum;
}

double angle(const pinn::Point2& a, const pinn::Point2& o, const pinn::Point2& b) {
  const double ax = a[0] - o[0], ay = a[1] - o[1], bx = b[0] - o[0], by = b[1] - o[1];
  return std::atan2(std::abs(ax * by - ay * bx), ax * bx + ay * by);
}

/// Every edge has one or two triangles, one exactly for the boundary edges; with `delaunay`, every
/// interior edge has opposite angles summing to at most π.
void expect_conforming(const pinn::TriangleMesh& mesh, bool delaunay) {
  std::map<std::pair<int, int>, std::vector<int>> opposite;
  for (const auto& t : mesh.triangles)
    for (int k = 0; k < 3; ++k) {
      const int a = t[k], b = t[(k + 1) % 3];
      opposite[{std::min(a, b), std::max(a, b)}].push_back(t[(k + 2) % 3]);
    }
  int boundary = 0;
  for (const auto& [edge, across] : opposite) {
    ASSERT_LE(across.size(), 2u);
    if (across.size() == 1) {
      ++boundary;
      continue;
    }
    const auto& p = mesh.nodes;
    const double sum = angle(p[edge.first], p[across[0]], p[edge.second]) + angle(p[edge.first], p[across[1]], p[edge.second]);
    if (delaunay) {
      EXPECT_LE(sum, M_PI * (1 + 1e-12));
    }
  }
  EXPECT_EQ(boundary, static_cast<int>(mesh.boundary_edges.size()));
}

TEST(TriangleMesh, ADiskMeshStaysInscribedAndAcuteAsItIsRefined) {
  const pinn::Circle circle{{3.0, -1.0}, 0.5};
  const double r = circle.radius;
  pinn::TriangleMesh mesh = pinn::triangulate_disk(circle);
  EXPECT_EQ(mesh.n_triangles(), pinn::kDiskCoarseBoundaryNodes);
  for (int level = 0; level <= 4; ++level) {
    SCOPED_TRACE("level " + std::to_string(level));
    const int n = static_cast<int>(mesh.boundary_edges.size());
    EXPECT_EQ(n, pinn::kDiskCoarseBoundaryNodes << level);
    expect_conforming(mesh, true);
    for (int t = 0; t < mesh.n_triangles(); ++t) {
      const auto& tri = mesh.triangles[static_cast<std::size_t>(t)];
      const auto& p = mesh.nodes;
      EXPECT_GT(mesh.twice_area(t), 0.0);
      for (int k = 0; k < 3; ++k) EXPECT_LT(angle(p[tri[(k + 1) % 3]], p[tri[k]], p[tri[(k + 2) % 3]]), M_PI / 2);
    }
    for (int i = 0; i < mesh.n_nodes(); ++i) {
      const double distance = std::hypot(mesh.nodes[i][0] - 3.0, mesh.nodes[i][1] + 1.0);
      if (mesh.boundary_node[i])
        EXPECT_NEAR(distance, r, 1e-15);
      else
        EXPECT_LT(distance, r * (1 - 1e-9));
    }
    // The inscribed regular n-gon, and its chords' gap to the circle.
    EXPECT_NEAR(total_area(mesh), 0.5 * n * r * r * std::sin(2 * M_PI / n), 1e-14);
    EXPECT_NEAR(pinn::chord_gap(mesh, circle), r * (1 - std::cos(M_PI / n)), 1e-16);
    mesh = pinn::refine(mesh, &circle);
  }
  EXPECT_THROW(pinn::triangulate_disk({{0, 0}, 0.0}), std::invalid_argument);
  EXPECT_THROW(pinn::triangulate_disk({{std::nan(""), 0}, 1.0}), std::invalid_argument);
}

TEST(TriangleMesh, GradingMovesNodesAlongTheirRaysTowardAReentrantCorner) {
  const std::vector<pinn::ReentrantCorner> corners = pinn::polygon_reentrant_corners(kLShape);
  ASSERT_EQ(corners.size(), 1u);
  EXPECT_DOUBLE_EQ(corners[0].clearance, 1.0);  // (1, 1) to the edges x = 0, y = 0, x = 2, y = 2
  const pinn::TriangleMesh uniform = pinn::refine(pinn::refine(pinn::refine(pinn::triangulate_polygon(kLShape))));
  pinn::TriangleMesh graded = uniform;
  pinn::grade_toward_corners(graded, corners);
  const double rho = 0.45, power = 1.5;  // ρ = 0.45·clearance, 1/λ = 3/2
  for (int i = 0; i < uniform.n_nodes(); ++i) {
    const pinn::Point2 &p = uniform.nodes[i], &q = graded.nodes[i];
    const double r = std::hypot(p[0] - 1, p[1] - 1), s = std::hypot(q[0] - 1, q[1] - 1);
    if (r >= rho) {
      EXPECT_EQ(p, q);
      continue;
    }
    EXPECT_NEAR(s, rho * std::pow(r / rho, power), 1e-15);
    EXPECT_NEAR((p[0] - 1) * (q[1] - 1) - (p[1] - 1) * (q[0] - 1), 0.0, 1e-15) << "on its ray";
  }
  for (int t = 0; t < graded.n_triangles(); ++t) EXPECT_GT(graded.twice_area(t), 0.0);
  EXPECT_NEAR(total_area(graded), 3.0, 0.02) << "the domain, up to the triangles bent at ρ";
  EXPECT_EQ(pinn::polygon_reentrant_corners(kComb).size(), 4u);  // the gaps' feet
  for (const pinn::ReentrantCorner& c : pinn::polygon_reentrant_corners(kComb)) EXPECT_DOUBLE_EQ(c.clearance, 1.0);
}

TEST(TriangleMesh, EarClippingCoversThePolygonWithDelaunayTriangles) {
  for (const Vertices& v : {kLShape, kComb}) {
    const pinn::TriangleMesh mesh = pinn::triangulate_polygon(v);
    EXPECT_EQ(mesh.nodes, v);
    EXPECT_EQ(mesh.n_triangles(), static_cast<int>(v.size()) - 2);
    for (int t = 0; t < mesh.n_triangles(); ++t) EXPECT_GT(mesh.twice_area(t), 0.0);
    EXPECT_NEAR(total_area(mesh), pinn::polygon_signed_area(v), 1e-12);
    EXPECT_EQ(mesh.boundary_edges.size(), v.size());
    expect_conforming(mesh, true);
  }
  EXPECT_THROW(pinn::triangulate_polygon({{0, 0}, {1, 1}, {1, 0}, {0, 1}}), std::invalid_argument);
}

TEST(TriangleMesh, RedRefinementKeepsParentsSharesMidpointsAndConservesArea) {
  pinn::TriangleMesh mesh = pinn::triangulate_polygon(kComb);
  const pinn::Domain domain = pinn::Domain::polygon(kComb);
  // The comb's coarse triangles include obtuse ones: the refined mesh is conforming, not Delaunay.
  bool obtuse = false;
  for (const auto& t : mesh.triangles)
    for (int k = 0; k < 3; ++k)
      obtuse = obtuse || angle(mesh.nodes[t[k]], mesh.nodes[t[(k + 1) % 3]], mesh.nodes[t[(k + 2) % 3]]) > M_PI / 2 + 1e-12;
  EXPECT_TRUE(obtuse);
  for (int level = 1; level <= 3; ++level) {
    const pinn::TriangleMesh fine = pinn::refine(mesh);
    // One new node per edge: E = (3T + B)/2 for T triangles and B boundary edges.
    const int edges = (3 * mesh.n_triangles() + static_cast<int>(mesh.boundary_edges.size())) / 2;
    EXPECT_EQ(fine.n_nodes(), mesh.n_nodes() + edges);
    EXPECT_EQ(fine.n_triangles(), 4 * mesh.n_triangles());
    EXPECT_EQ(fine.boundary_edges.size(), 2 * mesh.boundary_edges.size());
    EXPECT_EQ(fine.n_parent_nodes, mesh.n_nodes());
    for (int i = 0; i < mesh.n_nodes(); ++i) EXPECT_EQ(fine.nodes[i], mesh.nodes[i]);
    for (std::size_t k = 0; k < fine.parents.size(); ++k) {
      const auto& p = fine.parents[k];
      const auto& x = fine.nodes[fine.n_parent_nodes + k];
      EXPECT_DOUBLE_EQ(x[0], 0.5 * (mesh.nodes[p[0]][0] + mesh.nodes[p[1]][0]));
    }
    EXPECT_NEAR(total_area(fine), 11.0, 1e-12);
    for (int t = 0; t < fine.n_triangles(); ++t) EXPECT_GT(fine.twice_area(t), 0.0);
    for (int i = 0; i < fine.n_nodes(); ++i)
      EXPECT_EQ(fine.boundary_node[i] != 0, domain.distance(fine.nodes[i].data()).value == 0.0) << i;
    expect_conforming(fine, false);
    mesh = fine;
  }
}

TEST(TriangleMesh, RefiningRightTrianglesKeepsTheMeshDelaunay) {
  // The L-shape's coarse Delaunay triangles are right triangles.
  pinn::TriangleMesh mesh = pinn::triangulate_polygon(kLShape);
  for (int level = 1; level <= 3; ++level) {
    mesh = pinn::refine(mesh);
    expect_conforming(mesh, true);
  }
}

TEST(TriangleMesh, TheLocatorFindsTheTriangleOfEveryPointInsideAndNoneOutside) {
  const pinn::TriangleMesh mesh = pinn::refine(pinn::refine(pinn::triangulate_polygon(kComb)));
  const pinn::TriangleLocator locator(mesh);
  const pinn::Domain domain = pinn::Domain::polygon(kComb);
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> x(-0.5, 5.5), y(-0.5, 3.5);
  int inside = 0;
  for (int i = 0; i < 2000; ++i) {
    const double p[2] = {x(rng), y(rng)};
    double lambda[3];
    const int t = locator.locate(mesh, p, lambda);
    if (!domain.contains(p)) {
      EXPECT_EQ(t, -1) << p[0] << ", " << p[1];
      continue;
    }
    ++inside;
    ASSERT_GE(t, 0) << p[0] << ", " << p[1];
    const auto& tri = mesh.triangles[t];
    double back[2] = {0, 0};
    for (int v = 0; v < 3; ++v) {
      EXPECT_GE(lambda[v], 0.0);
      for (int k = 0; k < 2; ++k) back[k] += lambda[v] * mesh.nodes[tri[v]][k];
    }
    EXPECT_NEAR(back[0], p[0], 1e-12);
    EXPECT_NEAR(back[1], p[1], 1e-12);
  }
  EXPECT_GT(inside, 500);
  // Nodes and points on edges are found too.
  for (const auto& node : mesh.nodes) {
    double lambda[3];
    EXPECT_GE(locator.locate(mesh, node.data(), lambda), 0);
  }
}

}  // namespace
