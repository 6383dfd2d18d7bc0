/// @file tests/physics/test_parabolic_fd_reference.cpp
/// @brief The parabolic FD/PDAS obstacle reference: orders of convergence against exact solutions of the
/// heat equation (obstacle inactive) in 1D, 2D and 3D, the Rannacher start on a kinked initial value, a
/// moving contact set (complementarity, self-convergence), the warm start, output times and refusals.
/// The convergence tables are printed (run with --gtest_filter='Parabolic*').
#include "physics/parabolic_fd_reference.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using pinn::ParabolicFdOptions;
using pinn::ParabolicFdProblem;
using pinn::ParabolicFdSolution;
using pinn::ParabolicScheme;
using pinn::solve_parabolic_fd_reference;

const double pi = std::acos(-1.0);

pinn::SpaceTimeFunction constant(double value) {
  return [value](const double*, double) { return value; };
}

/// Max-norm error at the last snapshot against exact(x, T).
double max_error(const ParabolicFdSolution& s, const std::function<double(const std::vector<double>&, double)>& exact) {
  const pinn::FdReferenceSolution& last = s.snapshots.back();
  double error = 0;
  for (std::size_t i = 0; i < last.u.size(); ++i)
    error = std::max(error, std::abs(last.u[i] - exact(last.node(i), s.times.back())));
  return error;
}

/// One row of a printed convergence table; `order` is log2 of the ratio to the previous row.
void print_row(const char* label, int cells, int steps, double value, double previous) {
  if (previous > 0)
    std::printf("  %-28s cells %4d  steps %4d  %.3e  order %.2f\n", label, cells, steps, value,
                std::log2(previous / value));
  else
    std::printf("  %-28s cells %4d  steps %4d  %.3e\n", label, cells, steps, value);
}

/// u_t − Δu = 0 on (0,1)^dim, u = e^{−dim π² t} Π sin(π x_d), g = 0; ψ_lo = −10 never touched.
ParabolicFdProblem heat_problem(int dim, int cells, int steps, double final_time) {
  ParabolicFdProblem p;
  p.dim = dim;
  p.n_cells = {cells, cells, cells};
  p.final_time = final_time;
  p.n_steps = steps;
  p.source = constant(0.0);
  p.boundary = constant(0.0);
  p.lower_obstacle = constant(-10.0);
  p.initial = [dim](const double* x) {
    double v = 1;
    for (int d = 0; d < dim; ++d) v *= std::sin(pi * x[d]);
    return v;
  };
  return p;
}

double heat_exact(const std::vector<double>& x, double t) {
  double v = std::exp(-static_cast<double>(x.size()) * pi * pi * t);
  for (double xd : x) v *= std::sin(pi * xd);
  return v;
}

TEST(ParabolicFdReference, HeatEquation1DCrankNicolsonIsSecondOrder) {
  std::printf("Heat 1D, Crank-Nicolson + Rannacher, max error at T = 0.1 (dx and dt halved together):\n");
  double previous = 0;
  for (int cells : {16, 32, 64, 128}) {
    const ParabolicFdSolution s = solve_parabolic_fd_reference(heat_problem(1, cells, cells, 0.1));
    ASSERT_TRUE(s.converged);
    EXPECT_EQ(s.times.size(), static_cast<std::size_t>(cells) + 1);  // every level kept by default
    const double error = max_error(s, heat_exact);
    print_row("heat 1D CN", cells, cells, error, previous);
    if (previous > 0) {
      EXPECT_GT(std::log2(previous / error), 1.85);
      EXPECT_LT(std::log2(previous / error), 2.15);
    }
    // The obstacle is never touched: no contact, λ = 0.
    for (const pinn::FdReferenceSolution& snapshot : s.snapshots)
      for (std::size_t i = 0; i < snapshot.u.size(); ++i) {
        EXPECT_EQ(snapshot.contact_lower[i], 0);
        EXPECT_EQ(snapshot.lambda_lower[i], 0.0);
      }
    previous = error;
  }
}

TEST(ParabolicFdReference, HeatEquation1DImplicitEulerIsFirstOrderInTime) {
  // A fine grid (h² far below the time error) so that the time error dominates.
  std::printf("Heat 1D, implicit Euler, max error at T = 0.1, 512 cells:\n");
  ParabolicFdOptions options;
  options.scheme = ParabolicScheme::implicit_euler;
  options.output_times = {0.1};
  double previous = 0;
  for (int steps : {10, 20, 40, 80}) {
    const ParabolicFdSolution s = solve_parabolic_fd_reference(heat_problem(1, 512, steps, 0.1), options);
    ASSERT_TRUE(s.converged);
    ASSERT_EQ(s.times.size(), 1u);
    const double error = max_error(s, heat_exact);
    print_row("heat 1D implicit Euler", 512, steps, error, previous);
    if (previous > 0) {
      EXPECT_GT(std::log2(previous / error), 0.9);
      EXPECT_LT(std::log2(previous / error), 1.1);
    }
    previous = error;
  }
}

TEST(ParabolicFdReference, HeatEquation2DCrankNicolsonIsSecondOrder) {
  std::printf("Heat 2D, Crank-Nicolson + Rannacher, max error at T = 0.05:\n");
  ParabolicFdOptions options;
  options.output_times = {0.05};
  double previous = 0;
  for (int cells : {8, 16, 32, 64}) {
    const ParabolicFdSolution s = solve_parabolic_fd_reference(heat_problem(2, cells, cells, 0.05), options);
    ASSERT_TRUE(s.converged);
    const double error = max_error(s, heat_exact);
    print_row("heat 2D CN", cells, cells, error, previous);
    if (previous > 0) {
      EXPECT_GT(std::log2(previous / error), 1.85);
      EXPECT_LT(std::log2(previous / error), 2.15);
    }
    previous = error;
  }
}

TEST(ParabolicFdReference, HeatEquation3DCrankNicolsonIsSecondOrder) {
  std::printf("Heat 3D, Crank-Nicolson + Rannacher, max error at T = 0.02:\n");
  ParabolicFdOptions options;
  options.output_times = {0.02};
  double previous = 0;
  for (int cells : {6, 12}) {
    const ParabolicFdSolution s = solve_parabolic_fd_reference(heat_problem(3, cells, cells, 0.02), options);
    ASSERT_TRUE(s.converged);
    const double error = max_error(s, heat_exact);
    print_row("heat 3D CN", cells, cells, error, previous);
    if (previous > 0) {
      EXPECT_GT(std::log2(previous / error), 1.8);
    }
    previous = error;
  }
}

/// u = (1 + x²) cos t: the second difference is exact for quadratics, so only the time error is left;
/// it checks the time-dependent source and boundary data of both time levels in Crank–Nicolson.
TEST(ParabolicFdReference, TimeDependentSourceAndBoundaryGiveTheSchemesOrderInTime) {
  auto exact = [](const std::vector<double>& x, double t) { return (1 + x[0] * x[0]) * std::cos(t); };
  ParabolicFdProblem p;
  p.n_cells = {8, 1, 1};
  p.final_time = 1;
  p.source = [](const double* x, double t) { return -(1 + x[0] * x[0]) * std::sin(t) - 2 * std::cos(t); };
  p.boundary = [](const double* x, double t) { return (1 + x[0] * x[0]) * std::cos(t); };
  p.initial = [](const double* x) { return 1 + x[0] * x[0]; };
  p.upper_obstacle = constant(100.0);
  for (ParabolicScheme scheme : {ParabolicScheme::crank_nicolson, ParabolicScheme::implicit_euler}) {
    const bool cn = scheme == ParabolicScheme::crank_nicolson;
    std::printf("u = (1 + x^2) cos t, %s, max error at T = 1, 8 cells:\n", cn ? "Crank-Nicolson" : "implicit Euler");
    ParabolicFdOptions options;
    options.scheme = scheme;
    double previous = 0;
    for (int steps : {8, 16, 32}) {
      p.n_steps = steps;
      const double error = max_error(solve_parabolic_fd_reference(p, options), exact);
      print_row(cn ? "quadratic-in-x CN" : "quadratic-in-x IE", 8, steps, error, previous);
      if (previous > 0) {
        EXPECT_NEAR(std::log2(previous / error), cn ? 2.0 : 1.0, 0.15);
      }
      previous = error;
    }
  }
}

/// u0 = min(x, 1 − x) (a kink at x = 1/2, a node), u_t = u_xx, g = 0: the exact solution is the sine
/// series Σ_{k odd} 4 (−1)^{(k−1)/2} / (π k)² e^{−π² k² t} sin(kπx). Δt = 4h: Crank–Nicolson's stiff modes
/// are then barely damped, and without the Rannacher start the kink's high frequencies survive to T.
TEST(ParabolicFdReference, RannacherStartRestoresSecondOrderForKinkedInitialValue) {
  auto exact = [](const std::vector<double>& x, double t) {
    double sum = 0;
    for (int k = 1; k < 4000; k += 2) {
      const double sign = ((k - 1) / 2) % 2 == 0 ? 1.0 : -1.0;
      sum += 4 * sign / (pi * k * pi * k) * std::exp(-pi * pi * k * k * t) * std::sin(k * pi * x[0]);
    }
    return sum;
  };
  ParabolicFdProblem p;
  p.final_time = 0.1;
  p.source = constant(0.0);
  p.boundary = constant(0.0);
  p.initial = [](const double* x) { return std::min(x[0], 1 - x[0]); };
  std::vector<double> with, without;
  for (int rannacher : {2, 0}) {
    std::printf("Tent u0, Crank-Nicolson with %d Rannacher steps, max error at T = 0.1:\n", rannacher);
    ParabolicFdOptions options;
    options.rannacher_steps = rannacher;
    options.output_times = {0.1};
    double previous = 0;
    for (int cells : {40, 80, 160, 320}) {
      p.n_cells = {cells, 1, 1};
      p.n_steps = cells / 4;  // Δt = 0.4 h: both halved together
      const double error = max_error(solve_parabolic_fd_reference(p, options), exact);
      print_row(rannacher ? "tent CN + Rannacher" : "tent plain CN", cells, p.n_steps, error, previous);
      (rannacher ? with : without).push_back(error);
      previous = error;
    }
  }
  for (std::size_t k = 1; k < with.size(); ++k) {
    EXPECT_GT(std::log2(with[k - 1] / with[k]), 1.8);
  }
  EXPECT_LT(with.back(), without.back());
}

/// Ω = (−1, 1), f = 0, g = 0, u0 = (1 − |x|)/10 (a kink at x = 0), below the obstacle
/// ψ(x, t) = 2t − 1/5 − 2x² that rises through it: the contact set appears around x = 0 shortly after
/// t = 0.1 and grows. Non-degenerate: on the contact set λ = ψ_t − ψ_xx − f = 6 > 0.
ParabolicFdProblem moving_contact_problem(int cells, int steps) {
  ParabolicFdProblem p;
  p.lower = {-1, 0, 0};
  p.upper = {1, 1, 1};
  p.n_cells = {cells, 1, 1};
  p.final_time = 0.4;
  p.n_steps = steps;
  p.source = constant(0.0);
  p.boundary = constant(0.0);
  p.lower_obstacle = [](const double* x, double t) { return 2 * t - 0.2 - 2 * x[0] * x[0]; };
  p.initial = [](const double* x) { return 0.1 * (1 - std::abs(x[0])); };
  return p;
}

/// Checks ψ ≤ u (to round-off), λ ≥ 0, λ = 0 off the contact set and u = ψ on it, at every snapshot;
/// returns min(u − ψ) over them.
double expect_complementarity(const ParabolicFdProblem& p, const ParabolicFdSolution& s) {
  double min_gap = 1e300;
  for (std::size_t k = 1; k < s.snapshots.size(); ++k) {
    const pinn::FdReferenceSolution& snapshot = s.snapshots[k];
    for (std::size_t i = 1; i + 1 < snapshot.u.size(); ++i) {
      const double x = snapshot.node(i)[0];
      const double psi = p.lower_obstacle(&x, s.times[k]);
      min_gap = std::min(min_gap, snapshot.u[i] - psi);
      EXPECT_GE(snapshot.u[i], psi - 1e-12) << "t = " << s.times[k] << ", x = " << x;
      EXPECT_GE(snapshot.lambda_lower[i], 0.0);
      if (snapshot.contact_lower[i]) {
        EXPECT_EQ(snapshot.u[i], psi);
      } else {
        EXPECT_EQ(snapshot.lambda_lower[i], 0.0);
      }
    }
  }
  return min_gap;
}

std::size_t contact_count(const pinn::FdReferenceSolution& s) {
  return static_cast<std::size_t>(std::count(s.contact_lower.begin(), s.contact_lower.end(), 1));
}

/// Σ_i h (a_i − b_{2i})² over the coarse nodes: the squared discrete L2 norm of the difference of a solution
/// and the next finer one.
double squared_difference(const pinn::FdReferenceSolution& coarse, const pinn::FdReferenceSolution& finer) {
  double sum = 0;
  for (std::size_t i = 0; i < coarse.u.size(); ++i) {
    const double d = coarse.u[i] - finer.u[2 * i];
    sum += d * d * coarse.spacing[0];
  }
  return sum;
}

TEST(ParabolicFdReference, MovingContactSetSatisfiesComplementarityAndSelfConverges) {
  ParabolicFdOptions options;
  for (int k = 1; k <= 8; ++k) options.output_times.push_back(0.05 * k);
  std::vector<ParabolicFdSolution> runs;
  const std::vector<int> cells_list = {64, 128, 256, 512, 1024};
  double min_gap = 1e300;
  for (int cells : cells_list) {
    const ParabolicFdProblem p = moving_contact_problem(cells, cells / 2);
    runs.push_back(solve_parabolic_fd_reference(p, options));
    const ParabolicFdSolution& s = runs.back();
    ASSERT_TRUE(s.converged);
    ASSERT_EQ(s.times.size(), 8u);
    min_gap = std::min(min_gap, expect_complementarity(p, s));
  }
  // The contact set moves: empty at t = 0.1, then growing.
  const ParabolicFdSolution& fine = runs.back();
  std::printf(
      "Moving contact set (1D), Crank-Nicolson + Rannacher, dt = 0.4 h; min(u - psi) over all runs and "
      "times: %.3g\n  contact nodes at t = 0.05, 0.1, ..., 0.4 (1024 cells):",
      min_gap);
  for (const pinn::FdReferenceSolution& snapshot : fine.snapshots) std::printf(" %zu", contact_count(snapshot));
  std::printf(
      "\n  Difference to the next finer solution at the coarse nodes, discrete L2 at T = 0.4 and in\n"
      "  L2(0.05..0.4; L2) (sampled every 0.05):\n");
  EXPECT_EQ(contact_count(fine.snapshots[1]), 0u);
  for (std::size_t k = 3; k < fine.snapshots.size(); ++k)
    EXPECT_GT(contact_count(fine.snapshots[k]), contact_count(fine.snapshots[k - 1]));

  double previous_t = 0, previous_st = 0;
  for (std::size_t r = 0; r + 1 < runs.size(); ++r) {
    const double at_t = std::sqrt(squared_difference(runs[r].snapshots.back(), runs[r + 1].snapshots.back()));
    double sum = 0;
    for (std::size_t k = 0; k < runs[r].snapshots.size(); ++k)
      sum += 0.05 * squared_difference(runs[r].snapshots[k], runs[r + 1].snapshots[k]);
    const double space_time = std::sqrt(sum);
    print_row("contact, L2 at T", cells_list[r], cells_list[r] / 2, at_t, previous_t);
    print_row("contact, L2 in space-time", cells_list[r], cells_list[r] / 2, space_time, previous_st);
    // At T alone the order wobbles (1.5-2.7 measured) with where the free boundary sits between nodes;
    // over time that averages out to 2.0-2.2.
    if (previous_t > 0) {
      EXPECT_GT(std::log2(previous_t / at_t), 1.3);
    }
    if (previous_st > 0) {
      EXPECT_GT(std::log2(previous_st / space_time), 1.8);
    }
    previous_t = at_t;
    previous_st = space_time;
  }
  const double first = std::sqrt(squared_difference(runs[0].snapshots.back(), runs[1].snapshots.back()));
  const double last = previous_t;
  const double mean_order = std::log2(first / last) / static_cast<double>(runs.size() - 2);
  std::printf("  mean order of the L2 difference at T over %zu halvings: %.2f\n", runs.size() - 2, mean_order);
  EXPECT_GT(mean_order, 1.8);
}

TEST(ParabolicFdReference, WarmStartFromPreviousStepMatchesGridSequencing) {
  const ParabolicFdProblem p = moving_contact_problem(256, 128);
  ParabolicFdOptions options;
  options.output_times = {0.4};
  const ParabolicFdSolution warm = solve_parabolic_fd_reference(p, options);
  options.warm_start_from_previous_step = false;
  const ParabolicFdSolution sequenced = solve_parabolic_fd_reference(p, options);
  ASSERT_TRUE(warm.converged);
  ASSERT_TRUE(sequenced.converged);
  std::printf(
      "256 cells, 128 steps: previous-step warm start %d PDAS iterations in %d solves (%.3f s); grid "
      "sequencing %d on the fine grids alone, plus the coarse grids' (%.3f s)\n",
      warm.total_iterations, warm.n_solves, warm.seconds, sequenced.total_iterations, sequenced.seconds);
  const pinn::FdReferenceSolution& a = warm.snapshots.back();
  const pinn::FdReferenceSolution& b = sequenced.snapshots.back();
  for (std::size_t i = 0; i < a.u.size(); ++i) {
    EXPECT_NEAR(a.u[i], b.u[i], 1e-12);
    EXPECT_EQ(a.contact_lower[i], b.contact_lower[i]);
  }
}

TEST(ParabolicFdReference, UpperObstacleIsTheMirrorImageOfTheLowerOne) {
  // u → −u maps the moving-contact problem onto one with an upper obstacle: the same discrete problem.
  const ParabolicFdProblem down = moving_contact_problem(64, 32);
  ParabolicFdProblem up = down;
  up.source = [f = down.source](const double* x, double t) { return -f(x, t); };
  up.boundary = [g = down.boundary](const double* x, double t) { return -g(x, t); };
  up.initial = [u0 = down.initial](const double* x) { return -u0(x); };
  up.lower_obstacle = nullptr;
  up.upper_obstacle = [psi = down.lower_obstacle](const double* x, double t) { return -psi(x, t); };
  for (ParabolicScheme scheme : {ParabolicScheme::crank_nicolson, ParabolicScheme::implicit_euler}) {
    ParabolicFdOptions options;
    options.scheme = scheme;
    const ParabolicFdSolution s_up = solve_parabolic_fd_reference(up, options);
    const ParabolicFdSolution s_down = solve_parabolic_fd_reference(down, options);
    ASSERT_TRUE(s_up.converged);
    const pinn::FdReferenceSolution& a = s_up.snapshots.back();
    const pinn::FdReferenceSolution& b = s_down.snapshots.back();
    EXPECT_GT(contact_count(b), 0u);
    for (std::size_t i = 0; i < a.u.size(); ++i) {
      EXPECT_NEAR(a.u[i], -b.u[i], 1e-12);
      EXPECT_EQ(a.contact_upper[i], b.contact_lower[i]);
      EXPECT_NEAR(a.lambda_upper[i], b.lambda_lower[i], 1e-9);
    }
  }
}

template <class Mutate>
void expect_refused(Mutate&& mutate, const std::string& expected, ParabolicFdOptions options = {}) {
  ParabolicFdProblem p = heat_problem(1, 8, 4, 0.1);
  mutate(p, options);
  try {
    solve_parabolic_fd_reference(p, options);
    ADD_FAILURE() << "not refused; expected a message containing: " << expected;
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
  }
}

TEST(ParabolicFdReference, RefusesBadInput) {
  using P = ParabolicFdProblem;
  using O = ParabolicFdOptions;
  expect_refused([](P& p, O&) { p.final_time = 0; }, "ParabolicFdProblem::final_time is 0; allowed: a finite T > 0");
  expect_refused([](P& p, O&) { p.final_time = -1; }, "final_time is -1");
  expect_refused([](P& p, O&) { p.final_time = std::nan(""); }, "final_time is nan");
  expect_refused([](P& p, O&) { p.n_steps = 0; }, "ParabolicFdProblem::n_steps is 0; allowed: at least 1");
  expect_refused([](P& p, O&) { p.initial = nullptr; }, "ParabolicFdProblem::initial is empty");
  expect_refused([](P& p, O&) { p.source = nullptr; }, "ParabolicFdProblem::source is empty");
  expect_refused([](P& p, O&) { p.boundary = nullptr; }, "ParabolicFdProblem::boundary is empty");
  expect_refused([](P& p, O&) { p.dim = 4; }, "ParabolicFdProblem::dim is 4; allowed: 1, 2 or 3");
  expect_refused([](P& p, O&) { p.n_cells[0] = 1; }, "ParabolicFdProblem::n_cells[0] is 1; allowed: at least 2");
  expect_refused([](P& p, O&) { p.upper[0] = p.lower[0]; }, "allowed: finite bounds with upper > lower (a box)");
  expect_refused([](P& p, O&) { p.initial = [](const double*) { return -20.0; }; },
                 "below lower_obstacle(x, 0) = -10; allowed: u0 >= lower_obstacle at t = 0");
  expect_refused([](P& p, O&) { p.initial = [](const double*) { return std::nan(""); }; },
                 "ParabolicFdProblem::initial returned nan");
  expect_refused([](P& p, O&) { p.source = [](const double*, double t) { return t > 0.05 ? std::nan("") : 0.0; }; },
                 "ParabolicFdProblem::source returned nan at x = (0.125), t = 0.075");
  // Refusals from inside a step name the parabolic field and the time.
  expect_refused([](P& p, O&) { p.upper_obstacle = [](const double*, double t) { return t > 0.05 ? -20.0 : 20.0; }; },
                 "solve_parabolic_fd_reference at t = 0.075: ParabolicFdProblem::lower_obstacle (-10) exceeds "
                 "upper_obstacle (-20)");
  expect_refused([](P& p, O&) { p.op.reaction = [](const double*) { return -1.0; }; },
                 "ParabolicFdProblem::op.reaction at the node x = (0): c = -1; allowed: a finite c >= 0");
  expect_refused([](P&, O& o) { o.rannacher_steps = 5; },
                 "ParabolicFdOptions::rannacher_steps is 5; allowed: at most ParabolicFdProblem::n_steps = 4");
  expect_refused([](P&, O& o) { o.rannacher_steps = -1; }, "rannacher_steps is -1; allowed: at least 0");
  expect_refused([](P&, O& o) { o.max_iterations = 0; }, "ParabolicFdOptions::max_iterations is 0");
  expect_refused([](P&, O& o) { o.output_times = {0.03}; },
                 "ParabolicFdOptions::output_times[0] is 0.03; allowed: a time level n*T/n_steps in [0, T]");
  expect_refused([](P&, O& o) { o.output_times = {0.2}; }, "output_times[0] is 0.2");
  expect_refused([](P&, O& o) { o.output_times = {0.1, std::nan("")}; }, "output_times[1] is nan");
}

TEST(ParabolicFdReference, KeepsRequestedOutputTimes) {
  ParabolicFdOptions options;
  options.output_times = {0.1, 0.0, 0.05, 0.05};
  const ParabolicFdSolution s = solve_parabolic_fd_reference(heat_problem(1, 8, 4, 0.1), options);
  ASSERT_EQ(s.times.size(), 3u);
  EXPECT_EQ(s.times[0], 0.0);
  EXPECT_DOUBLE_EQ(s.times[1], 0.05);
  EXPECT_EQ(s.times[2], 0.1);
  // t = 0: u0 inside, g on the boundary.
  EXPECT_NEAR(s.snapshots[0].u[4], 1.0, 1e-15);
  EXPECT_EQ(s.snapshots[0].u[0], 0.0);
  // 2 Rannacher steps (4 half steps) + 2 Crank–Nicolson steps.
  EXPECT_EQ(s.n_solves, 6);
}

}  // namespace
