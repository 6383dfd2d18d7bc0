/// @file physics/triangle_mesh.hpp
/// @brief Conforming triangulations of a simple polygon or a disk for the
/// finite-element reference: ear clipping into coarse triangles made Delaunay
/// by edge flips (a fan of 16 triangles for the disk), then uniform red
/// refinement (each triangle into four, a disk's new boundary nodes moved onto
/// its circle), and the location of a point in the mesh.
#pragma once

#include "physics/polygon.hpp"

#include <array>
#include <string>
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

/// The boundary of a disk domain.
struct Circle {
  Point2 center{0, 0};
  double radius = 1;
};

/// What keeps `circle` from bounding a disk, as a sentence; empty when it does (a finite centre and a
/// finite radius > 0).
std::string circle_defect(const Circle& circle);

/// Nodes on the circle of the coarse disk mesh: 16, at multiples of 22.5°, so
/// that the mesh's bounding box is the disk's (0°, 90°, 180° and 270° among them).
constexpr int kDiskCoarseBoundaryNodes = 16;

/// The coarse triangulation of a disk: its centre (node 0) and
/// kDiskCoarseBoundaryNodes nodes on the circle, counter-clockwise, joined
/// into a fan of isosceles triangles (angles 22.5°, 78.75°, 78.75°: acute, so
/// the P1 Laplacian's off-diagonal entries are < 0). Throws
/// std::invalid_argument with circle_defect's sentence.
TriangleMesh triangulate_disk(const Circle& circle);

/// Red refinement: every triangle into four through its edge midpoints, one
/// node per edge shared by its triangles. With `circle` (a disk's mesh) the
/// midpoint of each boundary edge is then moved radially onto the circle, so
/// that the mesh stays inscribed in the disk and its boundary edges halve at
/// every level (the gap between chord and arc falls by 4: second order, as
/// the P1 solution).
TriangleMesh refine(const TriangleMesh& mesh, const Circle* circle = nullptr);

/// Moves the nodes near each re-entrant corner toward it, so that the mesh is graded there as the
/// solution's r^λ needs (λ = π/ω): within ρ = wedge_radius (0.45·clearance) of the corner a node at distance r
/// moves along its ray to ρ(r/ρ)^(1/λ). Rays through the corner stay rays (the corner's two edges keep
/// their boundary nodes), nodes at ρ and beyond stay, and the balls of two corners do not meet. Mesh
/// widths next to the corner fall from h to about h^(1/λ)·ρ^(1 − 1/λ); at ρ they grow by 1/λ
/// radially. Applied to every level of a refinement, a node keeps its place from level to level.
void grade_toward_corners(TriangleMesh& mesh, const std::vector<ReentrantCorner>& corners);

/// The widest gap between a disk mesh's boundary chords and the circle: R(1 − cos(π/n)) for n boundary
/// edges. Points of the disk lie within it of the mesh.
double chord_gap(const TriangleMesh& mesh, const Circle& circle);

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
