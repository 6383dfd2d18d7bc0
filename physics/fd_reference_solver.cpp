/// @file physics/fd_reference_solver.cpp
/// @brief Finite-difference + primal–dual active set reference solver for (double) obstacle problems on boxes.
#include "physics/fd_reference_solver.hpp"

#include <Eigen/IterativeLinearSolvers>
#include <Eigen/Sparse>
#include <Eigen/SparseCholesky>

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
  bool is_interior(std::size_t index) const {
    const auto m = multi_index(index);
    for (int d = 0; d < dim; ++d)
      if (m[d] == 0 || m[d] == n[d] - 1) return false;
    return true;
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

/// Everything PDAS needs on one grid. Fixed nodes (boundary) carry their value in `boundary`;
/// missing obstacles are ∓∞ so that the active-set tests need no special cases.
struct Level {
  Grid grid;
  std::vector<double> source, boundary, psi_lo, psi_hi;
  std::vector<unsigned char> interior;
  /// Interior nodes where ψ_hi − ψ_lo is within round-off: u is fixed there and the sign of the
  /// residual decides which multiplier carries it, since toggling between the sets would never settle.
  std::vector<unsigned char> pinned;
};

struct LevelState {
  std::vector<double> u, lambda_lo, lambda_hi;
  std::vector<unsigned char> active_lo, active_hi;
  int iterations = 0;
  bool converged = false;
};

std::string format_point(const double* x, int dim) {
  std::ostringstream out;
  out.precision(12);
  out << '(';
  for (int d = 0; d < dim; ++d) out << (d ? ", " : "") << x[d];
  out << ')';
  return out.str();
}

void validate_problem(const FdReferenceProblem& problem) {
  std::ostringstream msg;
  if (problem.dim < 1 || problem.dim > 3) {
    msg << "FdReferenceProblem::dim is " << problem.dim << "; allowed: 1, 2 or 3";
    throw std::invalid_argument(msg.str());
  }
  long long nodes = 1;
  for (int d = 0; d < problem.dim; ++d) {
    if (problem.n_cells[d] < 2) {
      msg << "FdReferenceProblem::n_cells[" << d << "] is " << problem.n_cells[d] << "; allowed: at least 2";
      throw std::invalid_argument(msg.str());
    }
    const double lo = problem.lower[d], hi = problem.upper[d];
    if (!std::isfinite(lo) || !std::isfinite(hi) || !(hi > lo)) {
      msg << "FdReferenceProblem::lower[" << d << "] = " << lo << " and upper[" << d << "] = " << hi
          << "; allowed: finite bounds with upper > lower";
      throw std::invalid_argument(msg.str());
    }
    nodes *= static_cast<long long>(problem.n_cells[d]) + 1;
    if (nodes > max_nodes) {
      msg << "FdReferenceProblem::n_cells gives more than " << max_nodes << " nodes; allowed: at most that many";
      throw std::invalid_argument(msg.str());
    }
  }
  if (!problem.source) throw std::invalid_argument("FdReferenceProblem::source is empty; a source term f is required");
  if (!problem.boundary)
    throw std::invalid_argument("FdReferenceProblem::boundary is empty; boundary values g are required");
}

/// Samples f, g and the obstacles on the requested grid, checking every value; coarser grids reuse
/// these samples because their nodes are a subset of these.
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
  level.interior.assign(n, 0);
  level.pinned.assign(n, 0);

  auto fail = [&](const char* field, double value, const double* x, const char* allowed) {
    std::ostringstream msg;
    msg << "FdReferenceProblem::" << field << " returned " << value << " at x = " << format_point(x, dim)
        << "; allowed: " << allowed;
    throw std::invalid_argument(msg.str());
  };
  double x[3] = {0, 0, 0};
  for (std::size_t index = 0; index < n; ++index) {
    const auto m = level.grid.multi_index(index);
    for (int d = 0; d < dim; ++d) x[d] = lower[d] + m[d] * spacing[d];
    const bool interior = level.grid.is_interior(index);
    level.interior[index] = interior;
    if (!interior) {
      const double g = problem.boundary(x);
      if (!std::isfinite(g)) fail("boundary", g, x, "a finite value");
      level.boundary[index] = g;
      continue;
    }
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

/// The magnitude of u the problem can produce, to scale the round-off band of active-set decisions.
double problem_magnitude(const Level& level) {
  double diameter2 = 0;
  for (int d = 0; d < level.grid.dim; ++d) {
    const double extent = level.grid.h[d] * (level.grid.n[d] - 1);
    diameter2 += extent * extent;
  }
  double scale = 0;
  for (std::size_t i = 0; i < level.grid.size(); ++i) {
    scale = std::max(scale, std::abs(level.boundary[i]));
    scale = std::max(scale, std::abs(level.source[i]) * diameter2 / 8);
    if (std::isfinite(level.psi_lo[i])) scale = std::max(scale, std::abs(level.psi_lo[i]));
    if (std::isfinite(level.psi_hi[i])) scale = std::max(scale, std::abs(level.psi_hi[i]));
  }
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
  coarse.interior.resize(n);
  coarse.pinned.resize(n);
  for (std::size_t index = 0; index < n; ++index) {
    const auto m = coarse.grid.multi_index(index);
    std::size_t f = 0;
    for (int d = 0; d < fg.dim; ++d) f += 2 * static_cast<std::size_t>(m[d]) * fg.stride[d];
    coarse.source[index] = fine.source[f];
    coarse.boundary[index] = fine.boundary[f];
    coarse.psi_lo[index] = fine.psi_lo[f];
    coarse.psi_hi[index] = fine.psi_hi[f];
    coarse.interior[index] = coarse.grid.is_interior(index);
    coarse.pinned[index] = fine.pinned[f];
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

/// PDAS on one grid from the given initial active sets and guess for u (boundary values included);
/// `delta` is the round-off band (in units of u).
LevelState run_pdas(const Level& level, std::vector<unsigned char> active_lo, std::vector<unsigned char> active_hi,
                    std::vector<double> u_guess, double delta, int max_iterations) {
  const Grid& grid = level.grid;
  const std::size_t n = grid.size();
  const double c = stencil_diagonal(grid);
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
      if (!level.interior[i]) continue;
      if (level.pinned[i] || active_lo[i])
        state.u[i] = level.psi_lo[i];
      else if (active_hi[i])
        state.u[i] = level.psi_hi[i];
      else
        unknown[i] = n_unknowns++;
    }
    if (n_unknowns > 0) {
      triplets.clear();
      triplets.reserve(static_cast<std::size_t>(n_unknowns) * (2 * grid.dim + 1));
      Eigen::VectorXd rhs(n_unknowns), solution(n_unknowns);
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
      SparseMatrix matrix(n_unknowns, n_unknowns);
      matrix.setFromTriplets(triplets.begin(), triplets.end());
      solve_reduced(grid, matrix, rhs, solution);
      for (std::size_t i = 0; i < n; ++i)
        if (unknown[i] >= 0) state.u[i] = solution[unknown[i]];
    }

    bool changed = false;
    for (std::size_t i = 0; i < n; ++i) {
      state.lambda_lo[i] = state.lambda_hi[i] = 0;
      next_lo[i] = next_hi[i] = 0;
      if (!level.interior[i]) continue;
      if (level.pinned[i]) {
        const double r = residual(level, state.u, i);
        state.lambda_lo[i] = std::max(r, 0.0);
        state.lambda_hi[i] = std::max(-r, 0.0);
        continue;
      }
      if (active_lo[i]) state.lambda_lo[i] = residual(level, state.u, i);
      if (active_hi[i]) state.lambda_hi[i] = -residual(level, state.u, i);
      // λ/c turns the multiplier into a displacement so both terms share the round-off band.
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

/// Solves on the coarser grid first (if any) to initialise the active sets, then runs PDAS here.
LevelState solve_level(const Level& level, double delta, int max_iterations) {
  const std::size_t n = level.grid.size();
  std::vector<unsigned char> active_lo(n, 0), active_hi(n, 0);
  std::vector<double> u_guess = level.boundary;
  if (can_coarsen(level)) {
    const Level coarse = coarsen(level);
    const LevelState coarse_state = solve_level(coarse, delta, max_iterations);
    const std::vector<double> u = prolongate(coarse.grid, level.grid, coarse_state.u);
    const std::vector<double> lambda_lo = prolongate(coarse.grid, level.grid, coarse_state.lambda_lo);
    const std::vector<double> lambda_hi = prolongate(coarse.grid, level.grid, coarse_state.lambda_hi);
    const double c = stencil_diagonal(level.grid);
    for (std::size_t i = 0; i < n; ++i) {
      if (!level.interior[i]) continue;
      u_guess[i] = u[i];
      if (level.pinned[i]) continue;
      active_lo[i] = lambda_lo[i] / c + (level.psi_lo[i] - u[i]) > delta;
      active_hi[i] = !active_lo[i] && lambda_hi[i] / c + (u[i] - level.psi_hi[i]) > delta;
    }
  }
  return run_pdas(level, std::move(active_lo), std::move(active_hi), std::move(u_guess), delta, max_iterations);
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
  const double delta = decision_tolerance * problem_magnitude(level);
  for (std::size_t i = 0; i < level.grid.size(); ++i)
    level.pinned[i] = level.interior[i] && level.psi_hi[i] - level.psi_lo[i] <= delta;

  LevelState state = solve_level(level, delta, options.max_iterations);

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
  solution.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return solution;
}

}  // namespace pinn
