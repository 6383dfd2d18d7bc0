/// @file physics/domain.hpp
/// @brief Computational domains: interval, rectangle, box (3D), disk and
/// polygon, with sampling of their interior and boundary and a smooth
/// distance-like function for hard Dirichlet conditions.
#pragma once

#include "nn/enum_names.hpp"
#include "physics/polygon.hpp"

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace pinn {

enum class DomainKind { interval, rectangle, box, disk, polygon };

/// grid: cell midpoints of a tensor grid; gauss: the 2-point Gauss–Legendre
/// points per direction of a tensor grid with half as many cells per
/// direction (as many points; the energy's quadrature exact for cubics in
/// each direction rather than for linears); nodes: the interior nodes of a
/// tensor grid (so lines such as x = 0 carry points: an obstacle with jumps
/// there is seen at its upper value); random / halton / sobol: seeded point sets.
enum class SamplingMethod { grid, gauss, nodes, random, halton, sobol };
/// The names of SamplingMethod in case files, messages and reports (nn/enum_names.hpp).
inline constexpr NameTable<SamplingMethod, 6> kSamplingMethodNames{{{SamplingMethod::grid, "grid"},
                                                                    {SamplingMethod::gauss, "gauss"},
                                                                    {SamplingMethod::nodes, "nodes"},
                                                                    {SamplingMethod::random, "random"},
                                                                    {SamplingMethod::halton, "halton"},
                                                                    {SamplingMethod::sobol, "sobol"}}};

/// d(x) with its gradient and Laplacian; d > 0 inside, d = 0 on the boundary.
struct DistanceJet {
  double value = 0;
  std::array<double, 3> grad{0, 0, 0};
  double laplacian = 0;
};

class Domain {
 public:
  static Domain interval(double min, double max);
  static Domain rectangle(std::array<double, 2> min, std::array<double, 2> max);
  static Domain box(std::array<double, 3> min, std::array<double, 3> max);
  /// Ω × (0, T) for an interval or rectangle Ω: a rectangle or box whose last
  /// coordinate is time (grid_cells gives it as many cells as an average
  /// spatial direction, since a length and a time have no common scale).
  static Domain space_time(const Domain& omega, double final_time);
  /// The coordinate that is time (space_time), or −1.
  int time_axis() const { return time_axis_; }
  /// This rectangle or box with coordinate `axis` marked as time (−1: none),
  /// e.g. a space–time domain after an affine map.
  Domain with_time_axis(int axis) const;
  static Domain disk(std::array<double, 2> center, double radius);
  /// A simple polygon in 2D from its vertices in order (either orientation,
  /// the closing vertex not repeated). Throws pinn::UserError naming the
  /// vertices or edges at fault (physics/polygon.hpp, polygon_defect) and for
  /// a bounding box outside the extents the other domains allow.
  static Domain polygon(std::vector<std::array<double, 2>> vertices);

  DomainKind kind() const { return kind_; }
  /// An interval, rectangle or box: the domain is its bounding box, so a
  /// tensor grid on it has no cell the boundary cuts (a disk's or polygon's does).
  bool is_box() const { return kind_ != DomainKind::disk && kind_ != DomainKind::polygon; }
  int dim() const { return dim_; }
  /// The polygon's vertices, counter-clockwise, starting from the first one
  /// given (empty for the other kinds).
  const std::vector<std::array<double, 2>>& vertices() const { return vertices_; }
  /// The polygon's re-entrant corners (empty for the other kinds).
  const std::vector<ReentrantCorner>& reentrant_corners() const { return reentrant_corners_; }
  /// The disk's centre and radius (meaningless for the other kinds).
  std::array<double, 2> disk_center() const { return {center_[0], center_[1]}; }
  double disk_radius() const { return radius_; }
  /// Bounding box (the domain itself for interval/rectangle/box).
  const std::array<double, 3>& lower() const { return lower_; }
  const std::array<double, 3>& upper() const { return upper_; }
  double measure() const;
  double boundary_measure() const;
  bool contains(const double* x) const;

  /// Distance-like function: products of 4(x−a)(b−x)/(b−a)² per direction for
  /// boxes, (R² − |x − c|²)/R² for the disk; smooth, 1 at the centre. For a
  /// polygon the R-function φ of physics/polygon.hpp, times r^(π/ω − 1) for
  /// each re-entrant corner and blended next to it into the corner's singular
  /// function (with_corner_singularities), divided by its
  /// largest value on a 64² grid of midpoints (so about 1 at its largest, like
  /// the others, and unchanged by a similarity map of the polygon); smooth
  /// inside, not differentiable at the vertices; on an edge its gradient is
  /// the one-sided one (inward normal × a positive factor), at a vertex 0.
  DistanceJet distance(const double* x) const;
  /// Intervals, rectangles and boxes: a distance-like function that vanishes
  /// on the given sides only (BoundarySide bits, physics/boundary_conditions.hpp),
  /// for hard Dirichlet conditions on part of the boundary. Per direction the
  /// factor is 4(x−a)(b−x)/(b−a)² with both sides, (x−a)/(b−a) or
  /// (b−x)/(b−a) with one, 1 with none; all sides give distance(x), no side
  /// the constant 1 (for any domain).
  DistanceJet distance_to_sides(const double* x, unsigned sides) const;

  /// Cells per direction (grid) or interior nodes per direction (nodes) of the
  /// tensor grid that sample_interior builds for about n points on the
  /// bounding box: round(n^(1/d)) each on a square or cube; on an elongated
  /// box, n^(1/d)·√(extent / geometric mean of the extents), so the long
  /// direction gets more cells and the short one keeps more than square
  /// cells would leave it (README, "Training points"); a time axis counts as
  /// long as the spatial ones' geometric mean; at least 1; unused directions 1.
  std::array<int, 3> grid_cells(int n) const;
  /// The midpoints (`grid`) or interior nodes (`nodes`) of the bounding box's
  /// tensor grid with `cells` cells per direction that lie in the domain
  /// (`nodes`: cells[k] − 1 nodes per direction).
  std::vector<double> grid_points(const std::array<int, 3>& cells, SamplingMethod method) const;
  /// The midpoint rule of the grid with `cells` cells per direction, made
  /// exact in area at a curved or slanted boundary: every whole cell inside
  /// gives its midpoint; a cell the boundary of the disk or polygon cuts gives
  /// the centroid of its part inside, weighted by that part's area (both from
  /// 16 × 16 sub-cells; the inside sub-cell nearest the centroid where a
  /// non-convex part's centroid lies outside). Without it the midpoints
  /// inside, all weighted |Ω|/n, integrate with an O(h) error at the
  /// boundary (README, "Training points"). `weights` is empty when no cell is
  /// cut (intervals, rectangles, boxes, grid-aligned polygons): then every
  /// point weighs |Ω|/n as before.
  struct GridQuadrature {
    std::vector<double> points;   ///< row-major, dim per point
    std::vector<double> weights;  ///< one per point, or empty
  };
  GridQuadrature grid_quadrature(const std::array<int, 3>& cells) const;
  /// The tensor Gauss–Legendre rule with two points per direction in each
  /// cell of the grid with `cells` cells per direction: about as many points
  /// as grid_quadrature's with twice the cells, integrating a smooth
  /// integrand with an O(h⁴) error rather than O(h²) (README, "Training
  /// points"). A cell the boundary of a disk or polygon cuts is split into
  /// 2 × 2 quarters that grid_quadrature's cut-cell rule integrates (centroid
  /// and area of the part inside), since the Gauss points of a cut cell would
  /// not integrate its part inside. A whole cell with a polygon's re-entrant
  /// corner as a vertex is graded toward it (append_graded_at_reentrant_corner).
  /// `weights` is empty where no cell is cut or graded (intervals, rectangles,
  /// boxes, convex grid-aligned polygons): every point then weighs |Ω|/n.
  GridQuadrature gauss_quadrature(const std::array<int, 3>& cells) const;
  /// Intervals, rectangles and boxes: the same two-point Gauss–Legendre rule
  /// on a grid moved by `fraction[k]` of a cell per direction (0 ≤ fraction < 1)
  /// and cut at the domain's sides, so each direction has cells[k] + 1 cells:
  /// one of width fraction·h at the lower side, cells[k] − 1 whole ones, one
  /// of width (1 − fraction)·h at the upper side. Every cell keeps its two
  /// Gauss points per direction, so the rule stays exact for cubics per
  /// direction wherever the grid stands and its point count does not change
  /// with the fraction (sampling.shift_each_round with method = "gauss").
  /// `weights` is never empty.
  GridQuadrature shifted_gauss_quadrature(const std::array<int, 3>& cells, const std::array<double, 3>& fraction) const;
  /// The cells per direction of the Gauss rule that sample_interior builds
  /// for about n points: half of grid_cells(n) (at least 1); on a polygon
  /// the count within 1/8 of that which puts the most vertices on cell
  /// boundaries, so that fewer cells are cut (lshape's re-entrant edges).
  std::array<int, 3> gauss_cells(int n) const;
  /// n interior points (row-major, dim per point). `grid` uses the cell
  /// midpoints of the grid_cells(n) tensor grid (exactly n in 1D; the disk and
  /// the polygon keep the midpoints of their bounding box's grid that lie
  /// inside); `gauss` the points of gauss_quadrature(gauss_cells(n)); `nodes` the interior nodes of a grid with grid_cells(n) nodes
  /// per direction (one cell more); the others are seeded and reproducible.
  std::vector<double> sample_interior(int n, SamplingMethod method, std::uint64_t seed) const;
  /// n boundary points, evenly spread along the boundary (the two end points
  /// in 1D). Rectangles and polygons: at arc lengths P·(i + ½)/n
  /// counter-clockwise from the lower-left corner (rectangle) or the first
  /// vertex (polygon), P the perimeter; a vertex is among them where one of
  /// these lengths falls on it.
  std::vector<double> sample_boundary(int n) const;

  std::string describe() const;

 private:
  /// Polygon only: the cell count near `cells` along `axis` that puts the
  /// most vertex coordinates on cell boundaries (gauss_cells).
  int cells_aligned_with_vertices(int axis, int cells) const;
  /// φ of physics/polygon.hpp with the re-entrant corners' factors, not yet divided by distance_scale_.
  PolygonDistanceJet polygon_distance_jet(const double* x) const;
  /// Intervals, rectangles, boxes: the product of one factor per direction
  /// that vanishes on the given sides (distance_to_sides).
  DistanceJet product_distance(const double* x, unsigned sides) const;
  /// Disk and polygon: whether the boundary passes through the open box (lo, hi).
  bool boundary_crosses_cell(const double* lo, const double* hi) const;
  /// Disk and polygon: calls visit(i, j, lo, h, cut) for every cell of the
  /// bounding box's grid with `cells` cells per direction (lower corner lo,
  /// widths h; cut: the boundary passes through it); returns whether any is cut.
  using CellVisitor = std::function<void(int i, int j, const double* lo, const double* h, bool cut)>;
  bool visit_cells(const std::array<int, 3>& cells, const CellVisitor& visit) const;
  /// Disk and polygon: appends the centroid and area of the part of the cut
  /// cell [lo, lo + h] inside the domain to `rule` (nothing when none of it
  /// is), both from 16 × 16 sub-cells.
  void append_cut_cell(const double* lo, const double* h, GridQuadrature& rule) const;
  /// Polygon only: when a re-entrant corner is a vertex of the whole cell
  /// [lo, lo + h], appends the cell's Gauss rule graded toward it (quarters
  /// split again toward the corner, 2 × 2 Gauss points in each) and returns
  /// true; otherwise appends nothing and returns false.
  bool append_graded_at_reentrant_corner(const double* lo, const double* h, GridQuadrature& rule) const;
  /// Disk and polygon: the cell [lo, lo + h] of a grid rule: the centroid of its
  /// part inside when it is `cut` (append_cut_cell), otherwise `mid` weighted
  /// by its area when `mid` lies inside (nothing for a whole cell outside).
  void append_cell(const double* lo, const double* h, const double* mid, bool cut, GridQuadrature& rule) const;

  DomainKind kind_ = DomainKind::interval;
  int dim_ = 1;
  std::array<double, 3> lower_{0, 0, 0}, upper_{1, 1, 1};
  std::array<double, 3> center_{0, 0, 0};
  double radius_ = 1;
  std::vector<std::array<double, 2>> vertices_;  ///< polygon only, counter-clockwise
  std::vector<ReentrantCorner> reentrant_corners_;  ///< polygon only
  double distance_scale_ = 1;                    ///< polygon only: the largest φ on the sampling grid
  int time_axis_ = -1;                           ///< space_time only: the coordinate that is time
};

std::string to_string(SamplingMethod method);

}  // namespace pinn
