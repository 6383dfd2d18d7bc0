/// @file physics/polygon.cpp
/// @brief Simple polygons: validation, point location, the R-function distance.
#include "physics/polygon.hpp"

#include <algorithm>
#include <limits>
#include <cmath>
#include <sstream>

namespace pinn {

namespace {

double cross(const Point2& o, const Point2& a, const Point2& b) {
  return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

int sign(double v) { return (v > 0.0) - (v < 0.0); }

/// Whether p, known to be on the line through a and b, lies within their box.
bool within(const Point2& a, const Point2& b, const Point2& p) {
  return std::min(a[0], b[0]) <= p[0] && p[0] <= std::max(a[0], b[0]) && std::min(a[1], b[1]) <= p[1] &&
         p[1] <= std::max(a[1], b[1]);
}

/// Whether the closed segments ab and cd have a point in common.
bool segments_meet(const Point2& a, const Point2& b, const Point2& c, const Point2& d) {
  const int o1 = sign(cross(a, b, c)), o2 = sign(cross(a, b, d));
  const int o3 = sign(cross(c, d, a)), o4 = sign(cross(c, d, b));
  if (o1 != o2 && o3 != o4) return true;
  return (o1 == 0 && within(a, b, c)) || (o2 == 0 && within(a, b, d)) || (o3 == 0 && within(c, d, a)) ||
         (o4 == 0 && within(c, d, b));
}

std::string point_text(const Point2& p) {
  std::ostringstream out;
  out << "(" << p[0] << ", " << p[1] << ")";
  return out.str();
}

std::string edge_text(const std::vector<Point2>& v, std::size_t k) {
  std::ostringstream out;
  out << k << " " << point_text(v[k]) << "–" << point_text(v[(k + 1) % v.size()]);
  return out.str();
}

double distance_to_segment(const Point2& a, const Point2& b, const double* x) {
  const double ex = b[0] - a[0], ey = b[1] - a[1];
  const double length2 = ex * ex + ey * ey;
  double s = length2 > 0.0 ? ((x[0] - a[0]) * ex + (x[1] - a[1]) * ey) / length2 : 0.0;
  s = std::clamp(s, 0.0, 1.0);
  return std::hypot(x[0] - (a[0] + s * ex), x[1] - (a[1] + s * ey));
}

/// The trimmed segment function φ_i of the edge a→b with its derivatives
/// (polygon.hpp). `normal` receives the edge's inward unit normal (its left).
/// Only called where φ_i > 0, where every quotient below is finite.
struct SegmentJet {
  double value = 0, grad[2] = {0, 0}, laplacian = 0, normal[2] = {0, 0};
};

SegmentJet segment_function(const Point2& a, const Point2& b, const double* x) {
  SegmentJet s;
  const double ex = b[0] - a[0], ey = b[1] - a[1];
  const double length = std::hypot(ex, ey);
  s.normal[0] = -ey / length;
  s.normal[1] = ex / length;
  // In units of the edge length (f⁴ beside t² is not dimensionally consistent otherwise):
  // φ_i = L·φ̂(f/L, t/L), so that φ is unchanged by similarity maps.
  const double f = (s.normal[0] * (x[0] - a[0]) + s.normal[1] * (x[1] - a[1])) / length;
  const double cx = (x[0] - 0.5 * (a[0] + b[0])) / length, cy = (x[1] - 0.5 * (a[1] + b[1])) / length;
  const double t = 0.25 - (cx * cx + cy * cy);
  // Derivatives of f and t in the unit coordinates x/L.
  const double grad_t[2] = {-2.0 * cx, -2.0 * cy};
  const double laplacian_t = -4.0;
  const double f2 = f * f, f3 = f2 * f, f4 = f2 * f2;
  const double rho = std::sqrt(t * t + f4);
  // q = (ρ − t)/2 without the cancellation of ρ − t for t > 0 (next to the edge).
  const double q = t > 0.0 ? f4 / (2.0 * (rho + t)) : 0.5 * (rho - t);
  const double phi = std::sqrt(f2 + q * q);
  s.value = length * phi;
  if (!(phi > 0.0)) return s;
  const double rho3 = rho * rho * rho;
  const double q_f = f3 / rho, q_t = -q / rho;
  const double q_ff = 3.0 * f2 / rho - 2.0 * f4 * f2 / rho3, q_ft = -f3 * t / rho3, q_tt = 0.5 * f4 / rho3;
  const double phi_f = (f + q * q_f) / phi, phi_t = q * q_t / phi;
  const double phi_ff = (1.0 + q_f * q_f + q * q_ff - phi_f * phi_f) / phi;
  const double phi_ft = (q_t * q_f + q * q_ft - phi_f * phi_t) / phi;
  const double phi_tt = (q_t * q_t + q * q_tt - phi_t * phi_t) / phi;
  for (int k = 0; k < 2; ++k) s.grad[k] = phi_f * s.normal[k] + phi_t * grad_t[k];
  const double n_dot_t = s.normal[0] * grad_t[0] + s.normal[1] * grad_t[1];
  const double t_dot_t = grad_t[0] * grad_t[0] + grad_t[1] * grad_t[1];
  // Gradient: L·∇_x̂φ̂/L; Laplacian: L·Δ_x̂φ̂/L².
  s.laplacian = (phi_ff + 2.0 * phi_ft * n_dot_t + phi_tt * t_dot_t + phi_t * laplacian_t) / length;
  return s;
}

double square(double v) { return v * v; }

/// Where with_corner_singularities' blend starts, as a fraction of the blend radius: inside it the
/// distance is the singular function alone. Measured on six polygons from 0.5 to 0 (BENCHMARKS.md
/// §35): the transition from 0.2 onwards gave the lowest errors; a narrow one (0.5) puts a steep
/// change of the angular profile into the network's quotient.
const double kBlendInner = 0.2;

/// f·e^s from e^s and ∇s where s is harmonic (a sum of β ln r in 2D): ∇(f e^s) = e^s(∇f + f∇s),
/// Δ(f e^s) = e^s(Δf + 2∇f·∇s + f|∇s|²).
PolygonDistanceJet times_exponential(const PolygonDistanceJet& f, double exp_s, const double* grad_s) {
  PolygonDistanceJet p;
  p.value = exp_s * f.value;
  p.grad[0] = exp_s * (f.grad[0] + f.value * grad_s[0]);
  p.grad[1] = exp_s * (f.grad[1] + f.value * grad_s[1]);
  p.laplacian = exp_s * (f.laplacian + 2.0 * (f.grad[0] * grad_s[0] + f.grad[1] * grad_s[1]) +
                         f.value * (grad_s[0] * grad_s[0] + grad_s[1] * grad_s[1]));
  return p;
}

/// S/λ with S = r^λ sin(λθ), θ ∈ [0, ω] the angle from the corner's edge to the next vertex, ω = π/λ
/// the interior angle: harmonic, zero on both edges, positive between them. A point just outside an
/// edge (rounding) takes the angle continued across that edge, so S is continuous on both.
PolygonDistanceJet corner_singular_function(const ReentrantCorner& c, const double* x) {
  const double dx = x[0] - c.vertex[0], dy = x[1] - c.vertex[1];
  const double r = std::hypot(dx, dy), lambda = c.exponent, omega = M_PI / lambda;
  double theta = std::atan2(dy, dx) - c.direction;
  theta -= 2.0 * M_PI * std::floor(theta / (2.0 * M_PI));    // [0, 2π)
  if (theta > 0.5 * (omega + 2.0 * M_PI)) theta -= 2.0 * M_PI;  // nearer the first edge than the second
  // ∇S = λ r^(λ−1) (sin(λθ − θ'), cos(λθ − θ')), θ' = θ + direction the global angle.
  const double r_power = std::pow(r, lambda - 1.0), phase = (lambda - 1.0) * theta - c.direction;
  PolygonDistanceJet q;
  q.value = r_power * r * std::sin(lambda * theta) / lambda;
  q.grad[0] = r_power * std::sin(phase);
  q.grad[1] = r_power * std::cos(phase);
  return q;
}

}  // namespace

double polygon_signed_area(const std::vector<Point2>& v) {
  double twice = 0.0;
  for (std::size_t k = 0; k < v.size(); ++k) {
    const Point2& a = v[k];
    const Point2& b = v[(k + 1) % v.size()];
    twice += a[0] * b[1] - b[0] * a[1];
  }
  return 0.5 * twice;
}

double polygon_perimeter(const std::vector<Point2>& v) {
  double sum = 0.0;
  for (std::size_t k = 0; k < v.size(); ++k) {
    const Point2& a = v[k];
    const Point2& b = v[(k + 1) % v.size()];
    sum += std::hypot(b[0] - a[0], b[1] - a[1]);
  }
  return sum;
}

std::string polygon_defect(const std::vector<Point2>& v) {
  std::ostringstream out;
  const std::size_t n = v.size();
  if (n < 3) {
    out << "found " << n << " vertices; need at least 3";
    return out.str();
  }
  for (std::size_t k = 0; k < n; ++k)
    if (!std::isfinite(v[k][0]) || !std::isfinite(v[k][1])) {
      out << "vertex " << k << " is " << point_text(v[k]) << "; need finite coordinates";
      return out.str();
    }
  for (std::size_t k = 0; k < n; ++k)
    if (v[k] == v[(k + 1) % n]) {
      if (k + 1 == n)
        out << "the last vertex repeats the first, " << point_text(v[k])
            << "; the polygon closes by itself: leave the closing vertex out";
      else
        out << "vertices " << k << " and " << k + 1 << " are the same point " << point_text(v[k])
            << "; need consecutive vertices to differ";
      return out.str();
    }
  for (std::size_t i = 0; i < n; ++i) {
    // Adjacent edges i and i + 1 share vertex i + 1; they overlap when they fold back on each other.
    const Point2& a = v[i];
    const Point2& shared = v[(i + 1) % n];
    const Point2& c = v[(i + 2) % n];
    const double dot = (a[0] - shared[0]) * (c[0] - shared[0]) + (a[1] - shared[1]) * (c[1] - shared[1]);
    if (cross(a, shared, c) == 0.0 && dot > 0.0) {
      out << "edges " << edge_text(v, i) << " and " << edge_text(v, (i + 1) % n) << " overlap (they fold back at vertex "
          << (i + 1) % n << "); need a simple polygon";
      return out.str();
    }
    for (std::size_t j = i + 2; j < n; ++j) {
      if (i == 0 && j == n - 1) continue;  // adjacent through vertex 0
      if (segments_meet(v[i], v[(i + 1) % n], v[j], v[(j + 1) % n])) {
        out << "edges " << edge_text(v, i) << " and " << edge_text(v, j)
            << " intersect; need a simple polygon (no two edges meet except neighbours at their shared vertex)";
        return out.str();
      }
    }
  }
  if (!(polygon_signed_area(v) != 0.0)) {
    out << "the vertices enclose no area; need a polygon with a non-zero area";
    return out.str();
  }
  return "";
}

bool polygon_contains(const std::vector<Point2>& v, const double* x, double tolerance) {
  const std::size_t n = v.size();
  for (std::size_t k = 0; k < n; ++k)
    if (distance_to_segment(v[k], v[(k + 1) % n], x) <= tolerance) return true;
  bool inside = false;
  for (std::size_t k = 0; k < n; ++k) {
    const Point2& a = v[k];
    const Point2& b = v[(k + 1) % n];
    if ((a[1] > x[1]) != (b[1] > x[1]) && x[0] < a[0] + (x[1] - a[1]) * (b[0] - a[0]) / (b[1] - a[1]))
      inside = !inside;
  }
  return inside;
}

PolygonDistanceJet polygon_distance(const std::vector<Point2>& v, const double* x) {
  PolygonDistanceJet d;
  const std::size_t n = v.size();
  double size = 0.0;
  for (const Point2& p : v) size = std::max({size, std::abs(p[0]), std::abs(p[1])});
  // Below this φ_i a point is on edge i: the round-off of f for points computed on the edge.
  const double on_edge = 1e-13 * std::max(size, polygon_perimeter(v));
  std::vector<SegmentJet> segments(n);
  std::size_t n_on = 0, edge = 0;
  for (std::size_t k = 0; k < n; ++k) {
    segments[k] = segment_function(v[k], v[(k + 1) % n], x);
    if (segments[k].value <= on_edge) ++n_on, edge = k;
  }
  if (n_on > 1) return d;  // a vertex: no gradient
  if (n_on == 1) {
    // The limits from inside: φ = φ_i/(1 + φ_i S), S = Σ_{j≠i} 1/φ_j, so ∇φ → n_i and Δφ → −2S.
    double others = 0.0;
    for (std::size_t k = 0; k < n; ++k)
      if (k != edge) others += 1.0 / segments[k].value;
    d.grad[0] = segments[edge].normal[0];
    d.grad[1] = segments[edge].normal[1];
    d.laplacian = -2.0 * others;
    return d;
  }
  double inverse_sum = 0.0;
  for (const SegmentJet& s : segments) inverse_sum += 1.0 / s.value;
  d.value = 1.0 / inverse_sum;
  // With r_i = φ/φ_i: ∇φ = Σ r_i² ∇φ_i, Δφ = Σ r_i² Δφ_i + (2/φ)(|∇φ|² − Σ r_i³ |∇φ_i|²).
  double weighted_squares = 0.0;
  for (const SegmentJet& s : segments) {
    const double r = d.value / s.value, r2 = r * r;
    d.grad[0] += r2 * s.grad[0];
    d.grad[1] += r2 * s.grad[1];
    d.laplacian += r2 * s.laplacian;
    weighted_squares += r2 * r * (s.grad[0] * s.grad[0] + s.grad[1] * s.grad[1]);
  }
  d.laplacian += 2.0 / d.value * (d.grad[0] * d.grad[0] + d.grad[1] * d.grad[1] - weighted_squares);
  return d;
}

std::vector<ReentrantCorner> polygon_reentrant_corners(const std::vector<Point2>& v) {
  std::vector<ReentrantCorner> corners;
  const std::size_t n = v.size();
  for (std::size_t k = 0; k < n; ++k) {
    const Point2& prev = v[(k + n - 1) % n];
    const Point2& next = v[(k + 1) % n];
    const double in[2] = {v[k][0] - prev[0], v[k][1] - prev[1]};
    const double out[2] = {next[0] - v[k][0], next[1] - v[k][1]};
    const double cross = in[0] * out[1] - in[1] * out[0];
    const double dot = in[0] * out[0] + in[1] * out[1];
    const double interior_angle = M_PI - std::atan2(cross, dot);  // counter-clockwise: turning left is convex
    if (!(interior_angle > M_PI * (1.0 + 1e-9))) continue;
    double clearance = std::numeric_limits<double>::infinity();
    for (std::size_t j = 0; j < n; ++j) {
      if (j != k) clearance = std::min(clearance, std::hypot(v[j][0] - v[k][0], v[j][1] - v[k][1]));
      if (j != k && (j + 1) % n != k)
        clearance = std::min(clearance, distance_to_segment(v[j], v[(j + 1) % n], v[k].data()));
    }
    corners.push_back({v[k], M_PI / interior_angle, clearance, std::atan2(out[1], out[0]), 0.45 * clearance});
  }
  return corners;
}

PolygonDistanceJet with_corner_singularities(const PolygonDistanceJet& phi, const std::vector<ReentrantCorner>& corners,
                                             const double* x) {
  if (corners.empty()) return phi;
  // w = Π r_c^β_c = exp(s), s = Σ β_c ln r_c: ∇w = w∇s, Δw = w|∇s|² (ln r is harmonic in 2D).
  double s = 0.0, grad_s[2] = {0.0, 0.0};
  const ReentrantCorner* near = nullptr;
  for (const ReentrantCorner& c : corners) {
    const double dx = x[0] - c.vertex[0], dy = x[1] - c.vertex[1];
    const double r2 = dx * dx + dy * dy;
    if (r2 == 0.0) return PolygonDistanceJet{};
    const double beta = c.exponent - 1.0;
    s += 0.5 * beta * std::log(r2);
    grad_s[0] += beta * dx / r2;
    grad_s[1] += beta * dy / r2;
    if (r2 < square(c.wedge_radius)) near = &c;
  }
  const double w = std::exp(s);
  const PolygonDistanceJet d = times_exponential(phi, w, grad_s);
  if (!near) return d;
  // Next to corner c, blend toward w_o·S_c/λ_c (w_o the other corners' factors): φ·r^(λ−1) ≈ r^λ·θ near
  // either edge, as S_c/λ_c is, but between them φ's angular profile is not sin(λθ)/λ, so the network
  // would have to represent u/(φ·r^(λ−1)) → c·sin(λθ)/(λ·φ/r), a function of the angle alone: no limit at
  // the corner. With the blend the quotient tends to a constant.
  const ReentrantCorner& c = *near;
  const double dx = x[0] - c.vertex[0], dy = x[1] - c.vertex[1];
  const double r2 = dx * dx + dy * dy, r = std::sqrt(r2);
  const double beta = c.exponent - 1.0;
  const double grad_so[2] = {grad_s[0] - beta * dx / r2, grad_s[1] - beta * dy / r2};
  const double w_o = w * std::pow(r, -beta);
  const PolygonDistanceJet b = times_exponential(corner_singular_function(c, x), w_o, grad_so);
  // χ(r) = 1 − h(t), t = (r − ρ_i)/(ρ − ρ_i), ρ_i = kBlendInner·ρ, h the C² step t³(10 − 15t + 6t²);
  // ∇χ = χ'·x/r, Δχ = χ'' + χ'/r.
  const double rho = c.wedge_radius, inner = kBlendInner * rho, width = rho - inner;
  const double t = std::clamp((r - inner) / width, 0.0, 1.0);
  const double chi = 1.0 - t * t * t * (10.0 - 15.0 * t + 6.0 * t * t);
  const double chi_r = -30.0 * t * t * (1.0 - t) * (1.0 - t) / width;
  const double chi_rr = -60.0 * t * (1.0 - t) * (1.0 - 2.0 * t) / square(width);
  const double grad_chi[2] = {chi_r * dx / r, chi_r * dy / r}, lap_chi = chi_rr + chi_r / r;
  const double jump = b.value - d.value, grad_jump[2] = {b.grad[0] - d.grad[0], b.grad[1] - d.grad[1]};
  PolygonDistanceJet blended;
  blended.value = phi.value == 0.0 ? 0.0 : d.value + chi * jump;  // on an edge, not sin(λω) ≈ 1e-16
  for (int k = 0; k < 2; ++k) blended.grad[k] = d.grad[k] + chi * grad_jump[k] + grad_chi[k] * jump;
  blended.laplacian = d.laplacian + chi * (b.laplacian - d.laplacian) +
                      2.0 * (grad_chi[0] * grad_jump[0] + grad_chi[1] * grad_jump[1]) + lap_chi * jump;
  return blended;
}

}  // namespace pinn
