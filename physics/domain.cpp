/// @file physics/domain.cpp
/// @brief Domains, their distance functions and point sampling.
#include "physics/domain.hpp"

#include "nn/error.hpp"
#include "physics/polygon.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <sstream>
#include <utility>

namespace pinn {

namespace {

/// Extents the engine can compute with: coordinates whose squares and
/// products stay finite, widths whose squares stay normal numbers, and widths
/// that are not lost next to the coordinates in double precision.
constexpr double kMaxCoordinate = 1e100;
constexpr double kMinWidth = 1e-100;
constexpr double kMinRelativeWidth = 1e-9;

/// The two Gauss–Legendre points of a cell lie this fraction of the cell on
/// either side of its middle: ½ ∓ 1/(2√3).
double gauss_offset() { return 0.5 / std::sqrt(3.0); }

std::string allowed_extent() {
  std::ostringstream out;
  out << "need finite min < max with |min|, |max| <= " << kMaxCoordinate << ", max - min >= " << kMinWidth
      << " and max - min >= " << kMinRelativeWidth << " * max(|min|, |max|)";
  return out.str();
}

bool usable_extent(double min, double max) {
  const double scale = std::max(std::abs(min), std::abs(max));
  return std::isfinite(min) && std::isfinite(max) && scale <= kMaxCoordinate && max - min >= kMinWidth &&
         max - min >= kMinRelativeWidth * scale;
}

}  // namespace

Domain Domain::interval(double min, double max) {
  PINN_USER_REQUIRE(usable_extent(min, max),
                    "interval domain: found min = " << min << ", max = " << max << "; " << allowed_extent());
  Domain d;
  d.kind_ = DomainKind::interval;
  d.dim_ = 1;
  d.lower_ = {min, 0, 0};
  d.upper_ = {max, 0, 0};
  return d;
}

Domain Domain::rectangle(std::array<double, 2> min, std::array<double, 2> max) {
  for (int k = 0; k < 2; ++k)
    PINN_USER_REQUIRE(usable_extent(min[k], max[k]), "rectangle domain: coordinate "
                                                         << k << " has min = " << min[k] << ", max = " << max[k]
                                                         << "; " << allowed_extent());
  Domain d;
  d.kind_ = DomainKind::rectangle;
  d.dim_ = 2;
  d.lower_ = {min[0], min[1], 0};
  d.upper_ = {max[0], max[1], 0};
  return d;
}

Domain Domain::space_time(const Domain& omega, double final_time) {
  PINN_ASSERT(omega.kind_ == DomainKind::interval || omega.kind_ == DomainKind::rectangle);
  const auto& lo = omega.lower_;
  const auto& hi = omega.upper_;
  Domain d = omega.dim_ == 1 ? rectangle({lo[0], 0.0}, {hi[0], final_time})
                             : box({lo[0], lo[1], 0.0}, {hi[0], hi[1], final_time});
  return d.with_time_axis(omega.dim_);
}

Domain Domain::with_time_axis(int axis) const {
  PINN_ASSERT(axis < 0 || ((kind_ == DomainKind::rectangle || kind_ == DomainKind::box) && axis == dim_ - 1));
  Domain d = *this;
  d.time_axis_ = axis;
  return d;
}

Domain Domain::box(std::array<double, 3> min, std::array<double, 3> max) {
  for (int k = 0; k < 3; ++k)
    PINN_USER_REQUIRE(usable_extent(min[k], max[k]), "box domain: coordinate "
                                                         << k << " has min = " << min[k] << ", max = " << max[k]
                                                         << "; " << allowed_extent());
  Domain d;
  d.kind_ = DomainKind::box;
  d.dim_ = 3;
  d.lower_ = min;
  d.upper_ = max;
  return d;
}

Domain Domain::disk(std::array<double, 2> center, double radius) {
  PINN_USER_REQUIRE(std::isfinite(radius) && radius > 0.0, "disk domain: found radius " << radius
                                                                                        << "; need radius > 0");
  for (int k = 0; k < 2; ++k)
    PINN_USER_REQUIRE(usable_extent(center[k] - radius, center[k] + radius),
                      "disk domain: found center = (" << center[0] << ", " << center[1] << "), radius = " << radius
                                                      << "; for the disk's bounding box (center -+ radius), "
                                                      << allowed_extent());
  Domain d;
  d.kind_ = DomainKind::disk;
  d.dim_ = 2;
  d.center_ = {center[0], center[1], 0};
  d.radius_ = radius;
  d.lower_ = {center[0] - radius, center[1] - radius, 0};
  d.upper_ = {center[0] + radius, center[1] + radius, 0};
  return d;
}

Domain Domain::polygon(std::vector<std::array<double, 2>> vertices) {
  const std::string defect = polygon_defect(vertices);
  PINN_USER_REQUIRE(defect.empty(), "polygon domain: " << defect);
  Domain d;
  d.kind_ = DomainKind::polygon;
  d.dim_ = 2;
  d.lower_ = {vertices[0][0], vertices[0][1], 0};
  d.upper_ = d.lower_;
  for (const auto& v : vertices)
    for (int k = 0; k < 2; ++k) {
      d.lower_[k] = std::min(d.lower_[k], v[k]);
      d.upper_[k] = std::max(d.upper_[k], v[k]);
    }
  for (int k = 0; k < 2; ++k)
    PINN_USER_REQUIRE(usable_extent(d.lower_[k], d.upper_[k]),
                      "polygon domain: its bounding box has min = " << d.lower_[k] << ", max = " << d.upper_[k]
                                                                    << " in coordinate " << k << "; "
                                                                    << allowed_extent());
  // Counter-clockwise, still starting from the first vertex given.
  if (polygon_signed_area(vertices) < 0.0) std::reverse(vertices.begin() + 1, vertices.end());
  d.vertices_ = std::move(vertices);
  // Solutions grow like r^(π/ω) from a re-entrant corner, not like r (physics/polygon.hpp).
  d.reentrant_corners_ = polygon_reentrant_corners(d.vertices_);
  // φ's size: its largest value on the midpoints of a 64² grid of the bounding
  // box (a sliver that no midpoint hits: on 256 Halton points inside).
  std::vector<double> sample = d.sample_interior(64 * 64, SamplingMethod::grid, 0);
  if (sample.empty()) sample = d.sample_interior(256, SamplingMethod::halton, 0);
  double largest = 0.0;
  for (std::size_t i = 0; i < sample.size(); i += 2)
    largest = std::max(largest, d.polygon_distance_jet(&sample[i]).value);
  PINN_ASSERT(largest > 0.0);
  d.distance_scale_ = largest;
  return d;
}

PolygonDistanceJet Domain::polygon_distance_jet(const double* x) const {
  return with_corner_singularities(polygon_distance(vertices_, x), reentrant_corners_, x);
}

double Domain::measure() const {
  if (kind_ == DomainKind::disk) return M_PI * radius_ * radius_;
  if (kind_ == DomainKind::polygon) return polygon_signed_area(vertices_);
  double m = 1.0;
  for (int k = 0; k < dim_; ++k) m *= upper_[k] - lower_[k];
  return m;
}

double Domain::boundary_measure() const {
  switch (kind_) {
    case DomainKind::interval: return 2.0;  // two points, counting measure
    case DomainKind::rectangle: return 2.0 * ((upper_[0] - lower_[0]) + (upper_[1] - lower_[1]));
    case DomainKind::box: {
      const double a = upper_[0] - lower_[0], b = upper_[1] - lower_[1], c = upper_[2] - lower_[2];
      return 2.0 * (a * b + b * c + a * c);
    }
    case DomainKind::disk: return 2.0 * M_PI * radius_;
    case DomainKind::polygon: return polygon_perimeter(vertices_);
  }
  return 0.0;
}

bool Domain::contains(const double* x) const {
  if (kind_ == DomainKind::disk) {
    const double dx = x[0] - center_[0], dy = x[1] - center_[1];
    return dx * dx + dy * dy <= radius_ * radius_;
  }
  if (kind_ == DomainKind::polygon) {
    // Points computed on an edge (boundary samples, grid nodes) count as inside.
    double size = 0.0;
    for (int k = 0; k < 2; ++k)
      size = std::max({size, upper_[k] - lower_[k], std::abs(lower_[k]), std::abs(upper_[k])});
    return polygon_contains(vertices_, x, 1e-12 * size);
  }
  for (int k = 0; k < dim_; ++k)
    if (x[k] < lower_[k] || x[k] > upper_[k]) return false;
  return true;
}

DistanceJet Domain::distance(const double* x) const {
  DistanceJet d;
  if (kind_ == DomainKind::disk) {
    const double r2 = radius_ * radius_;
    double s = 0.0;
    for (int k = 0; k < 2; ++k) {
      const double dx = x[k] - center_[k];
      s += dx * dx;
      d.grad[k] = -2.0 * dx / r2;
    }
    d.value = (r2 - s) / r2;
    d.laplacian = -4.0 / r2;
    return d;
  }
  if (kind_ == DomainKind::polygon) {
    const PolygonDistanceJet phi = polygon_distance_jet(x);
    d.value = phi.value / distance_scale_;
    d.grad = {phi.grad[0] / distance_scale_, phi.grad[1] / distance_scale_, 0.0};
    d.laplacian = phi.laplacian / distance_scale_;
    return d;
  }
  return product_distance(x, (1u << (2 * dim_)) - 1u);
}

DistanceJet Domain::distance_to_sides(const double* x, unsigned sides) const {
  const unsigned all = (1u << (2 * dim_)) - 1u;
  if (sides == 0) {  // no Dirichlet side: nothing to vanish on
    DistanceJet one;
    one.value = 1.0;
    return one;
  }
  if (!is_box() || (sides & all) == all) return distance(x);
  return product_distance(x, sides);
}

DistanceJet Domain::product_distance(const double* x, unsigned sides) const {
  // Per direction φ_k = 4(x−a)(b−x)/(b−a)² where both sides vanish, the
  // linear (x−a)/(b−a) or (b−x)/(b−a) where one does, 1 where none does.
  double phi[3], dphi[3], ddphi[3];
  for (int k = 0; k < dim_; ++k) {
    const double a = lower_[k], b = upper_[k];
    const bool low = sides & (1u << (2 * k)), high = sides & (1u << (2 * k + 1));
    if (low && high) {
      const double scale = 4.0 / ((b - a) * (b - a));
      phi[k] = scale * (x[k] - a) * (b - x[k]);
      dphi[k] = scale * (a + b - 2.0 * x[k]);
      ddphi[k] = -2.0 * scale;
    } else {
      phi[k] = low ? (x[k] - a) / (b - a) : high ? (b - x[k]) / (b - a) : 1.0;
      dphi[k] = low ? 1.0 / (b - a) : high ? -1.0 / (b - a) : 0.0;
      ddphi[k] = 0.0;
    }
  }
  DistanceJet d;
  d.value = 1.0;
  for (int k = 0; k < dim_; ++k) d.value *= phi[k];
  for (int k = 0; k < dim_; ++k) {
    double others = 1.0;
    for (int m = 0; m < dim_; ++m)
      if (m != k) others *= phi[m];
    d.grad[k] = dphi[k] * others;
    d.laplacian += ddphi[k] * others;
  }
  return d;
}

namespace {

double radical_inverse(std::uint64_t index, int base) {
  double result = 0.0, f = 1.0 / base;
  while (index > 0) {
    result += f * static_cast<double>(index % base);
    index /= base;
    f /= base;
  }
  return result;
}

/// Sobol points for the first three dimensions (direction numbers from the
/// primitive polynomials 1, x+1, x²+x+1), skipping the origin.
double sobol(std::uint64_t index, int dim) {
  static const int degree[3] = {0, 1, 2};
  static const int coeff[3] = {0, 0, 1};
  static const unsigned initial[3][2] = {{1, 1}, {1, 1}, {1, 3}};
  unsigned v[32];
  for (int k = 0; k < 32; ++k) {
    if (dim == 0) {
      v[k] = 1u << (31 - k);
      continue;
    }
    const int s = degree[dim];
    if (k < s) {
      v[k] = initial[dim][k] << (31 - k);
    } else {
      unsigned value = v[k - s] ^ (v[k - s] >> s);
      for (int j = 1; j < s; ++j) value ^= ((coeff[dim] >> (s - 1 - j)) & 1u) * v[k - j];
      v[k] = value;
    }
  }
  unsigned x = 0;
  const std::uint64_t gray = index ^ (index >> 1);
  for (int k = 0; k < 32; ++k)
    if ((gray >> k) & 1u) x ^= v[k];
  return static_cast<double>(x) / 4294967296.0;
}

}  // namespace

std::array<int, 3> Domain::grid_cells(int n) const {
  // Each direction's extent over their geometric mean (a time axis counts as
  // that mean of the spatial ones): 1 for every direction of a square. Its
  // square root splits the difference between equal counts (cells as
  // elongated as the domain) and square cells (few across a narrow strip):
  // measured on elongated problems, README "Training points".
  std::array<double, 3> extent{1, 1, 1};
  double log_mean = 0.0;
  int spatial = 0;
  for (int k = 0; k < dim_; ++k)
    if (k != time_axis_) {
      extent[k] = upper_[k] - lower_[k];
      log_mean += std::log(extent[k]);
      ++spatial;
    }
  log_mean /= spatial;
  if (time_axis_ >= 0) extent[time_axis_] = std::exp(log_mean);
  const double per_direction = std::pow(static_cast<double>(n), 1.0 / dim_);
  std::array<int, 3> cells{1, 1, 1};
  const bool square = std::all_of(extent.begin(), extent.begin() + dim_, [&](double e) { return e == extent[0]; });
  for (int k = 0; k < dim_; ++k) {
    const double ratio = square ? 1.0 : std::sqrt(extent[k] / std::exp(log_mean));
    cells[k] = std::max(1, static_cast<int>(std::lround(per_direction * ratio)));
  }
  return cells;
}

std::vector<double> Domain::grid_points(const std::array<int, 3>& cells, SamplingMethod method) const {
  PINN_ASSERT(method == SamplingMethod::grid || method == SamplingMethod::nodes);
  const int offset = method == SamplingMethod::grid ? 0 : 1;
  std::array<int, 3> count{1, 1, 1};
  for (int k = 0; k < dim_; ++k) count[k] = std::max(0, cells[k] - offset);
  std::vector<double> points;
  points.reserve(static_cast<std::size_t>(count[0]) * count[1] * count[2] * dim_);
  for (int i2 = 0; i2 < count[2]; ++i2)
    for (int i1 = 0; i1 < count[1]; ++i1)
      for (int i0 = 0; i0 < count[0]; ++i0) {
        const int index[3] = {i0, i1, i2};
        double x[3] = {0.0, 0.0, 0.0};
        for (int k = 0; k < dim_; ++k) {
          // midpoints of cells[k] cells, or their cells[k] − 1 interior nodes
          const double unit = method == SamplingMethod::grid ? (index[k] + 0.5) / cells[k]
                                                             : (index[k] + 1.0) / cells[k];
          x[k] = lower_[k] + (upper_[k] - lower_[k]) * unit;
        }
        if (!contains(x)) continue;
        for (int k = 0; k < dim_; ++k) points.push_back(x[k]);
      }
  return points;
}

bool Domain::boundary_crosses_cell(const double* lo, const double* hi) const {
  const double shrink = 1e-12 * std::max(hi[0] - lo[0], hi[1] - lo[1]);
  const double a[2] = {lo[0] + shrink, lo[1] + shrink}, b[2] = {hi[0] - shrink, hi[1] - shrink};
  if (kind_ == DomainKind::disk) {
    // Nearest and farthest points of the cell from the centre.
    double near = 0.0, far = 0.0;
    for (int k = 0; k < 2; ++k) {
      const double c = center_[k];
      const double dn = c < a[k] ? a[k] - c : (c > b[k] ? c - b[k] : 0.0);
      const double df = std::max(std::abs(c - a[k]), std::abs(c - b[k]));
      near += dn * dn;
      far += df * df;
    }
    return near < radius_ * radius_ && far > radius_ * radius_;
  }
  PINN_ASSERT(kind_ == DomainKind::polygon);
  // An edge crosses the open cell when its clipped part (Liang–Barsky) is not empty.
  const std::size_t count = vertices_.size();
  for (std::size_t e = 0; e < count; ++e) {
    const auto& p = vertices_[e];
    const auto& q = vertices_[(e + 1) % count];
    double t0 = 0.0, t1 = 1.0;
    bool outside = false;
    for (int k = 0; k < 2 && !outside; ++k) {
      const double d = q[k] - p[k];
      if (d == 0.0) {
        outside = p[k] <= a[k] || p[k] >= b[k];
        continue;
      }
      double ta = (a[k] - p[k]) / d, tb = (b[k] - p[k]) / d;
      if (ta > tb) std::swap(ta, tb);
      t0 = std::max(t0, ta);
      t1 = std::min(t1, tb);
      outside = t0 >= t1;
    }
    if (!outside) return true;
  }
  return false;
}

void Domain::append_cut_cell(const double* lo, const double* h, GridQuadrature& rule) const {
  constexpr int kSub = 16;
  std::vector<double> inside;
  double sum[2] = {0.0, 0.0};
  for (int b = 0; b < kSub; ++b)
    for (int a = 0; a < kSub; ++a) {
      const double x[2] = {lo[0] + h[0] * (a + 0.5) / kSub, lo[1] + h[1] * (b + 0.5) / kSub};
      if (!contains(x)) continue;
      inside.insert(inside.end(), {x[0], x[1]});
      sum[0] += x[0];
      sum[1] += x[1];
    }
  const int n = static_cast<int>(inside.size()) / 2;
  if (n == 0) return;
  double centroid[2] = {sum[0] / n, sum[1] / n};
  if (!contains(centroid)) {
    std::size_t best = 0;
    double best_distance = std::numeric_limits<double>::infinity();
    for (std::size_t s = 0; s < inside.size(); s += 2) {
      const double d = std::hypot(inside[s] - centroid[0], inside[s + 1] - centroid[1]);
      if (d < best_distance) best_distance = d, best = s;
    }
    centroid[0] = inside[best];
    centroid[1] = inside[best + 1];
  }
  rule.points.insert(rule.points.end(), {centroid[0], centroid[1]});
  rule.weights.push_back(h[0] * h[1] * n / (kSub * kSub));
}

void Domain::append_cell(const double* lo, const double* h, const double* mid, bool cut, GridQuadrature& rule) const {
  if (cut) {
    append_cut_cell(lo, h, rule);
    return;
  }
  if (!contains(mid)) return;  // a whole cell outside
  rule.points.insert(rule.points.end(), {mid[0], mid[1]});
  rule.weights.push_back(h[0] * h[1]);
}

Domain::GridQuadrature Domain::grid_quadrature(const std::array<int, 3>& cells) const {
  GridQuadrature rule;
  if (is_box()) {
    rule.points = grid_points(cells, SamplingMethod::grid);
    return rule;
  }
  const bool any_cut = visit_cells(cells, [&](int i, int j, const double* lo, const double* h, bool cut) {
    // The midpoint as grid_points computes it, so whole cells keep their points bitwise.
    const double mid[2] = {lower_[0] + (upper_[0] - lower_[0]) * ((i + 0.5) / cells[0]),
                           lower_[1] + (upper_[1] - lower_[1]) * ((j + 0.5) / cells[1])};
    append_cell(lo, h, mid, cut, rule);
  });
  if (!any_cut) rule.weights.clear();
  return rule;
}

bool Domain::visit_cells(const std::array<int, 3>& cells, const CellVisitor& visit) const {
  const double h[2] = {(upper_[0] - lower_[0]) / cells[0], (upper_[1] - lower_[1]) / cells[1]};
  bool any_cut = false;
  for (int j = 0; j < cells[1]; ++j)
    for (int i = 0; i < cells[0]; ++i) {
      const double lo[2] = {lower_[0] + h[0] * i, lower_[1] + h[1] * j};
      const double hi[2] = {lower_[0] + h[0] * (i + 1), lower_[1] + h[1] * (j + 1)};
      const bool cut = boundary_crosses_cell(lo, hi);
      any_cut = any_cut || cut;
      visit(i, j, lo, h, cut);
    }
  return any_cut;
}

std::array<int, 3> Domain::gauss_cells(int n) const {
  std::array<int, 3> cells = grid_cells(n);
  for (int k = 0; k < dim_; ++k) cells[k] = std::max(1, static_cast<int>(std::lround(cells[k] / 2.0)));
  if (kind_ == DomainKind::polygon)
    for (int k = 0; k < dim_; ++k) cells[k] = cells_aligned_with_vertices(k, cells[k]);
  return cells;
}

int Domain::cells_aligned_with_vertices(int axis, int cells) const {
  // An edge through the middle of a row of cells leaves there the cut-cell
  // rule's one point per quarter, and the Gauss–Newton steps bent the network
  // along lshape's re-entrant edges between those points: with 79 cells per
  // direction the discrete energy fell to −8.7 against −6.71, with 80 it
  // stayed at −6.71; on [20, 20] 91 cells gave 2.8e-3, 88 cells 1.6e-3
  // (BENCHMARKS.md §26).
  // So: the count within 1/8 of `cells` that puts the most vertex coordinates
  // on cell boundaries, the nearest to `cells` among them (the smaller on a tie).
  const double extent = upper_[axis] - lower_[axis];
  const auto aligned = [&](int count) {
    int on_boundaries = 0;
    for (const auto& v : vertices_) {
      const double position = (v[axis] - lower_[axis]) / extent * count;
      on_boundaries += std::abs(position - std::round(position)) < 1e-9 * count;
    }
    return on_boundaries;
  };
  const int spread = cells / 8;
  int best = cells, best_aligned = aligned(cells);
  for (int offset = 1; offset <= spread; ++offset)
    for (const int count : {cells - offset, cells + offset}) {
      if (count < 1) continue;
      const int a = aligned(count);
      if (a > best_aligned) best = count, best_aligned = a;
    }
  return best;
}

Domain::GridQuadrature Domain::gauss_quadrature(const std::array<int, 3>& cells) const {
  // The two Gauss–Legendre points of each cell, as fractions of the bounding
  // box per direction: (i + ½ ∓ 1/(2√3)) / cells.
  const double offset = gauss_offset();
  std::array<std::vector<double>, 3> coordinate;
  for (int k = 0; k < 3; ++k) {
    if (k >= dim_) {
      coordinate[k] = {0.0};
      continue;
    }
    for (int i = 0; i < cells[k]; ++i)
      for (const double t : {0.5 - offset, 0.5 + offset})
        coordinate[k].push_back(lower_[k] + (upper_[k] - lower_[k]) * ((i + t) / cells[k]));
  }
  GridQuadrature rule;
  if (is_box()) {
    for (const double z : coordinate[2])
      for (const double y : coordinate[1])
        for (const double x : coordinate[0]) {
          const double point[3] = {x, y, z};
          rule.points.insert(rule.points.end(), point, point + dim_);
        }
    return rule;
  }
  bool graded = false;
  const bool any_cut = visit_cells(cells, [&](int i, int j, const double* lo, const double* h, bool cut) {
    if (cut) {
      // Its quarters, each whole (midpoint) or cut (centroid of the part inside).
      const double quarter[2] = {0.5 * h[0], 0.5 * h[1]};
      for (int b = 0; b < 2; ++b)
        for (int a = 0; a < 2; ++a) {
          const double qlo[2] = {lo[0] + quarter[0] * a, lo[1] + quarter[1] * b};
          const double qhi[2] = {qlo[0] + quarter[0], qlo[1] + quarter[1]};
          const double mid[2] = {0.5 * (qlo[0] + qhi[0]), 0.5 * (qlo[1] + qhi[1])};
          append_cell(qlo, quarter, mid, boundary_crosses_cell(qlo, qhi), rule);
        }
      return;
    }
    const double mid[2] = {lo[0] + 0.5 * h[0], lo[1] + 0.5 * h[1]};
    if (!contains(mid)) return;  // a whole cell outside
    if (append_graded_at_reentrant_corner(lo, h, rule)) {
      graded = true;
      return;
    }
    for (int b = 0; b < 2; ++b)
      for (int a = 0; a < 2; ++a) {
        rule.points.insert(rule.points.end(), {coordinate[0][2 * i + a], coordinate[1][2 * j + b]});
        rule.weights.push_back(0.25 * h[0] * h[1]);
      }
  });
  if (!any_cut && !graded) rule.weights.clear();
  return rule;
}

bool Domain::append_graded_at_reentrant_corner(const double* lo, const double* h, GridQuadrature& rule) const {
  // Where a re-entrant corner is one of the cell's vertices: the side of the
  // cell it lies on per direction (0 lower, 1 upper).
  int side[2] = {-1, -1};
  for (const ReentrantCorner& corner : reentrant_corners_) {
    for (int k = 0; k < 2; ++k) {
      side[k] = -1;
      for (int s = 0; s < 2; ++s)
        if (std::abs(lo[k] + s * h[k] - corner.vertex[k]) <= kMinRelativeWidth * h[k]) side[k] = s;
    }
    if (side[0] >= 0 && side[1] >= 0) break;
  }
  if (side[0] < 0 || side[1] < 0) return false;
  // The energy density grows like r^(2π/ω − 2) there, which the cell's four
  // Gauss points under-integrate; the Gauss–Newton steps exploited it on
  // lshape (its training energy fell to −7.49 against −6.71; BENCHMARKS.md
  // §27). So the cell is split into quarters kCornerLevels times toward the
  // corner, each quarter away from it (and the last one at it) with its own
  // 2 × 2 Gauss points: the part left to the last quarter is 4^−kCornerLevels
  // of the cell's area.
  constexpr int kCornerLevels = 8;
  const double offset = gauss_offset();
  double sub_lo[2] = {lo[0], lo[1]}, sub_h[2] = {h[0], h[1]};
  for (int level = 0; level <= kCornerLevels; ++level) {
    const double quarter[2] = {0.5 * sub_h[0], 0.5 * sub_h[1]};
    for (int b = 0; b < 2; ++b)
      for (int a = 0; a < 2; ++a) {
        if (level < kCornerLevels && a == side[0] && b == side[1]) continue;  // split further
        for (int gb = 0; gb < 2; ++gb)
          for (int ga = 0; ga < 2; ++ga) {
            const double t[2] = {ga == 0 ? 0.5 - offset : 0.5 + offset, gb == 0 ? 0.5 - offset : 0.5 + offset};
            rule.points.insert(rule.points.end(),
                               {sub_lo[0] + quarter[0] * (a + t[0]), sub_lo[1] + quarter[1] * (b + t[1])});
            rule.weights.push_back(0.25 * quarter[0] * quarter[1]);
          }
      }
    sub_lo[0] += quarter[0] * side[0];
    sub_lo[1] += quarter[1] * side[1];
    sub_h[0] = quarter[0];
    sub_h[1] = quarter[1];
  }
  return true;
}

Domain::GridQuadrature Domain::shifted_gauss_quadrature(const std::array<int, 3>& cells,
                                                         const std::array<double, 3>& fraction) const {
  PINN_REQUIRE(is_box(), "a shifted Gauss grid needs an interval, rectangle or box");
  const double offset = gauss_offset();
  std::array<std::vector<double>, 3> coordinate, weight;
  for (int k = 0; k < 3; ++k) {
    if (k >= dim_) {
      coordinate[k] = {0.0};
      weight[k] = {1.0};
      continue;
    }
    PINN_REQUIRE(fraction[k] >= 0.0 && fraction[k] < 1.0, "grid shift fraction " << fraction[k] << " outside [0, 1)");
    const double h = (upper_[k] - lower_[k]) / cells[k];
    double a = lower_[k];
    for (int i = 0; i <= cells[k]; ++i) {
      const double b = i == cells[k] ? upper_[k] : lower_[k] + (fraction[k] + i) * h;
      for (const double t : {0.5 - offset, 0.5 + offset}) {
        coordinate[k].push_back(a + (b - a) * t);
        weight[k].push_back(0.5 * (b - a));
      }
      a = b;
    }
  }
  GridQuadrature rule;
  for (std::size_t c = 0; c < coordinate[2].size(); ++c)
    for (std::size_t b = 0; b < coordinate[1].size(); ++b)
      for (std::size_t a = 0; a < coordinate[0].size(); ++a) {
        const double point[3] = {coordinate[0][a], coordinate[1][b], coordinate[2][c]};
        rule.points.insert(rule.points.end(), point, point + dim_);
        rule.weights.push_back(weight[0][a] * weight[1][b] * weight[2][c]);
      }
  return rule;
}

std::vector<double> Domain::sample_interior(int n, SamplingMethod method, std::uint64_t seed) const {
  PINN_USER_REQUIRE(n >= 1, "sampling.interior: found " << n << "; need at least 1 point");
  if (method == SamplingMethod::grid) return grid_points(grid_cells(n), method);
  if (method == SamplingMethod::gauss) return gauss_quadrature(gauss_cells(n)).points;
  if (method == SamplingMethod::nodes) {
    std::array<int, 3> cells = grid_cells(n);
    for (int k = 0; k < dim_; ++k) ++cells[k];
    return grid_points(cells, method);
  }
  std::vector<double> points;
  points.reserve(static_cast<std::size_t>(n) * dim_);
  auto push_scaled = [&](const double* unit) {
    double x[3] = {0.0, 0.0, 0.0};
    for (int k = 0; k < dim_; ++k) x[k] = lower_[k] + (upper_[k] - lower_[k]) * unit[k];
    if (!contains(x)) return false;
    for (int k = 0; k < dim_; ++k) points.push_back(x[k]);
    return true;
  };
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  const std::uint64_t offset = method == SamplingMethod::random ? 0 : (seed % 1024);
  static const int primes[3] = {2, 3, 5};
  int produced = 0;
  for (std::uint64_t index = 1; produced < n; ++index) {
    double unit[3];
    for (int k = 0; k < dim_; ++k) {
      switch (method) {
        case SamplingMethod::random: unit[k] = uniform(rng); break;
        case SamplingMethod::halton: unit[k] = radical_inverse(index + offset, primes[k]); break;
        default: unit[k] = sobol(index + offset, k); break;
      }
    }
    if (push_scaled(unit)) ++produced;
  }
  return points;
}

std::vector<double> Domain::sample_boundary(int n) const {
  std::vector<double> points;
  switch (kind_) {
    case DomainKind::interval:
      points = {lower_[0], upper_[0]};
      break;
    case DomainKind::disk:
      for (int i = 0; i < n; ++i) {
        const double theta = 2.0 * M_PI * (i + 0.5) / n;
        points.push_back(center_[0] + radius_ * std::cos(theta));
        points.push_back(center_[1] + radius_ * std::sin(theta));
      }
      break;
    case DomainKind::rectangle: {
      const double a = upper_[0] - lower_[0], b = upper_[1] - lower_[1], perimeter = 2 * (a + b);
      for (int i = 0; i < n; ++i) {
        double s = perimeter * (i + 0.5) / n;
        double x, y;
        if (s < a) {
          x = lower_[0] + s, y = lower_[1];
        } else if ((s -= a) < b) {
          x = upper_[0], y = lower_[1] + s;
        } else if ((s -= b) < a) {
          x = upper_[0] - s, y = upper_[1];
        } else {
          s -= a;
          x = lower_[0], y = upper_[1] - s;
        }
        points.push_back(x);
        points.push_back(y);
      }
      break;
    }
    case DomainKind::polygon: {
      const double perimeter = polygon_perimeter(vertices_);
      std::size_t edge = 0;
      double edge_start = 0.0;  // arc length at the start of `edge`
      for (int i = 0; i < n; ++i) {
        const double s = perimeter * (i + 0.5) / n;
        const auto length = [&](std::size_t k) {
          const auto& a = vertices_[k];
          const auto& b = vertices_[(k + 1) % vertices_.size()];
          return std::hypot(b[0] - a[0], b[1] - a[1]);
        };
        while (edge + 1 < vertices_.size() && s > edge_start + length(edge)) edge_start += length(edge++);
        const auto& a = vertices_[edge];
        const auto& b = vertices_[(edge + 1) % vertices_.size()];
        const double fraction = std::min(1.0, (s - edge_start) / length(edge));
        points.push_back(a[0] + fraction * (b[0] - a[0]));
        points.push_back(a[1] + fraction * (b[1] - a[1]));
      }
      break;
    }
    case DomainKind::box: {
      // Each face gets points in proportion to its area, on a midpoint grid.
      const double total = boundary_measure();
      for (int axis = 0; axis < 3; ++axis) {
        const int u = (axis + 1) % 3, v = (axis + 2) % 3;
        const double area = (upper_[u] - lower_[u]) * (upper_[v] - lower_[v]);
        const int per_face = std::max(1, static_cast<int>(std::lround(n * area / total)));
        const int m = std::max(1, static_cast<int>(std::lround(std::sqrt(static_cast<double>(per_face)))));
        for (int side = 0; side < 2; ++side)
          for (int i = 0; i < m; ++i)
            for (int j = 0; j < m; ++j) {
              double x[3];
              x[axis] = side ? upper_[axis] : lower_[axis];
              x[u] = lower_[u] + (upper_[u] - lower_[u]) * (i + 0.5) / m;
              x[v] = lower_[v] + (upper_[v] - lower_[v]) * (j + 0.5) / m;
              points.insert(points.end(), x, x + 3);
            }
      }
      break;
    }
  }
  return points;
}

std::string Domain::describe() const {
  std::ostringstream out;
  switch (kind_) {
    case DomainKind::interval: out << "interval (" << lower_[0] << ", " << upper_[0] << ")"; break;
    case DomainKind::rectangle:
      out << "rectangle (" << lower_[0] << ", " << upper_[0] << ") x (" << lower_[1] << ", " << upper_[1] << ")";
      break;
    case DomainKind::box:
      out << "box (" << lower_[0] << ", " << upper_[0] << ") x (" << lower_[1] << ", " << upper_[1] << ") x ("
          << lower_[2] << ", " << upper_[2] << ")";
      break;
    case DomainKind::disk:
      out << "disk centre (" << center_[0] << ", " << center_[1] << ") radius " << radius_;
      break;
    case DomainKind::polygon:
      out << "polygon";
      for (std::size_t k = 0; k < vertices_.size(); ++k)
        out << (k ? ", (" : " (") << vertices_[k][0] << ", " << vertices_[k][1] << ")";
      break;
  }
  return out.str();
}

std::string to_string(SamplingMethod method) { return name_in(kSamplingMethodNames, method); }

}  // namespace pinn
