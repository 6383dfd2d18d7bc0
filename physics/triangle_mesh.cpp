/// @file physics/triangle_mesh.cpp
/// @brief Ear clipping, Delaunay flips, the disk's fan, red refinement and point location.
#include "physics/triangle_mesh.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <sstream>
#include <stdexcept>
#include <unordered_map>
#include <utility>

namespace pinn {

namespace {

double cross(const Point2& o, const Point2& a, const Point2& b) {
  return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

/// The angle at vertex o of the triangle (a, o, b), in [0, π].
double angle_at(const Point2& a, const Point2& o, const Point2& b) {
  const double ax = a[0] - o[0], ay = a[1] - o[1], bx = b[0] - o[0], by = b[1] - o[1];
  return std::atan2(std::abs(ax * by - ay * bx), ax * bx + ay * by);
}

double smallest_angle(const Point2& a, const Point2& b, const Point2& c) {
  return std::min({angle_at(c, a, b), angle_at(a, b, c), angle_at(b, c, a)});
}

/// Whether p lies in the closed triangle (a, b, c), counter-clockwise.
bool in_closed_triangle(const Point2& a, const Point2& b, const Point2& c, const Point2& p) {
  return cross(a, b, p) >= 0.0 && cross(b, c, p) >= 0.0 && cross(c, a, p) >= 0.0;
}

std::uint64_t edge_key(int a, int b) {
  const auto lo = static_cast<std::uint64_t>(std::min(a, b)), hi = static_cast<std::uint64_t>(std::max(a, b));
  return (lo << 32) | hi;
}

/// Lawson's flips until every interior edge is locally Delaunay: for the
/// triangles (a, b, c) and (b, a, d) on edge ab, flip to cd where the angles
/// at c and d sum to more than π. Each flip raises the sorted angle vector,
/// so the loop ends; cocircular quadrilaterals (sum = π) are left alone.
void make_delaunay(TriangleMesh& mesh) {
  const double pi = std::acos(-1.0);
  const auto& p = mesh.nodes;
  for (bool flipped = true; flipped;) {
    flipped = false;
    std::map<std::uint64_t, std::vector<std::pair<int, int>>> edges;  // edge → (triangle, local edge)
    for (int t = 0; t < mesh.n_triangles(); ++t)
      for (int k = 0; k < 3; ++k) edges[edge_key(mesh.triangles[t][k], mesh.triangles[t][(k + 1) % 3])].push_back({t, k});
    for (const auto& [key, sides] : edges) {
      if (sides.size() != 2) continue;
      auto& t1 = mesh.triangles[sides[0].first];
      auto& t2 = mesh.triangles[sides[1].first];
      const int k1 = sides[0].second, k2 = sides[1].second;
      const int a = t1[k1], b = t1[(k1 + 1) % 3], c = t1[(k1 + 2) % 3], d = t2[(k2 + 2) % 3];
      if (angle_at(p[a], p[c], p[b]) + angle_at(p[a], p[d], p[b]) <= pi * (1.0 + 1e-12)) continue;
      if (!(cross(p[a], p[d], p[c]) > 0.0 && cross(p[d], p[b], p[c]) > 0.0)) continue;
      t1 = {a, d, c};
      t2 = {d, b, c};
      flipped = true;
      break;  // the edge map is stale now
    }
  }
}

void mark_boundary_nodes(TriangleMesh& mesh) {
  mesh.boundary_node.assign(mesh.nodes.size(), 0);
  for (const auto& e : mesh.boundary_edges) mesh.boundary_node[e[0]] = mesh.boundary_node[e[1]] = 1;
}

}  // namespace

double TriangleMesh::twice_area(int t) const {
  const auto& tri = triangles[static_cast<std::size_t>(t)];
  return cross(nodes[tri[0]], nodes[tri[1]], nodes[tri[2]]);
}

TriangleMesh triangulate_polygon(const std::vector<Point2>& vertices) {
  TriangleMesh mesh;
  mesh.nodes = vertices;
  const int n = static_cast<int>(vertices.size());
  std::vector<int> remaining(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) remaining[i] = i;
  while (remaining.size() > 3) {
    const int m = static_cast<int>(remaining.size());
    int best = -1;
    double best_angle = -1.0;
    for (int i = 0; i < m; ++i) {
      const int a = remaining[(i + m - 1) % m], b = remaining[i], c = remaining[(i + 1) % m];
      if (!(cross(vertices[a], vertices[b], vertices[c]) > 0.0)) continue;  // reflex or straight
      bool empty = true;
      for (int j = 0; j < m && empty; ++j) {
        const int v = remaining[j];
        if (v != a && v != b && v != c && in_closed_triangle(vertices[a], vertices[b], vertices[c], vertices[v]))
          empty = false;
      }
      if (!empty) continue;
      const double angle = smallest_angle(vertices[a], vertices[b], vertices[c]);
      if (angle > best_angle) best_angle = angle, best = i;
    }
    if (best < 0) {
      std::ostringstream msg;
      msg << "triangulate_polygon: no ear among the " << m << " remaining vertices; the polygon is not simple";
      throw std::invalid_argument(msg.str());
    }
    mesh.triangles.push_back({remaining[(best + m - 1) % m], remaining[best], remaining[(best + 1) % m]});
    remaining.erase(remaining.begin() + best);
  }
  if (!(cross(vertices[remaining[0]], vertices[remaining[1]], vertices[remaining[2]]) > 0.0))
    throw std::invalid_argument("triangulate_polygon: the last triangle is degenerate; the polygon is not simple");
  mesh.triangles.push_back({remaining[0], remaining[1], remaining[2]});
  make_delaunay(mesh);
  for (int i = 0; i < n; ++i) mesh.boundary_edges.push_back({i, (i + 1) % n});
  mark_boundary_nodes(mesh);
  mesh.n_parent_nodes = n;
  return mesh;
}

std::string circle_defect(const Circle& circle) {
  if (std::isfinite(circle.radius) && circle.radius > 0.0 && std::isfinite(circle.center[0]) &&
      std::isfinite(circle.center[1]))
    return "";
  std::ostringstream msg;
  msg.precision(12);
  msg << "centre (" << circle.center[0] << ", " << circle.center[1] << "), radius " << circle.radius
      << "; need a finite centre and a finite radius > 0";
  return msg.str();
}

TriangleMesh triangulate_disk(const Circle& circle) {
  const std::string defect = circle_defect(circle);
  if (!defect.empty()) throw std::invalid_argument("triangulate_disk: " + defect);
  const int n = kDiskCoarseBoundaryNodes;
  const double pi = std::acos(-1.0);
  TriangleMesh mesh;
  mesh.nodes.push_back(circle.center);
  for (int k = 0; k < n; ++k) {
    const double angle = 2.0 * pi * k / n;
    mesh.nodes.push_back(
        {circle.center[0] + circle.radius * std::cos(angle), circle.center[1] + circle.radius * std::sin(angle)});
  }
  for (int k = 0; k < n; ++k) {
    const int a = 1 + k, b = 1 + (k + 1) % n;
    mesh.triangles.push_back({0, a, b});
    mesh.boundary_edges.push_back({a, b});
  }
  mark_boundary_nodes(mesh);
  mesh.n_parent_nodes = mesh.n_nodes();
  return mesh;
}

void grade_toward_corners(TriangleMesh& mesh, const std::vector<ReentrantCorner>& corners) {
  for (const ReentrantCorner& corner : corners) {
    const double rho = corner.wedge_radius, power = 1.0 / corner.exponent - 1.0;
    for (Point2& p : mesh.nodes) {
      const double dx = p[0] - corner.vertex[0], dy = p[1] - corner.vertex[1];
      const double r = std::hypot(dx, dy);
      if (r >= rho || r == 0.0) continue;
      const double scale = std::pow(r / rho, power);
      p = {corner.vertex[0] + scale * dx, corner.vertex[1] + scale * dy};
    }
  }
}

double chord_gap(const TriangleMesh& mesh, const Circle& circle) {
  const double pi = std::acos(-1.0);
  return circle.radius *
         (1.0 - std::cos(pi / static_cast<double>(std::max<std::size_t>(mesh.boundary_edges.size(), 3))));
}

TriangleMesh refine(const TriangleMesh& mesh, const Circle* circle) {
  TriangleMesh fine;
  fine.nodes = mesh.nodes;
  fine.n_parent_nodes = mesh.n_nodes();
  std::unordered_map<std::uint64_t, int> midpoint;
  midpoint.reserve(static_cast<std::size_t>(mesh.n_triangles()) * 2);
  const auto midpoint_of = [&](int a, int b) {
    const auto [it, added] = midpoint.try_emplace(edge_key(a, b), fine.n_nodes());
    if (added) {
      const Point2& p = mesh.nodes[a];
      const Point2& q = mesh.nodes[b];
      fine.nodes.push_back({0.5 * (p[0] + q[0]), 0.5 * (p[1] + q[1])});
      fine.parents.push_back({a, b});
    }
    return it->second;
  };
  fine.triangles.reserve(static_cast<std::size_t>(mesh.n_triangles()) * 4);
  for (const auto& t : mesh.triangles) {
    const int ab = midpoint_of(t[0], t[1]), bc = midpoint_of(t[1], t[2]), ca = midpoint_of(t[2], t[0]);
    fine.triangles.push_back({t[0], ab, ca});
    fine.triangles.push_back({ab, t[1], bc});
    fine.triangles.push_back({ca, bc, t[2]});
    fine.triangles.push_back({ab, bc, ca});
  }
  fine.boundary_edges.reserve(mesh.boundary_edges.size() * 2);
  for (const auto& e : mesh.boundary_edges) {
    const int mid = midpoint.at(edge_key(e[0], e[1]));
    if (circle) {
      Point2& p = fine.nodes[static_cast<std::size_t>(mid)];
      const double dx = p[0] - circle->center[0], dy = p[1] - circle->center[1];
      const double scale = circle->radius / std::hypot(dx, dy);
      p = {circle->center[0] + scale * dx, circle->center[1] + scale * dy};
    }
    fine.boundary_edges.push_back({e[0], mid});
    fine.boundary_edges.push_back({mid, e[1]});
  }
  mark_boundary_nodes(fine);
  return fine;
}

TriangleLocator::TriangleLocator(const TriangleMesh& mesh) {
  Point2 lo{std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity()};
  Point2 hi{-lo[0], -lo[1]};
  for (const Point2& p : mesh.nodes)
    for (int k = 0; k < 2; ++k) lo[k] = std::min(lo[k], p[k]), hi[k] = std::max(hi[k], p[k]);
  size_ = std::max(hi[0] - lo[0], hi[1] - lo[1]);
  const int per_direction =
      std::max(1, static_cast<int>(std::ceil(std::sqrt(static_cast<double>(mesh.n_triangles())))));
  n_ = {per_direction, per_direction};
  lower_ = lo;
  for (int k = 0; k < 2; ++k) cell_[k] = std::max(hi[k] - lo[k], 1e-300) / n_[k];
  // Each triangle goes into every bucket its (slightly widened) bounding box meets.
  const double widen = 1e-9 * size_;
  const auto range = [&](int t, std::array<int, 2>& first, std::array<int, 2>& last) {
    const auto& tri = mesh.triangles[static_cast<std::size_t>(t)];
    for (int k = 0; k < 2; ++k) {
      double a = mesh.nodes[tri[0]][k], b = a;
      for (int v = 1; v < 3; ++v) a = std::min(a, mesh.nodes[tri[v]][k]), b = std::max(b, mesh.nodes[tri[v]][k]);
      first[k] = std::clamp(static_cast<int>(std::floor((a - widen - lower_[k]) / cell_[k])), 0, n_[k] - 1);
      last[k] = std::clamp(static_cast<int>(std::floor((b + widen - lower_[k]) / cell_[k])), 0, n_[k] - 1);
    }
  };
  const std::size_t n_buckets = static_cast<std::size_t>(n_[0]) * n_[1];
  start_.assign(n_buckets + 1, 0);
  std::array<int, 2> first{}, last{};
  for (int t = 0; t < mesh.n_triangles(); ++t) {
    range(t, first, last);
    for (int j = first[1]; j <= last[1]; ++j)
      for (int i = first[0]; i <= last[0]; ++i) ++start_[static_cast<std::size_t>(j) * n_[0] + i + 1];
  }
  for (std::size_t b = 0; b < n_buckets; ++b) start_[b + 1] += start_[b];
  items_.assign(static_cast<std::size_t>(start_[n_buckets]), 0);
  std::vector<int> fill(start_.begin(), start_.end() - 1);
  for (int t = 0; t < mesh.n_triangles(); ++t) {
    range(t, first, last);
    for (int j = first[1]; j <= last[1]; ++j)
      for (int i = first[0]; i <= last[0]; ++i) items_[static_cast<std::size_t>(fill[static_cast<std::size_t>(j) * n_[0] + i]++)] = t;
  }
}

int TriangleLocator::locate(const TriangleMesh& mesh, const double* x, double barycentric[3], double slack) const {
  if (n_[0] == 0) return -1;
  const double tolerance = slack * size_;
  std::array<int, 2> bucket{};
  for (int k = 0; k < 2; ++k) {
    const double s = (x[k] - lower_[k]) / cell_[k];
    if (!(s >= -tolerance / cell_[k] && s <= n_[k] + tolerance / cell_[k])) return -1;
    bucket[k] = std::clamp(static_cast<int>(std::floor(s)), 0, n_[k] - 1);
  }
  const std::size_t b = static_cast<std::size_t>(bucket[1]) * n_[0] + bucket[0];
  const Point2 p{x[0], x[1]};
  int best = -1;
  double best_distance = -std::numeric_limits<double>::infinity();
  double best_lambda[3] = {0, 0, 0};
  for (int item = start_[b]; item < start_[b + 1]; ++item) {
    const int t = items_[static_cast<std::size_t>(item)];
    const auto& tri = mesh.triangles[static_cast<std::size_t>(t)];
    const double area2 = mesh.twice_area(t);
    double lambda[3], distance = std::numeric_limits<double>::infinity();
    for (int v = 0; v < 3; ++v) {
      // λ_v: the signed area opposite vertex v; λ_v·area2/|edge| is the distance to that edge (inside > 0).
      const Point2& a = mesh.nodes[tri[(v + 1) % 3]];
      const Point2& c = mesh.nodes[tri[(v + 2) % 3]];
      lambda[v] = cross(a, c, p) / area2;
      distance = std::min(distance, lambda[v] * area2 / std::hypot(c[0] - a[0], c[1] - a[1]));
    }
    if (distance > best_distance) {
      best_distance = distance;
      best = t;
      std::copy(lambda, lambda + 3, best_lambda);
    }
  }
  if (best < 0 || best_distance < -tolerance) return -1;
  // A point outside by round-off: onto the triangle.
  double sum = 0.0;
  for (int v = 0; v < 3; ++v) sum += (best_lambda[v] = std::max(0.0, best_lambda[v]));
  for (int v = 0; v < 3; ++v) barycentric[v] = best_lambda[v] / sum;
  return best;
}

}  // namespace pinn
