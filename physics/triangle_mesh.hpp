/// @file physics/triangle_mesh.hpp
/// @brief Conforming triangulations of a simple polygon for the finite-element
/// reference: ear clipping into coarse triangles made Delaunay by edge flips,
/// then uniform red refinement (each triangle into four), and the location of
/// a point in the mesh.
#pragma once

#include "physics/polygon.hpp"

#include <array>
#include <vector>

namespace pinn {

struct TriangleMesh {
  std::vector<Point2> nodes;
  std::vector<std::array<int, 3>> triangles;  ///< node indices, counter-clockwise
  /// Edges on ∂Ω as (a, b) with Ω on the left of a → b.
  std::vector<std::array<int, 2>> boundary_edges;
  std::vector<unsigned char> boundary_node;  ///< 1 for nodes on ∂Ω
  /// After refine(): nodes [0, n_parent_nodes) are the parent mesh's, in the
  /// same order; node n_parent_nodes + k is the midpoint of parents[k].
  int n_parent_nodes = 0;
  std::vector<std::array<int, 2>> parents;

  int n_nodes() const { return static_cast<int>(nodes.size()); }
  int n_triangles() const { return static_cast<int>(triangles.size()); }
  /// Twice the signed area of triangle t (positive: counter-clockwise).
  double twice_area(int t) const;
};

/// The coarse triangulation of a simple counter-clockwise polygon (as
/// Domain::vertices() holds it): its vertices are the nodes, in order; ear
/// clipping picks at each step the ear with the largest smallest angle, then
/// Lawson flips make it the constrained Delaunay triangulation (each interior
/// edge's opposite angles sum to at most π, so the P1 Laplacian's
/// off-diagonal entries are ≤ 0 on interior edges). Red refinement keeps
/// that where the coarse triangles have no obtuse angle: its children are
/// similar to their parent, and the edges of the middle child see each
/// parent angle twice. Throws std::invalid_argument if no ear is found (a
/// polygon that is not simple).
TriangleMesh triangulate_polygon(const std::vector<Point2>& vertices);

/// Red refinement: every triangle into four through its edge midpoints, one
/// node per edge shared by its triangles.
TriangleMesh refine(const TriangleMesh& mesh);

/// Finds the triangle that holds a point, through a uniform grid of buckets
/// over the mesh's bounding box (about one triangle per bucket).
class TriangleLocator {
 public:
  TriangleLocator() = default;
  explicit TriangleLocator(const TriangleMesh& mesh);

  /// The triangle holding x and x's barycentric coordinates in it (summing
  /// to 1, each ≥ 0 up to round-off); −1 for a point outside the mesh by more
  /// than `slack` times the mesh's size.
  int locate(const TriangleMesh& mesh, const double* x, double barycentric[3], double slack = 1e-10) const;

 private:
  std::array<double, 2> lower_{0, 0}, cell_{1, 1};
  std::array<int, 2> n_{0, 0};
  double size_ = 1;
  std::vector<int> start_, items_;  ///< bucket b holds items_[start_[b] .. start_[b + 1])
};

}  // namespace pinn
