/// @file physics/polygon.hpp
/// @brief Geometry of simple polygons for Domain::polygon and the finite-element
/// reference: validation, area, point location, and a smooth distance-like
/// function that vanishes on every edge (R-functions, Sukumar & Srivastava 2022).
#pragma once

#include <array>
#include <string>
#include <vector>

namespace pinn {

using Point2 = std::array<double, 2>;

/// Signed area by the shoelace formula: positive for counter-clockwise vertices.
double polygon_signed_area(const std::vector<Point2>& vertices);

/// Perimeter: the lengths of the edges, the last edge closing the polygon.
double polygon_perimeter(const std::vector<Point2>& vertices);

/// What keeps `vertices` from being a simple polygon, as a sentence naming the
/// vertices or edges (edge k joins vertex k to vertex k + 1, 0-based, the last
/// one back to vertex 0); empty when it is one. Checked: at least 3 vertices,
/// finite coordinates, no two consecutive vertices equal (the closing vertex
/// is not repeated), no two non-adjacent edges that meet, no two adjacent
/// edges that fold back onto each other, and a non-zero area.
std::string polygon_defect(const std::vector<Point2>& vertices);

/// Whether x lies in the closed polygon: on an edge (within `tolerance`) or
/// inside by the crossing number.
bool polygon_contains(const std::vector<Point2>& vertices, const double* x, double tolerance);

/// φ with its gradient and Laplacian at one point.
struct PolygonDistanceJet {
  double value = 0;
  double grad[2] = {0, 0};
  double laplacian = 0;
};

/// The R-function distance of a counter-clockwise polygon. Per edge the
/// trimmed segment function of Sukumar & Srivastava (CMAME 389, 2022, §5.1)
/// in units of the edge's length L (their f⁴ beside t² is not dimensionally
/// consistent, so this makes φ invariant under similarity maps): with f the
/// signed distance to the edge's line over L (positive inside), c the edge's
/// midpoint and t = ¼ − |x − c|²/L² the trimming function,
/// φ_i = L·√(f² + ((√(t² + f⁴) − t)/2)²), which is zero on the edge only and
/// equals L·|f| to seventh order next to it. They are joined by the
/// R-equivalence of order 1, φ = (Σ 1/φ_i)⁻¹: zero on every edge, positive
/// elsewhere (outside too, where it is never used), smooth off the boundary,
/// and normalised to first order: φ = dist + O(dist²) next to an edge, so
/// ∇φ is the inward unit normal there. At a vertex φ is continuous but has no
/// gradient; the gradient returned there is 0 (as for the corners of a box),
/// and on an edge the inward normal with the one-sided Laplacian.
PolygonDistanceJet polygon_distance(const std::vector<Point2>& vertices, const double* x);

/// A re-entrant vertex of a polygon (interior angle ω > π), where solutions of
/// −Δu = f with u = 0 on both edges behave like r^(π/ω) sin(πθ/ω): singular
/// gradients, r^(−1/3) at an L-shape's corner.
struct ReentrantCorner {
  Point2 vertex{0, 0};
  double exponent = 1;   ///< π/ω, in (1/2, 1)
  double clearance = 0;  ///< distance to the nearest other vertex or edge not incident to this vertex
  /// Angle of the edge to the next vertex: the domain next to the corner is the wedge of directions
  /// from it counter-clockwise through the interior angle π/exponent, up to the edge from the previous vertex.
  double direction = 0;
  /// Radius of the corner's own disk, 0.45 × clearance: it meets no other edge (the domain in it is the
  /// corner's wedge) and the disks of two corners do not meet. with_corner_singularities blends toward the
  /// singular function in it, and grade_toward_corners grades the finite-element mesh in it.
  double wedge_radius = 0;
};

/// The re-entrant vertices of a counter-clockwise polygon.
std::vector<ReentrantCorner> polygon_reentrant_corners(const std::vector<Point2>& vertices);

/// φ·Π_c (r_c)^(π/ω_c − 1), r_c the distance to corner c: where φ grows like r
/// next to a re-entrant corner, this grows like the solution, r^(π/ω), so the
/// network that multiplies it in a hard boundary condition stays bounded there
/// instead of having to grow like r^(π/ω − 1). Elsewhere a smooth positive
/// factor. Within a corner's wedge_radius it blends (C², from a fifth of that
/// radius in) into r^λ sin(λθ)/λ times the other corners' factors, the solution's
/// leading term with its angular profile too: φ's own profile across the wedge
/// differs (a third of it at an L-shape's bisector), and the network would
/// then have to represent the quotient's dependence on the angle alone, which
/// has no limit at the corner. At a corner itself value, gradient and
/// Laplacian are 0.
PolygonDistanceJet with_corner_singularities(const PolygonDistanceJet& phi, const std::vector<ReentrantCorner>& corners,
                                             const double* x);

}  // namespace pinn
