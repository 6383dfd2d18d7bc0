/// @file physics/fe_reference_solver.cpp
/// @brief P1 finite elements + primal–dual active set reference solver for (double) obstacle problems on polygons
/// and disks.
#include "physics/fe_reference_solver.hpp"

#include "nn/error.hpp"
#include "physics/domain.hpp"

#include <Eigen/Sparse>
#include <Eigen/SparseCholesky>
#include <Eigen/SparseLU>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace pinn {

namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();

/// Relative size of the round-off band in which an active-set decision is not trusted (as the FD solver).
constexpr double decision_tolerance = 1e-11;

/// 12 levels multiply the coarse triangles by 4^12 ≈ 1.7e7; the cap on triangles keeps Eigen's int
/// indices far from overflow (the solve would run out of memory or time well before).
constexpr int max_levels = 12;
constexpr long long max_triangles = 1LL << 26;

using RowMatrix = Eigen::SparseMatrix<double, Eigen::RowMajor>;
using ColMatrix = Eigen::SparseMatrix<double>;

std::vector<Point2> counter_clockwise(std::vector<Point2> vertices) {
  if (polygon_signed_area(vertices) < 0.0) std::reverse(vertices.begin() + 1, vertices.end());
  return vertices;
}

std::string format_point(const Point2& x) {
  std::ostringstream out;
  out.precision(12);
  out << '(' << x[0] << ", " << x[1] << ')';
  return out.str();
}

/// The problem's data at the nodes of the finest mesh; a coarser level's nodes are a prefix of these.
/// Missing obstacles are ∓∞ so that the active-set tests need no special cases.
struct NodeData {
  std::vector<double> source, psi_lo, psi_hi, dirichlet_value;
  std::vector<unsigned char> dirichlet;
  /// Nodes where ψ_hi − ψ_lo is within round-off: u is fixed there and the sign of the residual
  /// decides which multiplier carries it.
  std::vector<unsigned char> pinned;
};

/// The assembled nodal system of one level: K (all nodes), lumped masses, load (M f plus the
/// Neumann/Robin data).
struct LevelSystem {
  RowMatrix stiffness;
  std::vector<double> mass, load;
};

struct LevelState {
  std::vector<double> u, lambda_lo, lambda_hi;
  std::vector<unsigned char> active_lo, active_hi;
  int iterations = 0;
  bool converged = false;
};

void validate_problem(const FeReferenceProblem& problem) {
  const std::string defect = problem.disk ? circle_defect(*problem.disk) : polygon_defect(problem.vertices);
  if (!defect.empty())
    throw std::invalid_argument(std::string("FeReferenceProblem::") + (problem.disk ? "disk: " : "vertices: ") +
                                defect);
  if (problem.levels < 0 || problem.levels > max_levels) {
    std::ostringstream msg;
    msg << "FeReferenceProblem::levels is " << problem.levels << "; allowed: 0 to " << max_levels;
    throw std::invalid_argument(msg.str());
  }
  if (!problem.source) throw std::invalid_argument("FeReferenceProblem::source is empty; a source term f is required");
  if (!problem.boundary && problem.boundary_parts.empty())
    throw std::invalid_argument("FeReferenceProblem::boundary is empty; boundary values g are required");
}

/// Runs `body`, turning pinn::UserError (a boundary part without its data) into this solver's
/// std::invalid_argument.
template <class Body>
auto with_boundary_errors(Body body) {
  try {
    return body();
  } catch (const UserError& e) {
    throw std::invalid_argument(std::string("FeReferenceProblem::boundary_parts: ") + e.what());
  }
}

/// The part (an index into boundary_parts, −1 for none: u = g) that holds on a boundary edge, decided
/// at its midpoint.
int edge_part(const FeReferenceProblem& problem, const Domain& domain, const Point2& a, const Point2& b) {
  const double mid[2] = {0.5 * (a[0] + b[0]), 0.5 * (a[1] + b[1])};
  return part_at(problem.boundary_parts, domain, mid);
}

bool is_dirichlet(const FeReferenceProblem& problem, int part) {
  return part < 0 || problem.boundary_parts[static_cast<std::size_t>(part)].kind == BoundaryKind::dirichlet;
}

NodeData sample_problem(const FeReferenceProblem& problem, const Domain& domain, const TriangleMesh& mesh) {
  const std::size_t n = mesh.nodes.size();
  NodeData data;
  data.source.assign(n, 0.0);
  data.psi_lo.assign(n, -infinity);
  data.psi_hi.assign(n, infinity);
  data.dirichlet_value.assign(n, 0.0);
  data.dirichlet.assign(n, 0);
  data.pinned.assign(n, 0);
  auto fail = [&](const char* field, double value, const Point2& x, const char* allowed) {
    std::ostringstream msg;
    msg << "FeReferenceProblem::" << field << " returned " << value << " at x = " << format_point(x)
        << "; allowed: " << allowed;
    throw std::invalid_argument(msg.str());
  };
  // Dirichlet nodes: the closure of the Dirichlet part, i.e. the nodes of every boundary edge whose
  // part is Dirichlet (a node where a Neumann part meets it too), with that part's value.
  std::vector<int> dirichlet_part(n, 0);
  for (const auto& e : mesh.boundary_edges) {
    const int part = edge_part(problem, domain, mesh.nodes[e[0]], mesh.nodes[e[1]]);
    if (!is_dirichlet(problem, part)) continue;
    for (const int node : e)
      if (!data.dirichlet[node]) data.dirichlet[node] = 1, dirichlet_part[node] = part;
  }
  for (std::size_t i = 0; i < n; ++i) {
    const Point2& x = mesh.nodes[i];
    if (data.dirichlet[i]) {
      const double g = with_boundary_errors(
          [&] { return condition_of(problem.boundary_parts, dirichlet_part[i], problem.boundary, x.data()).value; });
      if (!std::isfinite(g)) fail("boundary", g, x, "a finite value");
      data.dirichlet_value[i] = g;
      continue;
    }
    const double f = problem.source(x.data());
    if (!std::isfinite(f)) fail("source", f, x, "a finite value");
    data.source[i] = f;
    if (problem.lower_obstacle) {
      const double lo = problem.lower_obstacle(x.data());
      if (std::isnan(lo) || lo == infinity) fail("lower_obstacle", lo, x, "a finite value or -inf (no obstacle there)");
      data.psi_lo[i] = lo;
    }
    if (problem.upper_obstacle) {
      const double hi = problem.upper_obstacle(x.data());
      if (std::isnan(hi) || hi == -infinity) fail("upper_obstacle", hi, x, "a finite value or +inf (no obstacle there)");
      data.psi_hi[i] = hi;
    }
    if (data.psi_lo[i] > data.psi_hi[i]) {
      std::ostringstream msg;
      msg << "FeReferenceProblem::lower_obstacle (" << data.psi_lo[i] << ") exceeds upper_obstacle ("
          << data.psi_hi[i] << ") at x = " << format_point(x) << "; allowed: lower_obstacle <= upper_obstacle";
      throw std::invalid_argument(msg.str());
    }
  }
  return data;
}

/// The magnitude of u the problem can produce, to scale the round-off band of active-set decisions.
double problem_magnitude(const NodeData& data, const Domain& domain) {
  const double w = domain.upper()[0] - domain.lower()[0], h = domain.upper()[1] - domain.lower()[1];
  const double diameter2 = w * w + h * h;
  double scale = 0;
  for (std::size_t i = 0; i < data.source.size(); ++i) {
    scale = std::max(scale, std::abs(data.dirichlet_value[i]));
    scale = std::max(scale, std::abs(data.source[i]) * diameter2 / 8);
    if (std::isfinite(data.psi_lo[i])) scale = std::max(scale, std::abs(data.psi_lo[i]));
    if (std::isfinite(data.psi_hi[i])) scale = std::max(scale, std::abs(data.psi_hi[i]));
  }
  return scale;
}

LevelSystem assemble(const FeReferenceProblem& problem, const Domain& domain, const TriangleMesh& mesh,
                     const NodeData& data) {
  const int n = mesh.n_nodes();
  const EllipticOperator& op = problem.op;
  const double size = std::max(domain.upper()[0] - domain.lower()[0], domain.upper()[1] - domain.lower()[1]);
  LevelSystem system;
  system.mass.assign(static_cast<std::size_t>(n), 0.0);
  system.load.assign(static_cast<std::size_t>(n), 0.0);
  std::vector<Eigen::Triplet<double>> triplets;
  triplets.reserve(static_cast<std::size_t>(mesh.n_triangles()) * (op.has_convection() ? 18 : 9));
  for (int t = 0; t < mesh.n_triangles(); ++t) {
    const auto& tri = mesh.triangles[static_cast<std::size_t>(t)];
    const Point2* p[3] = {&mesh.nodes[tri[0]], &mesh.nodes[tri[1]], &mesh.nodes[tri[2]]};
    const double area2 = mesh.twice_area(t), area = 0.5 * area2;
    double grad[3][2];
    for (int v = 0; v < 3; ++v) {
      const Point2& a = *p[(v + 1) % 3];
      const Point2& b = *p[(v + 2) % 3];
      grad[v][0] = (a[1] - b[1]) / area2;
      grad[v][1] = (b[0] - a[0]) / area2;
    }
    OperatorCoefficients k;
    if (!op.is_laplacian()) {
      const double centroid[2] = {((*p[0])[0] + (*p[1])[0] + (*p[2])[0]) / 3.0,
                                  ((*p[0])[1] + (*p[1])[1] + (*p[2])[1]) / 3.0};
      k = evaluate_operator(op, 2, centroid, 1e-6 * size);
    }
    // A is stored row-major in a 3×3 array; only its upper-left 2×2 block is used in 2D.
    const double a00 = k.diffusion[0], a01 = k.diffusion[1], a10 = k.diffusion[3], a11 = k.diffusion[4];
    for (int v = 0; v < 3; ++v) {
      for (int w = v; w < 3; ++w) {
        // Symmetric part once per pair, so that K is symmetric to the last bit without convection.
        const double avw = grad[v][0] * (a00 * grad[w][0] + a01 * grad[w][1]) +
                           grad[v][1] * (a10 * grad[w][0] + a11 * grad[w][1]);
        const double awv = grad[w][0] * (a00 * grad[v][0] + a01 * grad[v][1]) +
                           grad[w][1] * (a10 * grad[v][0] + a11 * grad[v][1]);
        const double value = area * 0.5 * (avw + awv);
        triplets.emplace_back(tri[v], tri[w], value);
        if (w != v) triplets.emplace_back(tri[w], tri[v], value);
      }
      system.mass[static_cast<std::size_t>(tri[v])] += area / 3.0;
      if (k.reaction != 0.0) triplets.emplace_back(tri[v], tri[v], k.reaction * area / 3.0);
      if (op.has_convection())
        for (int w = 0; w < 3; ++w)
          triplets.emplace_back(tri[v], tri[w],
                                area / 3.0 * (k.convection[0] * grad[w][0] + k.convection[1] * grad[w][1]));
    }
  }
  for (int i = 0; i < n; ++i) system.load[static_cast<std::size_t>(i)] = system.mass[i] * data.source[i];
  if (has_natural_parts(problem.boundary_parts)) {
    // ∫_e g φ_i ds by two-point Gauss; the Robin mass κ|e|/2 (κ at the midpoint) lumped onto the two nodes.
    const double gauss[2] = {0.5 - 0.5 / std::sqrt(3.0), 0.5 + 0.5 / std::sqrt(3.0)};
    for (const auto& e : mesh.boundary_edges) {
      const Point2& a = mesh.nodes[e[0]];
      const Point2& b = mesh.nodes[e[1]];
      const int part = edge_part(problem, domain, a, b);
      if (is_dirichlet(problem, part)) continue;
      const double length = std::hypot(b[0] - a[0], b[1] - a[1]);
      const auto at = [&](double s) {
        const double x[2] = {a[0] + s * (b[0] - a[0]), a[1] + s * (b[1] - a[1])};
        return with_boundary_errors([&] { return condition_of(problem.boundary_parts, part, problem.boundary, x); });
      };
      for (const double s : gauss) {
        const BoundaryCondition c = at(s);
        const double phi[2] = {1.0 - s, s}, weight = 0.5 * length;
        for (int v = 0; v < 2; ++v) {
          system.load[e[v]] += weight * c.value * phi[v];
          if (c.kind != BoundaryKind::robin) continue;
          for (int w = 0; w < 2; ++w) triplets.emplace_back(e[v], e[w], weight * c.coefficient * phi[v] * phi[w]);
        }
      }
    }
  }
  system.stiffness.resize(n, n);
  system.stiffness.setFromTriplets(triplets.begin(), triplets.end());
  system.stiffness.makeCompressed();
  return system;
}

/// (K u − F)_i: the multiplier times the lumped mass at a node that is not Dirichlet.
double residual(const LevelSystem& system, const std::vector<double>& u, int i) {
  double r = -system.load[static_cast<std::size_t>(i)];
  for (RowMatrix::InnerIterator it(system.stiffness, i); it; ++it) r += it.value() * u[static_cast<std::size_t>(it.col())];
  return r;
}

double diagonal(const LevelSystem& system, int i) { return system.stiffness.coeff(i, i); }

void solve_reduced(const ColMatrix& matrix, bool symmetric, const Eigen::VectorXd& rhs, Eigen::VectorXd& x) {
  if (symmetric) {
    Eigen::SimplicialLDLT<ColMatrix> ldlt(matrix);
    if (ldlt.info() != Eigen::Success)
      throw std::runtime_error("solve_fe_reference: sparse LDL^T factorisation of the reduced stiffness matrix failed");
    x = ldlt.solve(rhs);
    if (ldlt.info() != Eigen::Success)
      throw std::runtime_error("solve_fe_reference: sparse LDL^T solve of the reduced stiffness matrix failed");
    return;
  }
  Eigen::SparseLU<ColMatrix> lu;
  lu.analyzePattern(matrix);
  lu.factorize(matrix);
  if (lu.info() != Eigen::Success)
    throw std::runtime_error("solve_fe_reference: sparse LU factorisation of the reduced stiffness matrix failed");
  x = lu.solve(rhs);
}

/// PDAS on one level from the given initial active sets and guess for u (Dirichlet values included);
/// `delta` is the round-off band (in units of u).
LevelState run_pdas(const LevelSystem& system, const NodeData& data, bool symmetric, std::vector<unsigned char> active_lo,
                    std::vector<unsigned char> active_hi, std::vector<double> u_guess, double delta, int max_iterations) {
  const int n = static_cast<int>(system.mass.size());
  LevelState state;
  state.u = std::move(u_guess);
  state.lambda_lo.assign(static_cast<std::size_t>(n), 0.0);
  state.lambda_hi.assign(static_cast<std::size_t>(n), 0.0);
  std::vector<int> unknown(static_cast<std::size_t>(n), -1);
  std::vector<unsigned char> next_lo(static_cast<std::size_t>(n), 0), next_hi(static_cast<std::size_t>(n), 0);
  std::vector<Eigen::Triplet<double>> triplets;

  for (int iteration = 1; iteration <= max_iterations; ++iteration) {
    // Fixed values first, so that the right-hand side can read every known neighbour from u.
    int n_unknowns = 0;
    for (int i = 0; i < n; ++i) {
      unknown[i] = -1;
      if (data.dirichlet[i])
        state.u[i] = data.dirichlet_value[i];
      else if (data.pinned[i] || active_lo[i])
        state.u[i] = data.psi_lo[i];
      else if (active_hi[i])
        state.u[i] = data.psi_hi[i];
      else
        unknown[i] = n_unknowns++;
    }
    if (n_unknowns > 0) {
      triplets.clear();
      triplets.reserve(static_cast<std::size_t>(system.stiffness.nonZeros()));
      Eigen::VectorXd rhs(n_unknowns), solution(n_unknowns);
      for (int i = 0; i < n; ++i) {
        const int row = unknown[i];
        if (row < 0) continue;
        double b = system.load[i];
        for (RowMatrix::InnerIterator it(system.stiffness, i); it; ++it) {
          const int j = static_cast<int>(it.col());
          if (unknown[j] >= 0)
            triplets.emplace_back(row, unknown[j], it.value());
          else
            b -= it.value() * state.u[j];
        }
        rhs[row] = b;
        solution[row] = state.u[i];
      }
      ColMatrix matrix(n_unknowns, n_unknowns);
      matrix.setFromTriplets(triplets.begin(), triplets.end());
      solve_reduced(matrix, symmetric, rhs, solution);
      for (int i = 0; i < n; ++i)
        if (unknown[i] >= 0) state.u[i] = solution[unknown[i]];
    }

    bool changed = false;
    for (int i = 0; i < n; ++i) {
      state.lambda_lo[i] = state.lambda_hi[i] = 0;
      next_lo[i] = next_hi[i] = 0;
      if (data.dirichlet[i]) continue;
      const double mass = system.mass[i];
      if (data.pinned[i]) {
        const double r = residual(system, state.u, i) / mass;
        state.lambda_lo[i] = std::max(r, 0.0);
        state.lambda_hi[i] = std::max(-r, 0.0);
        continue;
      }
      if (active_lo[i]) state.lambda_lo[i] = residual(system, state.u, i) / mass;
      if (active_hi[i]) state.lambda_hi[i] = -residual(system, state.u, i) / mass;
      // λ/c turns the multiplier density into a displacement so both terms share the round-off band.
      const double c = diagonal(system, i) / mass;
      next_lo[i] = state.lambda_lo[i] / c + (data.psi_lo[i] - state.u[i]) > delta;
      next_hi[i] = !next_lo[i] && state.lambda_hi[i] / c + (state.u[i] - data.psi_hi[i]) > delta;
      changed = changed || next_lo[i] != active_lo[i] || next_hi[i] != active_hi[i];
    }
    state.iterations = iteration;
    if (!changed) {
      state.converged = true;
      break;
    }
    if (iteration < max_iterations) {
      active_lo.swap(next_lo);
      active_hi.swap(next_hi);
    }
  }
  // The reported contact sets are the ones u and λ were computed with, so that they stay consistent
  // even when the cap is hit.
  for (int i = 0; i < n; ++i) {
    if (!data.pinned[i] || data.dirichlet[i]) continue;
    active_lo[i] = state.lambda_lo[i] > 0 || state.lambda_hi[i] == 0;
    active_hi[i] = !active_lo[i];
  }
  for (int i = 0; i < n; ++i)
    if (data.dirichlet[i]) active_lo[i] = active_hi[i] = 0;
  state.active_lo = std::move(active_lo);
  state.active_hi = std::move(active_hi);
  return state;
}

/// `values` on the parent mesh's nodes extended to the midpoints of `fine`.
std::vector<double> prolongate(const TriangleMesh& fine, const std::vector<double>& values) {
  std::vector<double> out(values.begin(), values.begin() + fine.n_parent_nodes);
  out.reserve(fine.nodes.size());
  for (const auto& p : fine.parents) out.push_back(0.5 * (values[p[0]] + values[p[1]]));
  return out;
}

/// Grades every level toward the re-entrant corners (each node keeps its place from level to level, so
/// the warm start's prolongation stays a neighbourhood average). Should a triangle turn over — a
/// coarse triangle too thin for the ray map — the levels stay uniform.
void grade_all_levels(std::vector<TriangleMesh>& meshes, const std::vector<ReentrantCorner>& corners) {
  if (corners.empty()) return;
  std::vector<TriangleMesh> graded = meshes;
  for (TriangleMesh& mesh : graded) {
    grade_toward_corners(mesh, corners);
    for (int t = 0; t < mesh.n_triangles(); ++t)
      if (!(mesh.twice_area(t) > 0.0)) return;
  }
  meshes = std::move(graded);
}

/// NodeData restricted to the first n nodes (a coarser level).
NodeData prefix(const NodeData& data, std::size_t n) {
  const auto cut = [n](const auto& v) { return std::decay_t<decltype(v)>(v.begin(), v.begin() + static_cast<long>(n)); };
  NodeData out;
  out.source = cut(data.source);
  out.psi_lo = cut(data.psi_lo);
  out.psi_hi = cut(data.psi_hi);
  out.dirichlet_value = cut(data.dirichlet_value);
  out.dirichlet = cut(data.dirichlet);
  out.pinned = cut(data.pinned);
  return out;
}

}  // namespace

std::string FeReferenceOptions::validate() const {
  if (max_iterations < 1)
    return "FeReferenceOptions::max_iterations is " + std::to_string(max_iterations) + "; allowed: at least 1";
  return {};
}

double FeReferenceSolution::interpolate(const double* x) const {
  if (u.size() != mesh.nodes.size() || u.empty())
    throw std::logic_error("FeReferenceSolution::interpolate: u does not hold one value per node");
  double lambda[3];
  const int t = locator.locate(mesh, x, lambda, outside_slack);
  if (t < 0) {
    std::ostringstream msg;
    msg.precision(12);
    msg << "FeReferenceSolution::interpolate: x = " << format_point({x[0], x[1]}) << " is outside the mesh";
    throw std::invalid_argument(msg.str());
  }
  const auto& tri = mesh.triangles[static_cast<std::size_t>(t)];
  return lambda[0] * u[tri[0]] + lambda[1] * u[tri[1]] + lambda[2] * u[tri[2]];
}

int FeReferenceSolution::node_near(const double* x) const {
  double lambda[3];
  const int t = locator.locate(mesh, x, lambda, outside_slack);
  if (t < 0) {
    std::ostringstream msg;
    msg.precision(12);
    msg << "FeReferenceSolution::node_near: x = " << format_point({x[0], x[1]}) << " is outside the mesh";
    throw std::invalid_argument(msg.str());
  }
  const auto& tri = mesh.triangles[static_cast<std::size_t>(t)];
  const int v = static_cast<int>(std::max_element(lambda, lambda + 3) - lambda);
  return tri[static_cast<std::size_t>(v)];
}

namespace {

int levels_for_cells(long long coarse_triangles, int cells) {
  const long long wanted = static_cast<long long>(cells) * cells;
  int levels = 0;
  for (long long triangles = coarse_triangles; triangles < wanted && levels < max_levels; triangles *= 4) ++levels;
  return levels;
}

}  // namespace

int fe_levels_for_cells(const std::vector<Point2>& vertices, int cells) {
  return levels_for_cells(triangulate_polygon(counter_clockwise(vertices)).n_triangles(), cells);
}

int fe_levels_for_cells(const Circle& disk, int cells) {
  return levels_for_cells(triangulate_disk(disk).n_triangles(), cells);
}

FeReferenceSolution solve_fe_reference(const FeReferenceProblem& problem, const FeReferenceOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const std::string option_problem = options.validate();
  if (!option_problem.empty()) throw std::invalid_argument(option_problem);
  validate_problem(problem);
  const Circle* circle = problem.disk ? &*problem.disk : nullptr;
  Domain domain = Domain::interval(0, 1);  // for condition_at
  std::vector<TriangleMesh> meshes;
  try {
    if (circle) {
      domain = Domain::disk(circle->center, circle->radius);
      meshes.push_back(triangulate_disk(*circle));
    } else {
      const std::vector<Point2> vertices = counter_clockwise(problem.vertices);
      domain = Domain::polygon(vertices);
      meshes.push_back(triangulate_polygon(vertices));
    }
  } catch (const UserError& e) {
    throw std::invalid_argument(std::string("FeReferenceProblem::") + (circle ? "disk: " : "vertices: ") + e.what());
  }
  if (static_cast<long long>(meshes[0].n_triangles()) << (2 * problem.levels) > max_triangles) {
    std::ostringstream msg;
    msg << "FeReferenceProblem::levels = " << problem.levels << " gives " << meshes[0].n_triangles() << "·4^"
        << problem.levels << " triangles; allowed: at most " << max_triangles;
    throw std::invalid_argument(msg.str());
  }
  for (int level = 1; level <= problem.levels; ++level) meshes.push_back(refine(meshes.back(), circle));
  if (problem.graded) grade_all_levels(meshes, domain.reentrant_corners());
  const TriangleMesh& finest = meshes.back();

  NodeData data = sample_problem(problem, domain, finest);
  const double delta = decision_tolerance * problem_magnitude(data, domain);
  for (std::size_t i = 0; i < data.pinned.size(); ++i)
    data.pinned[i] = !data.dirichlet[i] && data.psi_hi[i] - data.psi_lo[i] <= delta;
  const bool symmetric = !problem.op.has_convection();

  LevelState state;
  for (std::size_t level = 0; level < meshes.size(); ++level) {
    const TriangleMesh& mesh = meshes[level];
    const std::size_t n = mesh.nodes.size();
    const NodeData level_data = level + 1 == meshes.size() ? data : prefix(data, n);
    const LevelSystem system = assemble(problem, domain, mesh, level_data);
    std::vector<unsigned char> active_lo(n, 0), active_hi(n, 0);
    std::vector<double> u_guess(n, 0.0);
    if (level > 0) {
      u_guess = prolongate(mesh, state.u);
      const std::vector<double> lambda_lo = prolongate(mesh, state.lambda_lo);
      const std::vector<double> lambda_hi = prolongate(mesh, state.lambda_hi);
      for (std::size_t i = 0; i < n; ++i) {
        if (level_data.dirichlet[i] || level_data.pinned[i]) continue;
        const double c = diagonal(system, static_cast<int>(i)) / system.mass[i];
        active_lo[i] = lambda_lo[i] / c + (level_data.psi_lo[i] - u_guess[i]) > delta;
        active_hi[i] = !active_lo[i] && lambda_hi[i] / c + (u_guess[i] - level_data.psi_hi[i]) > delta;
      }
    }
    state = run_pdas(system, level_data, symmetric, std::move(active_lo), std::move(active_hi), std::move(u_guess),
                     delta, options.max_iterations);
  }

  FeReferenceSolution solution;
  solution.mesh = std::move(meshes.back());
  solution.levels = problem.levels;
  solution.u = std::move(state.u);
  solution.lambda_lower = std::move(state.lambda_lo);
  solution.lambda_upper = std::move(state.lambda_hi);
  solution.contact_lower = std::move(state.active_lo);
  solution.contact_upper = std::move(state.active_hi);
  solution.iterations = state.iterations;
  solution.converged = state.converged;
  solution.locator = TriangleLocator(solution.mesh);
  if (circle) {
    // The locator's size is its bounding box's larger side, the diameter.
    solution.outside_slack = 1.01 * chord_gap(solution.mesh, *circle) / (2.0 * circle->radius) + 1e-10;
  }
  solution.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return solution;
}

}  // namespace pinn
