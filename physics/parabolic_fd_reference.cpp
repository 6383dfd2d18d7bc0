/// @file physics/parabolic_fd_reference.cpp
/// @brief Time stepping (Crank–Nicolson with a Rannacher start, or implicit Euler) of parabolic obstacle
/// problems, each step an elliptic obstacle problem solved by the FD/PDAS reference.
#include "physics/parabolic_fd_reference.hpp"

#include "physics/fd_reference_checks.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

namespace pinn {

namespace {

/// How far a requested output time may miss the time grid, in steps: round-off only.
constexpr double time_grid_slack = 1e-9;

/// How far u0 may lie outside [ψ_lo, ψ_hi] at t = 0, relative to 1 + |ψ|: round-off only.
constexpr double initial_obstacle_slack = 1e-9;

std::string format_number(double value) {
  std::ostringstream out;
  out.precision(12);
  out << value;
  return out.str();
}

/// The nodes of the box grid, numbered as FdReferenceSolution (x fastest), with the same coordinates the
/// elliptic solver computes (lower + m·h, h = (upper − lower)/n_cells), so that a node's coordinates map
/// back to its index exactly.
struct NodeGrid {
  int dim = 1;
  std::array<int, 3> n{1, 1, 1};
  std::array<double, 3> lower{0, 0, 0}, h{0, 0, 0};

  explicit NodeGrid(const ParabolicFdProblem& p) : dim(p.dim) {
    for (int d = 0; d < dim; ++d) {
      n[d] = p.n_cells[d] + 1;
      lower[d] = p.lower[d];
      h[d] = (p.upper[d] - p.lower[d]) / p.n_cells[d];
    }
  }
  std::size_t size() const { return static_cast<std::size_t>(n[0]) * n[1] * n[2]; }
  /// Coordinates of the node; returns whether it lies on ∂Ω.
  bool coordinates(std::size_t index, double* x) const {
    bool boundary = false;
    std::size_t rest = index;
    for (int d = 0; d < dim; ++d) {
      const int m = static_cast<int>(rest % static_cast<std::size_t>(n[d]));
      rest /= static_cast<std::size_t>(n[d]);
      x[d] = lower[d] + m * h[d];
      boundary = boundary || m == 0 || m == n[d] - 1;
    }
    return boundary;
  }
  /// The index of the node at x (x a node's coordinates as the elliptic solver computes them).
  std::size_t index_of(const double* x) const {
    std::size_t index = 0, stride = 1;
    for (int d = 0; d < dim; ++d) {
      const long m = std::lround((x[d] - lower[d]) / h[d]);
      index += static_cast<std::size_t>(std::clamp(m, 0L, static_cast<long>(n[d] - 1))) * stride;
      stride *= static_cast<std::size_t>(n[d]);
    }
    return index;
  }
};

void validate_problem(const ParabolicFdProblem& problem) {
  std::ostringstream msg;
  check_box_grid("ParabolicFdProblem", problem.dim, problem.lower, problem.upper, problem.n_cells);
  if (!std::isfinite(problem.final_time) || !(problem.final_time > 0)) {
    msg << "ParabolicFdProblem::final_time is " << problem.final_time << "; allowed: a finite T > 0";
    throw std::invalid_argument(msg.str());
  }
  if (problem.n_steps < 1) {
    msg << "ParabolicFdProblem::n_steps is " << problem.n_steps << "; allowed: at least 1";
    throw std::invalid_argument(msg.str());
  }
  if (!problem.source)
    throw std::invalid_argument("ParabolicFdProblem::source is empty; a source term f(x, t) is required");
  if (!problem.boundary)
    throw std::invalid_argument("ParabolicFdProblem::boundary is empty; boundary values g(x, t) are required");
  if (!problem.initial)
    throw std::invalid_argument("ParabolicFdProblem::initial is empty; an initial value u0(x) is required");
}

/// Runs `solve` (a call into the elliptic solver for the level at time t) and rewrites its refusals in
/// terms of ParabolicFdProblem: the fields it names have the same names there, and the time is added.
template <class Call>
auto at_time(double t, Call&& solve) -> decltype(solve()) {
  try {
    return solve();
  } catch (const std::invalid_argument& e) {
    std::string text = e.what();
    const std::string from = "FdReferenceProblem::", to = "ParabolicFdProblem::";
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
      text.replace(at, from.size(), to);
    throw std::invalid_argument("solve_parabolic_fd_reference at t = " + format_number(t) + ": " + text);
  }
}

/// The parts of every step's elliptic problem that do not change: the box, the grid and L.
FdReferenceProblem base_problem(const ParabolicFdProblem& p) {
  FdReferenceProblem e;
  e.dim = p.dim;
  e.lower = p.lower;
  e.upper = p.upper;
  e.n_cells = p.n_cells;
  e.op = p.op;
  return e;
}

/// Time stepping state shared by the steps: the problem, its grid, and samples of f.
class Stepper {
 public:
  Stepper(const ParabolicFdProblem& problem, const ParabolicFdOptions& options)
      : problem_(problem), options_(options), grid_(problem), base_(base_problem(problem)) {}

  const NodeGrid& grid() const { return grid_; }

  /// f(·, t) at every interior node (0 on ∂Ω, where it is not used), each value checked.
  std::vector<double> sample_source(double t) const {
    std::vector<double> f(grid_.size(), 0.0);
    double x[3] = {0, 0, 0};
    for (std::size_t i = 0; i < f.size(); ++i) {
      if (grid_.coordinates(i, x)) continue;
      f[i] = problem_.source(x, t);
      if (!std::isfinite(f[i]))
        throw std::invalid_argument("ParabolicFdProblem::source returned " + format_number(f[i]) +
                                    " at x = " + format_point(x, grid_.dim) + ", t = " + format_number(t) +
                                    "; allowed: a finite value");
    }
    return f;
  }

  /// L_h v at the interior nodes (the elliptic solver's stencil); also checks L's coefficients.
  std::vector<double> apply_operator(const std::vector<double>& v, double t) const {
    FdReferenceProblem e = base_;
    e.source = [](const double*) { return 0.0; };
    e.boundary = [](const double*) { return 0.0; };  // v carries the Dirichlet values
    return at_time(t, [&] { return apply_fd_operator(e, v); });
  }

  /// One elliptic obstacle problem L_h u + shift·u ≥ rhs at time t (obstacles and g at t), warm-started
  /// from `previous` if the options say so.
  FdReferenceSolution solve(double t, double shift, const std::vector<double>& rhs,
                            const FdReferenceSolution& previous) const {
    FdReferenceProblem e = base_;
    const ScalarFunction reaction = problem_.op.reaction;
    e.op.reaction = reaction ? ScalarFunction([reaction, shift](const double* x) { return reaction(x) + shift; })
                             : ScalarFunction([shift](const double*) { return shift; });
    // The step's source is nodal data: the solver samples it at the nodes only (coarse grids reuse those samples).
    const NodeGrid& grid = grid_;
    e.source = [&grid, &rhs](const double* x) { return rhs[grid.index_of(x)]; };
    const SpaceTimeFunction& g = problem_.boundary;
    e.boundary = [&g, t](const double* x) { return g(x, t); };
    if (problem_.lower_obstacle) {
      const SpaceTimeFunction& lo = problem_.lower_obstacle;
      e.lower_obstacle = [&lo, t](const double* x) { return lo(x, t); };
    }
    if (problem_.upper_obstacle) {
      const SpaceTimeFunction& hi = problem_.upper_obstacle;
      e.upper_obstacle = [&hi, t](const double* x) { return hi(x, t); };
    }
    FdReferenceOptions elliptic;
    elliptic.max_iterations = options_.max_iterations;
    if (options_.warm_start_from_previous_step) {
      elliptic.warm_start.contact_lower = previous.contact_lower;
      elliptic.warm_start.contact_upper = previous.contact_upper;
      elliptic.warm_start.u = previous.u;
    }
    return at_time(t, [&] { return solve_fd_reference(e, elliptic); });
  }

  /// Implicit Euler from (u_n at t) over dt: L_h u + u/dt ≥ f(t + dt) + u_n/dt. λ is already u_t + L u − f.
  FdReferenceSolution implicit_euler(const FdReferenceSolution& previous, double t, double dt) const {
    const double t_new = t + dt;
    std::vector<double> rhs = sample_source(t_new);
    for (std::size_t i = 0; i < rhs.size(); ++i) rhs[i] += previous.u[i] / dt;
    return solve(t_new, 1 / dt, rhs, previous);
  }

  /// Crank–Nicolson from (u_n at t) to t_new = t + dt:
  /// L_h u + (2/dt) u ≥ f(t_new) + f(t) + (2/dt) u_n − L_h u_n; λ halved to read as u_t + L u − f.
  FdReferenceSolution crank_nicolson(const FdReferenceSolution& previous, double t, double t_new) const {
    const double dt = t_new - t;
    std::vector<double> rhs = sample_source(t_new);
    const std::vector<double> f_old = sample_source(t);
    const std::vector<double> lu_old = apply_operator(previous.u, t);
    for (std::size_t i = 0; i < rhs.size(); ++i) rhs[i] += f_old[i] + 2 / dt * previous.u[i] - lu_old[i];
    FdReferenceSolution next = solve(t_new, 2 / dt, rhs, previous);
    for (double& l : next.lambda_lower) l *= 0.5;
    for (double& l : next.lambda_upper) l *= 0.5;
    return next;
  }

  /// u0 at the interior nodes and g(·, 0) on ∂Ω, refusing u0 outside the obstacles at t = 0.
  FdReferenceSolution initial_state() const {
    FdReferenceSolution s;
    s.dim = grid_.dim;
    s.n_nodes = grid_.n;
    s.lower = grid_.lower;
    s.spacing = grid_.h;
    const std::size_t n = grid_.size();
    s.u.assign(n, 0.0);
    s.lambda_lower.assign(n, 0.0);
    s.lambda_upper.assign(n, 0.0);
    s.contact_lower.assign(n, 0);
    s.contact_upper.assign(n, 0);
    s.converged = true;
    double x[3] = {0, 0, 0};
    auto refuse = [&](const char* field, double value, const char* allowed) {
      throw std::invalid_argument("ParabolicFdProblem::" + std::string(field) + " returned " + format_number(value) +
                                  " at x = " + format_point(x, grid_.dim) + ", t = 0; allowed: " + allowed);
    };
    for (std::size_t i = 0; i < n; ++i) {
      if (grid_.coordinates(i, x)) {
        s.u[i] = problem_.boundary(x, 0.0);
        if (!std::isfinite(s.u[i])) refuse("boundary", s.u[i], "a finite value");
        continue;
      }
      const double u0 = problem_.initial(x);
      if (!std::isfinite(u0)) refuse("initial", u0, "a finite value");
      s.u[i] = u0;
      if (problem_.lower_obstacle) {
        const double lo = problem_.lower_obstacle(x, 0.0);
        if (std::isfinite(lo) && u0 < lo - initial_obstacle_slack * (1 + std::abs(lo)))
          throw std::invalid_argument(
              "ParabolicFdProblem::initial is " + format_number(u0) + " at x = " + format_point(x, grid_.dim) +
              ", below lower_obstacle(x, 0) = " + format_number(lo) + "; allowed: u0 >= lower_obstacle at t = 0");
      }
      if (problem_.upper_obstacle) {
        const double hi = problem_.upper_obstacle(x, 0.0);
        if (std::isfinite(hi) && u0 > hi + initial_obstacle_slack * (1 + std::abs(hi)))
          throw std::invalid_argument(
              "ParabolicFdProblem::initial is " + format_number(u0) + " at x = " + format_point(x, grid_.dim) +
              ", above upper_obstacle(x, 0) = " + format_number(hi) + "; allowed: u0 <= upper_obstacle at t = 0");
      }
    }
    return s;
  }

 private:
  const ParabolicFdProblem& problem_;
  const ParabolicFdOptions& options_;
  NodeGrid grid_;
  FdReferenceProblem base_;
};

/// The time level t_n = n T / N, with t_N = T exactly.
double time_level(const ParabolicFdProblem& p, int n) {
  return n == p.n_steps ? p.final_time : p.final_time * n / p.n_steps;
}

/// Which time levels to keep: one flag per level 0..N.
std::vector<unsigned char> kept_levels(const ParabolicFdProblem& p, const ParabolicFdOptions& o) {
  std::vector<unsigned char> keep(static_cast<std::size_t>(p.n_steps) + 1, o.output_times.empty() ? 1 : 0);
  for (std::size_t k = 0; k < o.output_times.size(); ++k) {
    const double t = o.output_times[k];
    const double steps = t / p.final_time * p.n_steps;
    const double n = std::round(steps);
    if (!(t >= 0 && t <= p.final_time * (1 + time_grid_slack)) || std::abs(steps - n) > time_grid_slack) {
      std::ostringstream msg;
      msg.precision(12);
      msg << "ParabolicFdOptions::output_times[" << k << "] is " << t
          << "; allowed: a time level n*T/n_steps in [0, T] (T = " << p.final_time << ", n_steps = " << p.n_steps
          << ", dt = " << p.final_time / p.n_steps << ")";
      throw std::invalid_argument(msg.str());
    }
    keep[static_cast<std::size_t>(n)] = 1;
  }
  return keep;
}

}  // namespace

std::string ParabolicFdOptions::validate() const {
  std::ostringstream msg;
  if (scheme != ParabolicScheme::crank_nicolson && scheme != ParabolicScheme::implicit_euler) {
    msg << "ParabolicFdOptions::scheme is " << static_cast<int>(scheme)
        << "; allowed: ParabolicScheme::crank_nicolson or implicit_euler";
    return msg.str();
  }
  if (rannacher_steps < 0) {
    msg << "ParabolicFdOptions::rannacher_steps is " << rannacher_steps << "; allowed: at least 0";
    return msg.str();
  }
  if (max_iterations < 1) {
    msg << "ParabolicFdOptions::max_iterations is " << max_iterations << "; allowed: at least 1";
    return msg.str();
  }
  for (std::size_t k = 0; k < output_times.size(); ++k)
    if (!std::isfinite(output_times[k])) {
      msg << "ParabolicFdOptions::output_times[" << k << "] is " << output_times[k]
          << "; allowed: a finite time in [0, T]";
      return msg.str();
    }
  return {};
}

ParabolicFdSolution solve_parabolic_fd_reference(const ParabolicFdProblem& problem, const ParabolicFdOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const std::string option_problem = options.validate();
  if (!option_problem.empty()) throw std::invalid_argument(option_problem);
  validate_problem(problem);
  if (options.scheme == ParabolicScheme::crank_nicolson && options.rannacher_steps > problem.n_steps) {
    std::ostringstream msg;
    msg << "ParabolicFdOptions::rannacher_steps is " << options.rannacher_steps
        << "; allowed: at most ParabolicFdProblem::n_steps = " << problem.n_steps;
    throw std::invalid_argument(msg.str());
  }
  const std::vector<unsigned char> keep = kept_levels(problem, options);

  const Stepper stepper(problem, options);
  FdReferenceSolution current = stepper.initial_state();
  // Refuses bad coefficients of L (as the elliptic solver words it) before any step is taken; the steps'
  // reaction c + 1/Δt would hide a c < 0.
  stepper.apply_operator(current.u, 0.0);

  ParabolicFdSolution solution;
  solution.converged = true;
  if (keep[0]) {
    solution.times.push_back(0.0);
    solution.snapshots.push_back(current);
  }
  const bool crank_nicolson = options.scheme == ParabolicScheme::crank_nicolson;
  for (int n = 0; n < problem.n_steps; ++n) {
    const double t = time_level(problem, n), t_new = time_level(problem, n + 1);
    FdReferenceSolution next;
    if (!crank_nicolson) {
      next = stepper.implicit_euler(current, t, t_new - t);
      solution.n_solves += 1;
    } else if (n < options.rannacher_steps) {
      const double half = 0.5 * (t_new - t);
      const FdReferenceSolution middle = stepper.implicit_euler(current, t, half);
      next = stepper.implicit_euler(middle, t + half, t_new - (t + half));
      next.iterations += middle.iterations;
      next.converged = next.converged && middle.converged;
      solution.n_solves += 2;
    } else {
      next = stepper.crank_nicolson(current, t, t_new);
      solution.n_solves += 1;
    }
    solution.total_iterations += next.iterations;
    solution.converged = solution.converged && next.converged;
    if (n == 0 && !solution.snapshots.empty()) solution.snapshots.front().upwind = next.upwind;
    current = std::move(next);
    if (keep[static_cast<std::size_t>(n) + 1]) {
      solution.times.push_back(t_new);
      solution.snapshots.push_back(current);
    }
  }
  solution.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return solution;
}

}  // namespace pinn
