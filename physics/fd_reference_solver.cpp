/// @file physics/fd_reference_solver.cpp
/// @brief Finite-difference + primal–dual active set reference solver for (double) obstacle problems on boxes.
#include "physics/fd_reference_solver.hpp"

#include "physics/fd_reference_checks.hpp"

#include "nn/error.hpp"
#include "physics/domain.hpp"

#include <Eigen/IterativeLinearSolvers>
#include <Eigen/Sparse>
#include <Eigen/SparseCholesky>
#include <Eigen/SparseLU>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace pinn {

namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();

/// Keeps Eigen's int indices far from overflow; the solve would run out of memory or time well before.
constexpr long long max_nodes = 1LL << 27;

/// In 3D the fill of a sparse LDLᵀ grows so fast that (Jacobi-preconditioned) CG, warm-started from
/// the previous iterate, is much cheaper beyond a few thousand unknowns (one 31³ solve measured: 7 s against 0.03 s);
/// in 1D and 2D the direct factorisation stays cheaper.
constexpr int iterative_min_unknowns_3d = 3000;

/// CG's relative residual target: as tight as double precision allows, so that the solve's error stays
/// inside the round-off band of the active-set decisions. A solve that misses `cg_accept` falls back
/// to the direct factorisation.
constexpr double cg_tolerance = 1e-14, cg_accept = 1e-12;

/// Relative size of the round-off band in which an active-set decision is not trusted.
constexpr double decision_tolerance = 1e-11;

struct Grid {
  int dim = 1;
  std::array<int, 3> n{1, 1, 1};  // nodes per dimension
  std::array<double, 3> lower{0, 0, 0}, h{0, 0, 0};
  std::array<std::size_t, 3> stride{1, 1, 1};

  std::size_t size() const { return static_cast<std::size_t>(n[0]) * n[1] * n[2]; }
  std::array<int, 3> multi_index(std::size_t index) const {
    const int i = static_cast<int>(index % n[0]);
    const int j = static_cast<int>((index / n[0]) % n[1]);
    const int k = static_cast<int>(index / (static_cast<std::size_t>(n[0]) * n[1]));
    return {i, j, k};
  }
  /// The BoundarySide bits of the sides the node lies on (0 for interior nodes).
  unsigned sides(std::size_t index) const {
    const auto m = multi_index(index);
    unsigned bits = 0;
    for (int d = 0; d < dim; ++d) {
      if (m[d] == 0) bits |= 1u << (2 * d);
      if (m[d] == n[d] - 1) bits |= 1u << (2 * d + 1);
    }
    return bits;
  }
  void coordinates(std::size_t index, double* x) const {
    const auto m = multi_index(index);
    for (int d = 0; d < dim; ++d) x[d] = lower[d] + m[d] * h[d];
  }
};

Grid make_grid(int dim, const std::array<int, 3>& n_nodes, const std::array<double, 3>& lower,
               const std::array<double, 3>& spacing) {
  Grid grid;
  grid.dim = dim;
  grid.n = n_nodes;
  grid.lower = lower;
  grid.h = spacing;
  grid.stride = {1, static_cast<std::size_t>(n_nodes[0]), static_cast<std::size_t>(n_nodes[0]) * n_nodes[1]};
  return grid;
}

/// A, b and c sampled at every node (boundary nodes included: the face values and cross terms next
/// to the boundary read them). Empty vectors mean the default (A = I, b = 0, c = 0).
struct NodeCoefficients {
  int dim = 1;
  int n_diffusion = 0;             ///< 0 (A = I), 1 (A = a I) or dim·dim (A row-major) values per node
  std::vector<double> diffusion;   ///< n_diffusion per node
  std::vector<double> convection;  ///< dim per node, or empty
  std::vector<double> reaction;    ///< one per node, or empty

  bool is_laplacian() const { return n_diffusion == 0 && convection.empty() && reaction.empty(); }
  bool has_cross_terms() const { return n_diffusion > 1 && dim > 1; }
  double a(std::size_t i, int d, int e) const {
    if (n_diffusion == 0) return d == e ? 1.0 : 0.0;
    if (n_diffusion == 1) return d == e ? diffusion[i] : 0.0;
    return diffusion[i * n_diffusion + d * dim + e];
  }
  double b(std::size_t i, int d) const { return convection.empty() ? 0.0 : convection[i * dim + d]; }
  double c(std::size_t i) const { return reaction.empty() ? 0.0 : reaction[i]; }
};

/// Neumann / Robin data of a boundary node with an equation, per dimension whose side it lies on:
/// A∇u·n + κu = g (κ = 0 for Neumann).
struct NaturalData {
  std::array<double, 3> value{0, 0, 0}, coefficient{0, 0, 0};
};

/// Everything PDAS needs on one grid. Fixed nodes (Dirichlet) carry their value in `boundary`;
/// missing obstacles are ∓∞ so that the active-set tests need no special cases.
struct Level {
  Grid grid;
  std::vector<double> source, boundary, psi_lo, psi_hi;
  /// Nodes with an equation (the unknowns of PDAS): the interior and the Neumann/Robin boundary nodes.
  std::vector<unsigned char> has_equation;
  /// Nodes with an equation where ψ_hi − ψ_lo is within round-off: u is fixed there and the sign of the
  /// residual decides which multiplier carries it, since toggling between the sets would never settle.
  std::vector<unsigned char> pinned;
  NodeCoefficients coefficients;
  /// Per node: index into `natural` for Neumann/Robin boundary nodes, −1 elsewhere (empty: none).
  std::vector<int> natural_slot;
  std::vector<NaturalData> natural;

  bool has_natural_nodes() const { return !natural.empty(); }
};

struct LevelState {
  std::vector<double> u, lambda_lo, lambda_hi;
  std::vector<unsigned char> active_lo, active_hi;
  int iterations = 0;
  bool converged = false;
};

std::string format_matrix(const double* a, int dim) {
  std::ostringstream out;
  out.precision(12);
  out << '[';
  for (int r = 0; r < dim; ++r) {
    out << (r ? ", [" : "[");
    for (int s = 0; s < dim; ++s) out << (s ? ", " : "") << a[r * dim + s];
    out << ']';
  }
  out << ']';
  return out.str();
}

void validate_problem(const FdReferenceProblem& problem) {
  std::ostringstream msg;
  check_box_grid("FdReferenceProblem", problem.dim, problem.lower, problem.upper, problem.n_cells);
  long long nodes = 1;
  for (int d = 0; d < problem.dim; ++d) {
    nodes *= static_cast<long long>(problem.n_cells[d]) + 1;
    if (nodes > max_nodes) {
      msg << "FdReferenceProblem::n_cells gives more than " << max_nodes << " nodes; allowed: at most that many";
      throw std::invalid_argument(msg.str());
    }
  }
  if (!problem.source) throw std::invalid_argument("FdReferenceProblem::source is empty; a source term f is required");
  // With boundary parts, g is only needed where no part holds; condition_at says so if it is missing there.
  if (!problem.boundary && problem.boundary_parts.empty())
    throw std::invalid_argument("FdReferenceProblem::boundary is empty; boundary values g are required");

  const EllipticOperator& op = problem.op;
  const std::size_t dim = static_cast<std::size_t>(problem.dim);
  if (!op.diffusion.empty() && op.diffusion.size() != 1 && op.diffusion.size() != dim * dim) {
    msg << "FdReferenceProblem::op.diffusion has " << op.diffusion.size()
        << " functions; allowed: 0 (A = I), 1 (A = a(x) I) or dim*dim = " << dim * dim << " (A row-major)";
    throw std::invalid_argument(msg.str());
  }
  for (std::size_t k = 0; k < op.diffusion.size(); ++k)
    if (!op.diffusion[k]) {
      msg << "FdReferenceProblem::op.diffusion[" << k << "] is empty; allowed: a function for every entry";
      throw std::invalid_argument(msg.str());
    }
  if (!op.convection.empty() && op.convection.size() != dim) {
    msg << "FdReferenceProblem::op.convection has " << op.convection.size()
        << " functions; allowed: 0 (b = 0) or dim = " << dim;
    throw std::invalid_argument(msg.str());
  }
  for (std::size_t k = 0; k < op.convection.size(); ++k)
    if (!op.convection[k]) {
      msg << "FdReferenceProblem::op.convection[" << k << "] is empty; allowed: a function for every component";
      throw std::invalid_argument(msg.str());
    }
}

/// Samples A, b and c at every node, refusing what the discretisation cannot take: a ≤ 0, a matrix A
/// that is not symmetric positive definite, c < 0, non-finite values.
NodeCoefficients sample_operator(const EllipticOperator& op, const Grid& grid) {
  const int dim = grid.dim;
  NodeCoefficients coefficients;
  coefficients.dim = dim;
  coefficients.n_diffusion = static_cast<int>(op.diffusion.size());
  const std::size_t n = grid.size();
  const std::size_t per_node = static_cast<std::size_t>(coefficients.n_diffusion);
  coefficients.diffusion.resize(n * per_node);
  if (op.has_convection()) coefficients.convection.resize(n * dim);
  if (op.has_reaction()) coefficients.reaction.resize(n);

  double x[3] = {0, 0, 0};
  auto refuse = [&](const std::string& field, const std::string& found, const std::string& allowed) {
    std::ostringstream msg;
    msg << "FdReferenceProblem::op." << field << " at the node x = " << format_point(x, dim) << ": " << found
        << "; allowed: " << allowed;
    throw std::invalid_argument(msg.str());
  };
  auto finite = [&](double value, const char* field, std::size_t k) {
    if (!std::isfinite(value)) {
      std::ostringstream found;
      found << "returned " << value;
      refuse(std::string(field) + '[' + std::to_string(k) + ']', found.str(), "a finite value");
    }
    return value;
  };
  for (std::size_t i = 0; i < n; ++i) {
    grid.coordinates(i, x);
    double* a = coefficients.diffusion.data() + i * per_node;
    for (std::size_t k = 0; k < per_node; ++k) a[k] = finite(op.diffusion[k](x), "diffusion", k);
    if (per_node == 1 && !(a[0] > 0)) {
      std::ostringstream found;
      found << "a = " << a[0];
      refuse("diffusion", found.str(), "a > 0");
    }
    if (per_node > 1) {
      for (int r = 0; r < dim; ++r)
        for (int s = r + 1; s < dim; ++s) {
          const double upper = a[r * dim + s], lower = a[s * dim + r];
          const double scale = std::abs(a[r * dim + r]) + std::abs(a[s * dim + s]) + std::abs(upper);
          if (std::abs(upper - lower) > 1e-12 * scale) {
            std::ostringstream found;
            found << "A = " << format_matrix(a, dim) << " is not symmetric (A[" << r << "][" << s << "] = " << upper
                  << ", A[" << s << "][" << r << "] = " << lower << ")";
            refuse("diffusion", found.str(), "a symmetric positive definite matrix");
          }
        }
      // Sylvester's criterion: every leading principal minor positive.
      const double m1 = a[0];
      const double m2 = dim > 1 ? a[0] * a[dim + 1] - a[1] * a[dim] : 1.0;
      const double m3 = dim > 2 ? a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6]) +
                                      a[2] * (a[3] * a[7] - a[4] * a[6])
                                : 1.0;
      if (!(m1 > 0 && m2 > 0 && m3 > 0))
        refuse("diffusion", "A = " + format_matrix(a, dim) + " is not positive definite",
               "a symmetric positive definite matrix");
    }
    for (int d = 0; d < dim && op.has_convection(); ++d)
      coefficients.convection[i * dim + d] = finite(op.convection[d](x), "convection", static_cast<std::size_t>(d));
    if (op.has_reaction()) {
      const double c = op.reaction(x);
      if (!(c >= 0) || !std::isfinite(c)) {
        std::ostringstream found;
        found << "c = " << c;
        refuse("reaction", found.str(), "a finite c >= 0");
      }
      coefficients.reaction[i] = c;
    }
  }
  return coefficients;
}

/// The condition on one side of the box at a boundary point, by condition_at on the parts that can
/// hold on that side (so that at a corner each side answers for itself).
class SideConditions {
 public:
  explicit SideConditions(const FdReferenceProblem& problem) : problem_(problem), domain_(make_domain(problem)) {
    for (unsigned side = 0; side < 6; ++side)
      for (const BoundaryPart& part : problem.boundary_parts)
        if (part.sides == 0 || (part.sides & (1u << side)) != 0) by_side_[side].push_back(part);
  }

  BoundaryCondition on_side(unsigned side, const double* x) const { return query(by_side_[side], x); }
  BoundaryCondition at(const double* x) const { return query(problem_.boundary_parts, x); }

 private:
  static Domain make_domain(const FdReferenceProblem& p) {
    if (p.dim == 1) return Domain::interval(p.lower[0], p.upper[0]);
    if (p.dim == 2) return Domain::rectangle({p.lower[0], p.lower[1]}, {p.upper[0], p.upper[1]});
    return Domain::box(p.lower, p.upper);
  }
  BoundaryCondition query(const std::vector<BoundaryPart>& parts, const double* x) const {
    try {
      return condition_at(parts, problem_.boundary, domain_, x);
    } catch (const UserError& e) {
      throw std::invalid_argument("FdReferenceProblem::boundary_parts at x = " + format_point(x, problem_.dim) + ": " +
                                  e.what() +
                                  "; allowed: parts with a value (robin ones also with a coefficient kappa), and "
                                  "FdReferenceProblem::boundary wherever no part holds");
    }
  }

  const FdReferenceProblem& problem_;
  Domain domain_;
  std::array<std::vector<BoundaryPart>, 6> by_side_;
};

/// Samples f, g, the obstacles, the boundary conditions and the operator on the requested grid,
/// checking every value; coarser grids reuse these samples because their nodes are a subset of these.
Level sample_problem(const FdReferenceProblem& problem) {
  const int dim = problem.dim;
  std::array<int, 3> n_nodes{1, 1, 1};
  std::array<double, 3> lower{0, 0, 0}, spacing{0, 0, 0};
  for (int d = 0; d < dim; ++d) {
    n_nodes[d] = problem.n_cells[d] + 1;
    lower[d] = problem.lower[d];
    spacing[d] = (problem.upper[d] - problem.lower[d]) / problem.n_cells[d];
  }
  Level level;
  level.grid = make_grid(dim, n_nodes, lower, spacing);
  const std::size_t n = level.grid.size();
  level.source.assign(n, 0.0);
  level.boundary.assign(n, 0.0);
  level.psi_lo.assign(n, -infinity);
  level.psi_hi.assign(n, infinity);
  level.has_equation.assign(n, 0);
  level.pinned.assign(n, 0);
  if (!problem.op.is_laplacian()) level.coefficients = sample_operator(problem.op, level.grid);
  level.coefficients.dim = dim;

  auto fail = [&](const char* field, double value, const double* x, const char* allowed) {
    std::ostringstream msg;
    msg << "FdReferenceProblem::" << field << " returned " << value << " at x = " << format_point(x, dim)
        << "; allowed: " << allowed;
    throw std::invalid_argument(msg.str());
  };
  auto fail_condition = [&](BoundaryKind kind, unsigned side, const char* quantity, double value, const double* x,
                            const char* allowed) {
    std::ostringstream msg;
    msg << "FdReferenceProblem::boundary_parts: the " << to_string(kind) << " condition on the "
        << kBoundarySideNames[side] << " side gives " << quantity << " = " << value
        << " at x = " << format_point(x, dim) << "; allowed: " << allowed;
    throw std::invalid_argument(msg.str());
  };
  const bool with_parts = !problem.boundary_parts.empty();
  const SideConditions conditions(problem);
  double x[3] = {0, 0, 0};
  for (std::size_t index = 0; index < n; ++index) {
    level.grid.coordinates(index, x);
    const unsigned sides = level.grid.sides(index);
    if (sides != 0 && !with_parts) {
      const double g = problem.boundary(x);
      if (!std::isfinite(g)) fail("boundary", g, x, "a finite value");
      level.boundary[index] = g;
      continue;
    }
    if (sides != 0) {
      // Each side the node lies on answers for itself; where one of them is Dirichlet, Dirichlet wins.
      bool dirichlet = false;
      double value = 0;
      NaturalData natural;
      for (unsigned side = 0; side < 6; ++side) {
        if ((sides & (1u << side)) == 0) continue;
        const BoundaryCondition c = conditions.on_side(side, x);
        if (!std::isfinite(c.value)) fail_condition(c.kind, side, "g", c.value, x, "a finite value");
        if (c.kind == BoundaryKind::dirichlet) {
          if (!dirichlet) value = c.value;
          dirichlet = true;
          continue;
        }
        const double kappa = c.kind == BoundaryKind::robin ? c.coefficient : 0.0;
        if (!(kappa >= 0) || !std::isfinite(kappa))
          fail_condition(c.kind, side, "kappa", kappa, x, "a finite kappa >= 0");
        natural.value[side / 2] = c.value;
        natural.coefficient[side / 2] = kappa;
      }
      if (dirichlet) {
        // At a corner, take condition_at's own answer where it is Dirichlet (the first part holding there).
        if ((sides & (sides - 1)) != 0) {
          const BoundaryCondition c = conditions.at(x);
          if (c.kind == BoundaryKind::dirichlet && std::isfinite(c.value)) value = c.value;
        }
        level.boundary[index] = value;
        continue;
      }
      if (level.natural_slot.empty()) level.natural_slot.assign(n, -1);
      level.natural_slot[index] = static_cast<int>(level.natural.size());
      level.natural.push_back(natural);
    }
    level.has_equation[index] = 1;
    const double f = problem.source(x);
    if (!std::isfinite(f)) fail("source", f, x, "a finite value");
    level.source[index] = f;
    if (problem.lower_obstacle) {
      const double lo = problem.lower_obstacle(x);
      if (std::isnan(lo) || lo == infinity) fail("lower_obstacle", lo, x, "a finite value or -inf (no obstacle there)");
      level.psi_lo[index] = lo;
    }
    if (problem.upper_obstacle) {
      const double hi = problem.upper_obstacle(x);
      if (std::isnan(hi) || hi == -infinity)
        fail("upper_obstacle", hi, x, "a finite value or +inf (no obstacle there)");
      level.psi_hi[index] = hi;
    }
    if (level.psi_lo[index] > level.psi_hi[index]) {
      std::ostringstream msg;
      msg << "FdReferenceProblem::lower_obstacle (" << level.psi_lo[index] << ") exceeds upper_obstacle ("
          << level.psi_hi[index] << ") at x = " << format_point(x, dim)
          << "; allowed: lower_obstacle <= upper_obstacle";
      throw std::invalid_argument(msg.str());
    }
  }
  return level;
}

/// Whether L_h alone (no contact) determines u: some Dirichlet node, Robin node with κ > 0 or node with
/// c > 0. Otherwise constants are in its kernel (a pure Neumann problem) and the first solve is singular.
bool is_anchored(const Level& level) {
  for (std::size_t i = 0; i < level.grid.size(); ++i)
    if (!level.has_equation[i] || level.coefficients.c(i) > 0) return true;
  for (const NaturalData& natural : level.natural)
    for (int d = 0; d < level.grid.dim; ++d)
      if (natural.coefficient[d] > 0) return true;
  return false;
}

/// The magnitude of u the problem can produce, to scale the round-off band of active-set decisions.
double problem_magnitude(const Level& level) {
  double diameter2 = 0;
  for (int d = 0; d < level.grid.dim; ++d) {
    const double extent = level.grid.h[d] * (level.grid.n[d] - 1);
    diameter2 += extent * extent;
  }
  // u ~ f·diam²/(8a) and g_N·diam/a; a = 1 for −Δ, where this is the magnitude the legacy path has always used.
  double a_min = 1;
  if (level.coefficients.n_diffusion > 0) {
    a_min = infinity;
    for (std::size_t i = 0; i < level.grid.size(); ++i)
      for (int d = 0; d < level.grid.dim; ++d) a_min = std::min(a_min, level.coefficients.a(i, d, d));
  }
  // With a reaction c ≥ c_min > 0 the maximum principle also bounds u by f/c_min, the smaller bound for a time
  // step, whose reaction holds 1/Δt or 2/Δt: without it the band of a step grew like diam²/(8aΔt) times |u|
  // (36000 times for an American put in log-price on 800 cells and 400 Crank–Nicolson steps), and PDAS
  // cycled between two active sets at a rim node whose multiplier fell inside the band.
  double c_min = infinity;
  for (std::size_t i = 0; i < level.grid.size(); ++i) c_min = std::min(c_min, level.coefficients.c(i));
  const double inverse_bound = c_min > 0 ? std::min(diameter2 / 8 / a_min, 1 / c_min) : diameter2 / 8 / a_min;
  double scale = 0;
  for (std::size_t i = 0; i < level.grid.size(); ++i) {
    scale = std::max(scale, std::abs(level.boundary[i]));
    scale = std::max(scale, std::abs(level.source[i]) * inverse_bound);
    if (std::isfinite(level.psi_lo[i])) scale = std::max(scale, std::abs(level.psi_lo[i]));
    if (std::isfinite(level.psi_hi[i])) scale = std::max(scale, std::abs(level.psi_hi[i]));
  }
  for (const NaturalData& natural : level.natural)
    for (int d = 0; d < level.grid.dim; ++d)
      scale = std::max(scale, std::abs(natural.value[d]) * std::sqrt(diameter2) / a_min);
  return scale;
}

/// Every other node of `fine`, which must have an even number of cells in each used dimension.
Level coarsen(const Level& fine) {
  const Grid& fg = fine.grid;
  std::array<int, 3> n_nodes{1, 1, 1};
  std::array<double, 3> spacing{0, 0, 0};
  for (int d = 0; d < fg.dim; ++d) {
    n_nodes[d] = (fg.n[d] - 1) / 2 + 1;
    spacing[d] = 2 * fg.h[d];
  }
  Level coarse;
  coarse.grid = make_grid(fg.dim, n_nodes, fg.lower, spacing);
  const std::size_t n = coarse.grid.size();
  coarse.source.resize(n);
  coarse.boundary.resize(n);
  coarse.psi_lo.resize(n);
  coarse.psi_hi.resize(n);
  coarse.has_equation.resize(n);
  coarse.pinned.resize(n);
  const NodeCoefficients& fc = fine.coefficients;
  NodeCoefficients& cc = coarse.coefficients;
  cc.dim = fc.dim;
  cc.n_diffusion = fc.n_diffusion;
  const std::size_t per_node = static_cast<std::size_t>(fc.n_diffusion);
  cc.diffusion.resize(n * per_node);
  cc.convection.resize(fc.convection.empty() ? 0 : n * fg.dim);
  cc.reaction.resize(fc.reaction.empty() ? 0 : n);
  if (fine.has_natural_nodes()) coarse.natural_slot.assign(n, -1);
  for (std::size_t index = 0; index < n; ++index) {
    const auto m = coarse.grid.multi_index(index);
    std::size_t f = 0;
    for (int d = 0; d < fg.dim; ++d) f += 2 * static_cast<std::size_t>(m[d]) * fg.stride[d];
    coarse.source[index] = fine.source[f];
    coarse.boundary[index] = fine.boundary[f];
    coarse.psi_lo[index] = fine.psi_lo[f];
    coarse.psi_hi[index] = fine.psi_hi[f];
    coarse.has_equation[index] = fine.has_equation[f];
    coarse.pinned[index] = fine.pinned[f];
    for (std::size_t k = 0; k < per_node; ++k) cc.diffusion[index * per_node + k] = fc.diffusion[f * per_node + k];
    if (!fc.convection.empty())
      for (int d = 0; d < fg.dim; ++d) cc.convection[index * fg.dim + d] = fc.convection[f * fg.dim + d];
    if (!fc.reaction.empty()) cc.reaction[index] = fc.reaction[f];
    if (fine.has_natural_nodes() && fine.natural_slot[f] >= 0) {
      coarse.natural_slot[index] = static_cast<int>(coarse.natural.size());
      coarse.natural.push_back(fine.natural[fine.natural_slot[f]]);
    }
  }
  return coarse;
}

/// Coarser than 4 cells per dimension the grid says too little about the contact set to help.
bool can_coarsen(const Level& level) {
  for (int d = 0; d < level.grid.dim; ++d) {
    const int cells = level.grid.n[d] - 1;
    if (cells % 2 != 0 || cells / 2 < 4) return false;
  }
  return true;
}

/// Multilinear prolongation from `coarse` to `fine` (fine = every node, coarse = every other one).
std::vector<double> prolongate(const Grid& coarse, const Grid& fine, const std::vector<double>& values) {
  std::vector<double> out(fine.size(), 0.0);
  for (std::size_t index = 0; index < fine.size(); ++index) {
    const auto m = fine.multi_index(index);
    double sum = 0;
    for (int corner = 0; corner < (1 << fine.dim); ++corner) {
      double weight = 1;
      std::size_t c = 0;
      for (int d = 0; d < fine.dim; ++d) {
        const int up = (corner >> d) & 1;
        if (m[d] % 2 == 0) {
          if (up) {
            weight = 0;
            break;
          }
          c += static_cast<std::size_t>(m[d] / 2) * coarse.stride[d];
        } else {
          weight *= 0.5;
          c += static_cast<std::size_t>(m[d] / 2 + up) * coarse.stride[d];
        }
      }
      if (weight != 0) sum += weight * values[c];
    }
    out[index] = sum;
  }
  return out;
}

double stencil_diagonal(const Grid& grid) {
  double c = 0;
  for (int d = 0; d < grid.dim; ++d) c += 2 / (grid.h[d] * grid.h[d]);
  return c;
}

/// (−Δ_h u − f) at an interior node.
double residual(const Level& level, const std::vector<double>& u, std::size_t i) {
  const Grid& g = level.grid;
  double r = -level.source[i];
  for (int d = 0; d < g.dim; ++d) {
    const std::size_t s = g.stride[d];
    r += (2 * u[i] - u[i - s] - u[i + s]) / (g.h[d] * g.h[d]);
  }
  return r;
}

/// The discrete operator on one grid. For −Δ with Dirichlet data only (`laplacian`) nothing is stored:
/// the 3/5/7-point stencil is applied directly, exactly as it always has been. Otherwise the rows of
/// nodes with an equation: (L_h u)_i = Σ_k weight[k]·u[column[k]] + constant[i], k in [row_begin[i],
/// row_begin[i+1]), columns sorted, the diagonal always present.
struct DiscreteOperator {
  bool laplacian = true;
  double laplacian_diagonal = 0;
  std::vector<std::size_t> row_begin, column;
  std::vector<double> weight;
  std::vector<double> constant;  ///< the Neumann/Robin data's part of L_h u
  std::vector<double> diagonal;  ///< weight of u_i in row i: the scale that turns λ into a displacement
  /// Row scaling of the linear system: 1/2 per Neumann/Robin side of the node (the share of a full cell
  /// that a boundary node's half cell covers), which makes the diffusion part symmetric.
  std::vector<double> volume;
  bool symmetric = true;  ///< the volume-scaled rows between nodes with an equation are symmetric
  bool upwind = false;    ///< convection by first-order upwinding (cell Péclet number above 1 somewhere)

  double decision_scale(std::size_t i) const { return laplacian ? laplacian_diagonal : diagonal[i]; }

  /// (L_h u − f) at a node with an equation.
  double residual(const Level& level, const std::vector<double>& u, std::size_t i) const {
    if (laplacian) return pinn::residual(level, u, i);
    double r = constant[i] - level.source[i];
    for (std::size_t k = row_begin[i]; k < row_begin[i + 1]; ++k) r += weight[k] * u[column[k]];
    return r;
  }
};

/// Accumulates one row of L_h as (node, weight) pairs; duplicates are merged when the row is stored.
class RowBuilder {
 public:
  void reset(std::size_t diagonal) {
    entries_.clear();
    entries_.emplace_back(diagonal, 0.0);
  }
  void add(std::size_t node, double weight) {
    if (weight != 0) entries_.emplace_back(node, weight);
  }
  /// Adds weight·D_e u(p): the centred difference along e, or the one-sided second-order one at the
  /// ends of the grid line (the boundary nodes' tangential derivatives at edges and corners).
  void add_derivative(const Grid& grid, std::size_t p, int e, double weight) {
    if (weight == 0) return;
    const int m = grid.multi_index(p)[e];
    const std::size_t s = grid.stride[e];
    const double w = weight / (2 * grid.h[e]);
    if (m > 0 && m < grid.n[e] - 1) {
      add(p + s, w);
      add(p - s, -w);
    } else if (m == 0) {
      add(p, -3 * w);
      add(p + s, 4 * w);
      add(p + 2 * s, -w);
    } else {
      add(p, 3 * w);
      add(p - s, -4 * w);
      add(p - 2 * s, w);
    }
  }
  void store(DiscreteOperator& op, std::size_t row) {
    std::sort(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (std::size_t k = 0; k < entries_.size(); ++k) {
      if (k > 0 && entries_[k].first == op.column.back()) {
        op.weight.back() += entries_[k].second;
        continue;
      }
      op.column.push_back(entries_[k].first);
      op.weight.push_back(entries_[k].second);
    }
    for (std::size_t k = op.row_begin[row]; k < op.column.size(); ++k)
      if (op.column[k] == row) op.diagonal[row] = op.weight[k];
  }

 private:
  std::vector<std::pair<std::size_t, double>> entries_;
};

/// Harmonic mean of the node values: the face value of a for the flux between two nodes.
double face_value(double a_left, double a_right) { return 2 * a_left * a_right / (a_left + a_right); }

/// L_h on one grid (see the header for the discretisation).
DiscreteOperator build_operator(const Level& level) {
  const Grid& grid = level.grid;
  const NodeCoefficients& coef = level.coefficients;
  DiscreteOperator op;
  if (coef.is_laplacian() && !level.has_natural_nodes()) {
    op.laplacian_diagonal = stencil_diagonal(grid);
    return op;
  }
  op.laplacian = false;
  const std::size_t n = grid.size();
  const int dim = grid.dim;
  op.row_begin.assign(n + 1, 0);
  op.constant.assign(n, 0.0);
  op.diagonal.assign(n, 0.0);
  op.volume.assign(n, 1.0);
  for (std::size_t i = 0; i < n && !coef.convection.empty(); ++i) {
    if (!level.has_equation[i]) continue;
    for (int d = 0; d < dim; ++d)
      if (std::abs(coef.b(i, d)) * grid.h[d] > 2 * coef.a(i, d, d)) op.upwind = true;
  }

  RowBuilder row;
  for (std::size_t i = 0; i < n; ++i) {
    op.row_begin[i] = op.column.size();
    if (!level.has_equation[i]) continue;
    row.reset(i);
    const auto m = grid.multi_index(i);
    const NaturalData* natural =
        level.has_natural_nodes() && level.natural_slot[i] >= 0 ? &level.natural[level.natural_slot[i]] : nullptr;
    for (int d = 0; d < dim; ++d) {
      const std::size_t s = grid.stride[d];
      const double h = grid.h[d];
      const double a_i = coef.a(i, d, d);
      const double b = coef.b(i, d);
      const bool at_lower = m[d] == 0, at_upper = m[d] == grid.n[d] - 1;
      if (!at_lower && !at_upper) {
        // −∂_d(A_dd ∂_d u), conservative; −∂_d(A_de ∂_e u) by centred differences of centred differences.
        const double a_plus = face_value(a_i, coef.a(i + s, d, d));
        const double a_minus = face_value(a_i, coef.a(i - s, d, d));
        row.add(i + s, -a_plus / (h * h));
        row.add(i - s, -a_minus / (h * h));
        row.add(i, (a_plus + a_minus) / (h * h));
        for (int e = 0; e < dim && coef.has_cross_terms(); ++e) {
          if (e == d) continue;
          row.add_derivative(grid, i + s, e, -coef.a(i + s, d, e) / (2 * h));
          row.add_derivative(grid, i - s, e, coef.a(i - s, d, e) / (2 * h));
        }
        if (b != 0 && !op.upwind) {
          row.add(i + s, b / (2 * h));
          row.add(i - s, -b / (2 * h));
        } else if (b > 0) {
          row.add(i, b / h);
          row.add(i - s, -b / h);
        } else if (b < 0) {
          row.add(i + s, b / h);
          row.add(i, -b / h);
        }
        continue;
      }
      // A Neumann/Robin side: the half cell between the boundary node and the face towards its inner
      // neighbour q, −(2/h)·(F_inner − F_boundary) with F = (A∇u)_d. The boundary flux comes from the
      // condition, F_boundary = σ(g − κu) with σ = −1 on a lower side (n = −e_d) and +1 on an upper one;
      // this is the centred ghost-node elimination written so that no coefficient is read outside Ω.
      const double sigma = at_lower ? -1.0 : 1.0;
      const std::size_t q = at_lower ? i + s : i - s;
      const double g = natural->value[d], kappa = natural->coefficient[d];
      op.volume[i] *= 0.5;
      const double a_face = face_value(a_i, coef.a(q, d, d));
      row.add(q, -2 * a_face / (h * h));
      row.add(i, 2 * a_face / (h * h) + 2 * kappa / h);
      op.constant[i] -= 2 * g / h;
      for (int e = 0; e < dim && coef.has_cross_terms(); ++e) {
        if (e == d) continue;
        // F_inner's cross part A_de ∂_e u at the face: the mean of its values at i and q.
        row.add_derivative(grid, i, e, sigma * coef.a(i, d, e) / h);
        row.add_derivative(grid, q, e, sigma * coef.a(q, d, e) / h);
      }
      const bool inflow = at_lower ? b > 0 : b < 0;  // the upwind neighbour would be the ghost node
      if (b != 0 && (!op.upwind || inflow)) {
        // ∂_d u from the condition: (σ(g − κu) − Σ_e A_de ∂_e u) / A_dd.
        row.add(i, -b * sigma * kappa / a_i);
        op.constant[i] += b * sigma * g / a_i;
        for (int e = 0; e < dim && coef.has_cross_terms(); ++e)
          if (e != d) row.add_derivative(grid, i, e, -b * coef.a(i, d, e) / a_i);
      } else if (b != 0) {
        // Outflow with upwinding: the one-sided difference towards the inner neighbour.
        row.add(q, -sigma * b / h);
        row.add(i, sigma * b / h);
      }
    }
    row.add(i, coef.c(i));
    row.store(op, i);
  }
  op.row_begin[n] = op.column.size();

  // Symmetry of the volume-scaled rows between unknowns decides the linear solver.
  auto weight_at = [&op](std::size_t i, std::size_t j) {
    const auto first = op.column.begin() + static_cast<std::ptrdiff_t>(op.row_begin[i]);
    const auto last = op.column.begin() + static_cast<std::ptrdiff_t>(op.row_begin[i + 1]);
    const auto it = std::lower_bound(first, last, j);
    return it != last && *it == j ? op.weight[static_cast<std::size_t>(it - op.column.begin())] : 0.0;
  };
  for (std::size_t i = 0; i < n && op.symmetric; ++i) {
    if (!level.has_equation[i]) continue;
    for (std::size_t k = op.row_begin[i]; k < op.row_begin[i + 1]; ++k) {
      const std::size_t j = op.column[k];
      if (j == i || !level.has_equation[j]) continue;
      const double here = op.volume[i] * op.weight[k], there = op.volume[j] * weight_at(j, i);
      if (std::abs(here - there) > 1e-12 * std::max(std::abs(here), std::abs(there))) {
        op.symmetric = false;
        break;
      }
    }
  }
  return op;
}

using SparseMatrix = Eigen::SparseMatrix<double>;

/// Solves the reduced SPD system; `x` holds the initial guess on entry (used by CG only).
void solve_reduced(const Grid& grid, const SparseMatrix& matrix, const Eigen::VectorXd& rhs, Eigen::VectorXd& x) {
  if (grid.dim == 3 && matrix.rows() >= iterative_min_unknowns_3d) {
    Eigen::ConjugateGradient<SparseMatrix, Eigen::Lower | Eigen::Upper> cg;
    cg.setTolerance(cg_tolerance);
    cg.setMaxIterations(std::max(500, 40 * std::max({grid.n[0], grid.n[1], grid.n[2]})));
    cg.compute(matrix);
    const Eigen::VectorXd solution = cg.solveWithGuess(rhs, x);
    if (cg.error() <= cg_accept) {
      x = solution;
      return;
    }
  }
  Eigen::SimplicialLDLT<SparseMatrix> ldlt(matrix);
  if (ldlt.info() != Eigen::Success)
    throw std::runtime_error("solve_fd_reference: sparse LDL^T factorisation of the reduced Laplacian failed");
  x = ldlt.solve(rhs);
  if (ldlt.info() != Eigen::Success)
    throw std::runtime_error("solve_fd_reference: sparse LDL^T solve of the reduced Laplacian failed");
}

/// Runs a (preconditioned) Krylov solver from the guess in `x`; true, with `x` replaced, when it reaches
/// `cg_accept` (a breakdown's NaN residual does not).
template <class Solver>
bool solve_iteratively(Solver& solver, const Grid& grid, const SparseMatrix& matrix, const Eigen::VectorXd& rhs,
                       Eigen::VectorXd& x) {
  solver.setTolerance(cg_tolerance);
  solver.setMaxIterations(std::max(500, 40 * std::max({grid.n[0], grid.n[1], grid.n[2]})));
  solver.compute(matrix);
  if (solver.info() != Eigen::Success) return false;
  const Eigen::VectorXd solution = solver.solveWithGuess(rhs, x);
  if (!(solver.error() <= cg_accept)) return false;
  x = solution;
  return true;
}

/// Solves a reduced system that is not symmetric (convection, cross terms next to a Neumann/Robin
/// side): sparse LU, or in 3D beyond a few thousand unknowns BiCGSTAB warm-started like CG above. Its
/// preconditioner is Jacobi first: on 48³ (the solver's default 3D reference grid) with convection,
/// Jacobi needs 50–140 iterations and 0.2–0.3 s per solve, where Eigen's IncompleteLUT with its default
/// fill spends 10–28 s in the factorisation alone and SparseLU 75 s. An ILUT with fill factor 2 and drop
/// tolerance 1e-4 (0.8 s there) is the fallback before LU.
void solve_nonsymmetric(const Grid& grid, const SparseMatrix& matrix, const Eigen::VectorXd& rhs, Eigen::VectorXd& x) {
  if (grid.dim == 3 && matrix.rows() >= iterative_min_unknowns_3d) {
    Eigen::BiCGSTAB<SparseMatrix, Eigen::DiagonalPreconditioner<double>> jacobi;
    if (solve_iteratively(jacobi, grid, matrix, rhs, x)) return;
    Eigen::BiCGSTAB<SparseMatrix, Eigen::IncompleteLUT<double>> ilut;
    ilut.preconditioner().setFillfactor(2);
    ilut.preconditioner().setDroptol(1e-4);
    if (solve_iteratively(ilut, grid, matrix, rhs, x)) return;
  }
  Eigen::SparseLU<SparseMatrix, Eigen::COLAMDOrdering<int>> lu;
  lu.compute(matrix);
  if (lu.info() != Eigen::Success)
    throw std::runtime_error("solve_fd_reference: sparse LU factorisation of the reduced operator failed: " +
                             lu.lastErrorMessage());
  x = lu.solve(rhs);
  if (lu.info() != Eigen::Success)
    throw std::runtime_error("solve_fd_reference: sparse LU solve of the reduced operator failed");
}

/// PDAS on one grid from the given initial active sets and guess for u (Dirichlet values included);
/// `delta` is the round-off band (in units of u).
LevelState run_pdas(const Level& level, const DiscreteOperator& op, std::vector<unsigned char> active_lo,
                    std::vector<unsigned char> active_hi, std::vector<double> u_guess, double delta,
                    int max_iterations) {
  const Grid& grid = level.grid;
  const std::size_t n = grid.size();
  std::array<double, 3> inv_h2{0, 0, 0};
  for (int d = 0; d < grid.dim; ++d) inv_h2[d] = 1 / (grid.h[d] * grid.h[d]);

  LevelState state;
  state.u = std::move(u_guess);
  state.lambda_lo.assign(n, 0.0);
  state.lambda_hi.assign(n, 0.0);

  std::vector<int> unknown(n, -1);
  std::vector<Eigen::Triplet<double>> triplets;
  std::vector<unsigned char> next_lo(n, 0), next_hi(n, 0);

  for (int iteration = 1; iteration <= max_iterations; ++iteration) {
    // Fixed values first, so that the right-hand side can read every known neighbour from u.
    int n_unknowns = 0;
    for (std::size_t i = 0; i < n; ++i) {
      unknown[i] = -1;
      if (!level.has_equation[i]) continue;
      if (level.pinned[i] || active_lo[i])
        state.u[i] = level.psi_lo[i];
      else if (active_hi[i])
        state.u[i] = level.psi_hi[i];
      else
        unknown[i] = n_unknowns++;
    }
    if (n_unknowns > 0) {
      triplets.clear();
      Eigen::VectorXd rhs(n_unknowns), solution(n_unknowns);
      if (op.laplacian) {
        const double c = op.laplacian_diagonal;
        triplets.reserve(static_cast<std::size_t>(n_unknowns) * (2 * grid.dim + 1));
        for (std::size_t i = 0; i < n; ++i) {
          const int row = unknown[i];
          if (row < 0) continue;
          double b = level.source[i];
          triplets.emplace_back(row, row, c);
          for (int d = 0; d < grid.dim; ++d) {
            for (const std::size_t j : {i - grid.stride[d], i + grid.stride[d]}) {
              if (unknown[j] >= 0)
                triplets.emplace_back(row, unknown[j], -inv_h2[d]);
              else
                b += inv_h2[d] * state.u[j];
            }
          }
          rhs[row] = b;
          solution[row] = state.u[i];
        }
      } else {
        triplets.reserve(op.column.size());
        for (std::size_t i = 0; i < n; ++i) {
          const int row = unknown[i];
          if (row < 0) continue;
          double b = level.source[i] - op.constant[i];
          const double volume = op.volume[i];
          for (std::size_t k = op.row_begin[i]; k < op.row_begin[i + 1]; ++k) {
            const std::size_t j = op.column[k];
            if (unknown[j] >= 0)
              triplets.emplace_back(row, unknown[j], volume * op.weight[k]);
            else
              b -= op.weight[k] * state.u[j];
          }
          rhs[row] = volume * b;
          solution[row] = state.u[i];
        }
      }
      SparseMatrix matrix(n_unknowns, n_unknowns);
      matrix.setFromTriplets(triplets.begin(), triplets.end());
      if (op.symmetric)
        solve_reduced(grid, matrix, rhs, solution);
      else
        solve_nonsymmetric(grid, matrix, rhs, solution);
      for (std::size_t i = 0; i < n; ++i)
        if (unknown[i] >= 0) state.u[i] = solution[unknown[i]];
    }

    bool changed = false;
    for (std::size_t i = 0; i < n; ++i) {
      state.lambda_lo[i] = state.lambda_hi[i] = 0;
      next_lo[i] = next_hi[i] = 0;
      if (!level.has_equation[i]) continue;
      if (level.pinned[i]) {
        const double r = op.residual(level, state.u, i);
        state.lambda_lo[i] = std::max(r, 0.0);
        state.lambda_hi[i] = std::max(-r, 0.0);
        continue;
      }
      if (active_lo[i]) state.lambda_lo[i] = op.residual(level, state.u, i);
      if (active_hi[i]) state.lambda_hi[i] = -op.residual(level, state.u, i);
      // λ/c turns the multiplier into a displacement so both terms share the round-off band.
      const double c = op.decision_scale(i);
      next_lo[i] = state.lambda_lo[i] / c + (level.psi_lo[i] - state.u[i]) > delta;
      next_hi[i] = !next_lo[i] && state.lambda_hi[i] / c + (state.u[i] - level.psi_hi[i]) > delta;
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
  for (std::size_t i = 0; i < n; ++i) {
    if (!level.pinned[i]) continue;
    active_lo[i] = state.lambda_lo[i] > 0 || state.lambda_hi[i] == 0;
    active_hi[i] = !active_lo[i];
  }
  state.active_lo = std::move(active_lo);
  state.active_hi = std::move(active_hi);
  return state;
}

struct LevelResult {
  LevelState state;
  bool upwind = false;
};

/// Solves on the coarser grid first (if any) to initialise the active sets, then runs PDAS here; with a
/// warm start (given on this grid only, never passed down) PDAS starts from its sets instead.
LevelResult solve_level(const Level& level, double delta, int max_iterations,
                        const FdReferenceWarmStart* warm_start = nullptr) {
  const std::size_t n = level.grid.size();
  const DiscreteOperator op = build_operator(level);
  std::vector<unsigned char> active_lo(n, 0), active_hi(n, 0);
  std::vector<double> u_guess = level.boundary;
  if (warm_start != nullptr) {
    for (std::size_t i = 0; i < n; ++i) {
      if (!level.has_equation[i]) continue;
      if (!warm_start->u.empty()) u_guess[i] = warm_start->u[i];
      if (level.pinned[i] || warm_start->contact_lower.empty()) continue;
      active_lo[i] = warm_start->contact_lower[i] != 0 && std::isfinite(level.psi_lo[i]);
      active_hi[i] = !active_lo[i] && warm_start->contact_upper[i] != 0 && std::isfinite(level.psi_hi[i]);
    }
  } else if (can_coarsen(level)) {
    Level coarse = coarsen(level);
    // A coarse grid that misses every Dirichlet/Robin node (parts given by markers) would be singular.
    if (is_anchored(coarse)) {
      const LevelState coarse_state = solve_level(coarse, delta, max_iterations).state;
      const std::vector<double> u = prolongate(coarse.grid, level.grid, coarse_state.u);
      const std::vector<double> lambda_lo = prolongate(coarse.grid, level.grid, coarse_state.lambda_lo);
      const std::vector<double> lambda_hi = prolongate(coarse.grid, level.grid, coarse_state.lambda_hi);
      for (std::size_t i = 0; i < n; ++i) {
        if (!level.has_equation[i]) continue;
        u_guess[i] = u[i];
        if (level.pinned[i]) continue;
        const double c = op.decision_scale(i);
        active_lo[i] = lambda_lo[i] / c + (level.psi_lo[i] - u[i]) > delta;
        active_hi[i] = !active_lo[i] && lambda_hi[i] / c + (u[i] - level.psi_hi[i]) > delta;
      }
    }
  }
  LevelResult result;
  result.state =
      run_pdas(level, op, std::move(active_lo), std::move(active_hi), std::move(u_guess), delta, max_iterations);
  result.upwind = op.upwind;
  return result;
}

}  // namespace

std::string FdReferenceOptions::validate() const {
  if (max_iterations < 1)
    return "FdReferenceOptions::max_iterations is " + std::to_string(max_iterations) + "; allowed: at least 1";
  return {};
}

double FdReferenceSolution::interpolate(const double* x) const {
  if (dim < 1 || dim > 3) throw std::logic_error("FdReferenceSolution::interpolate: dim must be 1, 2 or 3");
  std::size_t total = 1;
  for (int d = 0; d < dim; ++d) total *= static_cast<std::size_t>(n_nodes[d]);
  if (u.size() != total || total == 0)
    throw std::logic_error("FdReferenceSolution::interpolate: u does not hold one value per node");
  std::array<int, 3> cell{0, 0, 0};
  std::array<double, 3> weight{0, 0, 0};
  std::array<std::size_t, 3> stride{1, static_cast<std::size_t>(n_nodes[0]),
                                    static_cast<std::size_t>(n_nodes[0]) * n_nodes[1]};
  for (int d = 0; d < dim; ++d) {
    const int cells = n_nodes[d] - 1;
    const double t = (x[d] - lower[d]) / spacing[d];
    // Points computed as lower + k*spacing or read back from `upper` may miss the box by round-off.
    const double slack = 1e-9;
    if (!(t >= -slack && t <= cells + slack)) {
      std::ostringstream msg;
      msg.precision(12);
      msg << "FdReferenceSolution::interpolate: x[" << d << "] = " << x[d] << " is outside the grid's range ["
          << lower[d] << ", " << lower[d] + cells * spacing[d] << "]";
      throw std::invalid_argument(msg.str());
    }
    // Snapping a point that is a node up to round-off makes node values come back exactly.
    const double nearest = std::round(t);
    const double snapped = std::abs(t - nearest) <= 1e-10 ? nearest : t;
    const double clamped = std::min(std::max(snapped, 0.0), static_cast<double>(cells));
    cell[d] = std::min(static_cast<int>(std::floor(clamped)), cells - 1);
    weight[d] = clamped - cell[d];
  }
  double sum = 0;
  for (int corner = 0; corner < (1 << dim); ++corner) {
    double w = 1;
    std::size_t index = 0;
    for (int d = 0; d < dim; ++d) {
      const int up = (corner >> d) & 1;
      w *= up ? weight[d] : 1 - weight[d];
      index += static_cast<std::size_t>(cell[d] + up) * stride[d];
    }
    sum += w * u[index];
  }
  return sum;
}

std::vector<double> FdReferenceSolution::node(std::size_t index) const {
  if (dim < 1 || dim > 3) throw std::logic_error("FdReferenceSolution::node: dim must be 1, 2 or 3");
  const std::size_t total = static_cast<std::size_t>(n_nodes[0]) * n_nodes[1] * n_nodes[2];
  if (index >= total)
    throw std::out_of_range("FdReferenceSolution::node: index " + std::to_string(index) + " is not below the " +
                            std::to_string(total) + " nodes");
  std::vector<double> x(static_cast<std::size_t>(dim));
  std::size_t rest = index;
  for (int d = 0; d < dim; ++d) {
    x[d] = lower[d] + static_cast<double>(rest % n_nodes[d]) * spacing[d];
    rest /= n_nodes[d];
  }
  return x;
}

FdReferenceSolution solve_fd_reference(const FdReferenceProblem& problem, const FdReferenceOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const std::string option_problem = options.validate();
  if (!option_problem.empty()) throw std::invalid_argument(option_problem);
  validate_problem(problem);

  Level level = sample_problem(problem);
  if (!is_anchored(level))
    throw std::invalid_argument(
        "FdReferenceProblem: every boundary node is Neumann or Robin with kappa = 0 and op.reaction is zero, so "
        "L u = f determines u only up to a constant (the first PDAS solve would be singular); allowed: a Dirichlet "
        "part, a Robin part with kappa > 0 or a reaction c > 0 somewhere");
  const double delta = decision_tolerance * problem_magnitude(level);
  for (std::size_t i = 0; i < level.grid.size(); ++i)
    level.pinned[i] = level.has_equation[i] && level.psi_hi[i] - level.psi_lo[i] <= delta;

  const FdReferenceWarmStart& warm = options.warm_start;
  if (!warm.empty()) {
    const std::size_t n = level.grid.size();
    auto check = [n](std::size_t size, const char* field) {
      if (size != 0 && size != n)
        throw std::invalid_argument("FdReferenceOptions::warm_start." + std::string(field) + " has " +
                                    std::to_string(size) + " entries; allowed: none or one per node (" +
                                    std::to_string(n) + ")");
    };
    check(warm.contact_lower.size(), "contact_lower");
    check(warm.contact_upper.size(), "contact_upper");
    check(warm.u.size(), "u");
    if (warm.contact_lower.size() != warm.contact_upper.size())
      throw std::invalid_argument("FdReferenceOptions::warm_start has " + std::to_string(warm.contact_lower.size()) +
                                  " lower and " + std::to_string(warm.contact_upper.size()) +
                                  " upper contact flags; allowed: both empty or both one per node");
  }
  LevelResult result = solve_level(level, delta, options.max_iterations, warm.empty() ? nullptr : &warm);
  LevelState& state = result.state;

  FdReferenceSolution solution;
  solution.dim = problem.dim;
  solution.n_nodes = level.grid.n;
  solution.lower = level.grid.lower;
  solution.spacing = level.grid.h;
  solution.u = std::move(state.u);
  solution.lambda_lower = std::move(state.lambda_lo);
  solution.lambda_upper = std::move(state.lambda_hi);
  solution.contact_lower = std::move(state.active_lo);
  solution.contact_upper = std::move(state.active_hi);
  solution.iterations = state.iterations;
  solution.converged = state.converged;
  solution.upwind = result.upwind;
  solution.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return solution;
}

std::vector<double> apply_fd_operator(const FdReferenceProblem& problem, const std::vector<double>& v) {
  validate_problem(problem);
  const Level level = sample_problem(problem);
  if (v.size() != level.grid.size())
    throw std::invalid_argument("apply_fd_operator: v has " + std::to_string(v.size()) +
                                " values; allowed: one per node (" + std::to_string(level.grid.size()) + ")");
  const DiscreteOperator op = build_operator(level);
  std::vector<double> out(v.size(), 0.0);
  // residual() is L_h v − f; adding f back leaves L_h v with exactly the solver's stencil.
  for (std::size_t i = 0; i < v.size(); ++i)
    if (level.has_equation[i]) out[i] = op.residual(level, v, i) + level.source[i];
  return out;
}

}  // namespace pinn
