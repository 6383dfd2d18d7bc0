/// @file tests/physics/test_fd_reference_solver.cpp
/// @brief The finite-difference PDAS obstacle solver against exact solutions, projected SOR and the
/// discrete complementarity conditions, in 1D, 2D and 3D.
#include "physics/fd_reference_solver.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using pinn::FdReferenceOptions;
using pinn::FdReferenceProblem;
using pinn::FdReferenceSolution;
using pinn::solve_fd_reference;

pinn::ScalarFunction constant(double value) {
  return [value](const double*) { return value; };
}

std::size_t flat_index(const FdReferenceSolution& s, int i, int j, int k) {
  return static_cast<std::size_t>(i) +
         static_cast<std::size_t>(s.n_nodes[0]) * (j + static_cast<std::size_t>(s.n_nodes[1]) * k);
}

bool is_boundary(const FdReferenceSolution& s, std::size_t index) {
  std::size_t rest = index;
  for (int d = 0; d < s.dim; ++d) {
    const std::size_t m = rest % s.n_nodes[d];
    rest /= s.n_nodes[d];
    if (m == 0 || m + 1 == static_cast<std::size_t>(s.n_nodes[d])) return true;
  }
  return false;
}

/// −Δ_h u − f at an interior node, recomputed independently of the solver.
double discrete_residual(const FdReferenceProblem& p, const FdReferenceSolution& s, std::size_t index) {
  const std::vector<double> x = s.node(index);
  double r = -p.source(x.data());
  std::size_t stride = 1;
  for (int d = 0; d < s.dim; ++d) {
    const double h = s.spacing[d];
    r += (2 * s.u[index] - s.u[index - stride] - s.u[index + stride]) / (h * h);
    stride *= s.n_nodes[d];
  }
  return r;
}

double relative_l2_error(const FdReferenceSolution& s, const std::function<double(const std::vector<double>&)>& exact) {
  double num = 0, den = 0;
  for (std::size_t i = 0; i < s.u.size(); ++i) {
    const double e = exact(s.node(i));
    num += (s.u[i] - e) * (s.u[i] - e);
    den += e * e;
  }
  return std::sqrt(num / den);
}

/// Checks every discrete condition the solution is supposed to satisfy: boundary values, bounds,
/// λ_lo − λ_hi = −Δ_h u − f on every interior node, λ ≥ 0, and u on the obstacle wherever λ > 0
/// or the contact flag is set. `residual_tol` is absolute, in units of f.
void expect_discrete_complementarity(const FdReferenceProblem& p, const FdReferenceSolution& s, double residual_tol) {
  ASSERT_EQ(s.u.size(), s.lambda_lower.size());
  ASSERT_EQ(s.u.size(), s.lambda_upper.size());
  ASSERT_EQ(s.u.size(), s.contact_lower.size());
  ASSERT_EQ(s.u.size(), s.contact_upper.size());
  // Stop after a handful of failing parts so that a broken solver does not flood the log.
  const ::testing::TestResult* result = ::testing::UnitTest::GetInstance()->current_test_info()->result();
  const int parts_before = result->total_part_count();
  for (std::size_t i = 0; i < s.u.size() && result->total_part_count() < parts_before + 20; ++i) {
    const std::vector<double> x = s.node(i);
    if (is_boundary(s, i)) {
      EXPECT_EQ(s.u[i], p.boundary(x.data())) << "node " << i;
      EXPECT_EQ(s.lambda_lower[i], 0.0);
      EXPECT_EQ(s.lambda_upper[i], 0.0);
      EXPECT_FALSE(s.contact_lower[i] || s.contact_upper[i]);
      continue;
    }
    const double lo = p.lower_obstacle ? p.lower_obstacle(x.data()) : -std::numeric_limits<double>::infinity();
    const double hi = p.upper_obstacle ? p.upper_obstacle(x.data()) : std::numeric_limits<double>::infinity();
    EXPECT_GE(s.u[i], lo - 1e-12) << "node " << i;
    EXPECT_LE(s.u[i], hi + 1e-12) << "node " << i;
    EXPECT_GE(s.lambda_lower[i], 0.0) << "node " << i;
    EXPECT_GE(s.lambda_upper[i], 0.0) << "node " << i;
    EXPECT_NEAR(s.lambda_lower[i] - s.lambda_upper[i], discrete_residual(p, s, i), residual_tol) << "node " << i;
    // Complementarity is exact by construction: u is set to the obstacle on the contact set.
    if (s.lambda_lower[i] > 0 || s.contact_lower[i]) {
      EXPECT_EQ(s.u[i], lo) << "node " << i;
    }
    if (s.lambda_upper[i] > 0 || s.contact_upper[i]) {
      EXPECT_EQ(s.u[i], hi) << "node " << i;
    }
    if (!s.contact_lower[i]) {
      EXPECT_EQ(s.lambda_lower[i], 0.0) << "node " << i;
    }
    if (!s.contact_upper[i]) {
      EXPECT_EQ(s.lambda_upper[i], 0.0) << "node " << i;
    }
  }
}

/// Projected SOR on the same discrete problem: an independent, slow but simple solver.
std::vector<double> projected_sor(const FdReferenceProblem& p, const FdReferenceSolution& layout, double omega) {
  std::vector<double> u(layout.u.size()), lo(u.size()), hi(u.size()), f(u.size());
  for (std::size_t i = 0; i < u.size(); ++i) {
    const std::vector<double> x = layout.node(i);
    lo[i] = p.lower_obstacle ? p.lower_obstacle(x.data()) : -1e300;
    hi[i] = p.upper_obstacle ? p.upper_obstacle(x.data()) : 1e300;
    f[i] = p.source(x.data());
    u[i] = is_boundary(layout, i) ? p.boundary(x.data()) : std::min(std::max(0.0, lo[i]), hi[i]);
  }
  for (int sweep = 0; sweep < 200000; ++sweep) {
    double change = 0;
    for (std::size_t i = 0; i < u.size(); ++i) {
      if (is_boundary(layout, i)) continue;
      double diag = 0, sum = f[i];
      std::size_t stride = 1;
      for (int d = 0; d < layout.dim; ++d) {
        const double w = 1 / (layout.spacing[d] * layout.spacing[d]);
        diag += 2 * w;
        sum += w * (u[i - stride] + u[i + stride]);
        stride *= layout.n_nodes[d];
      }
      const double updated = std::min(std::max((1 - omega) * u[i] + omega * sum / diag, lo[i]), hi[i]);
      change = std::max(change, std::abs(updated - u[i]));
      u[i] = updated;
    }
    if (change < 1e-15) break;
  }
  return u;
}

FdReferenceProblem obstacle_1d(int n_cells) {
  FdReferenceProblem p;
  p.dim = 1;
  p.n_cells = {n_cells, 1, 1};
  p.source = constant(0.0);
  p.boundary = constant(0.0);
  p.lower_obstacle = [](const double* x) { return 0.5 - 8 * (x[0] - 0.5) * (x[0] - 0.5); };
  return p;
}

double obstacle_1d_exact(double x) {
  const double a = std::sqrt(3.0) / 4, s = 4 * (2 - std::sqrt(3.0));
  if (x < a) return s * x;
  if (x > 1 - a) return s * (1 - x);
  return 0.5 - 8 * (x - 0.5) * (x - 0.5);
}

constexpr double radial_contact_radius = 0.697965148223374;

double radial_boundary(double r) {
  const double rs = radial_contact_radius;
  return -rs * rs * std::log(r / 2) / std::sqrt(1 - rs * rs);
}

FdReferenceProblem radial_2d(int n_cells) {
  FdReferenceProblem p;
  p.dim = 2;
  p.lower = {-2, -2, 0};
  p.upper = {2, 2, 1};
  p.n_cells = {n_cells, n_cells, 1};
  p.source = constant(0.0);
  p.boundary = [](const double* x) { return radial_boundary(std::hypot(x[0], x[1])); };
  p.lower_obstacle = [](const double* x) {
    const double r2 = x[0] * x[0] + x[1] * x[1];
    return r2 <= 1 ? std::sqrt(1 - r2) : -1.0;
  };
  return p;
}

double radial_2d_error(int n_cells) {
  const FdReferenceSolution s = solve_fd_reference(radial_2d(n_cells));
  EXPECT_TRUE(s.converged) << "N = " << n_cells;
  return relative_l2_error(s, [](const std::vector<double>& x) {
    const double r = std::hypot(x[0], x[1]);
    return r <= radial_contact_radius ? std::sqrt(1 - r * r) : radial_boundary(r);
  });
}

/// f changes sign at x = 1/2 and pushes u into the upper obstacle on the left and the lower one on
/// the right; the problem is odd about x = 1/2.
FdReferenceProblem double_obstacle_1d(int n_cells) {
  FdReferenceProblem p;
  p.dim = 1;
  p.n_cells = {n_cells, 1, 1};
  p.source = [](const double* x) { return 60 * std::cos(M_PI * x[0]); };
  p.boundary = constant(0.0);
  p.lower_obstacle = constant(-0.3);
  p.upper_obstacle = constant(0.3);
  return p;
}

FdReferenceProblem sphere_3d(int n_cells) {
  FdReferenceProblem p;
  p.dim = 3;
  p.lower = {-1, -1, -1};
  p.upper = {1, 1, 1};
  p.n_cells = {n_cells, n_cells, n_cells};
  p.source = constant(-1.0);
  p.boundary = constant(0.0);
  p.lower_obstacle = [](const double* x) {
    const double r2 = x[0] * x[0] + x[1] * x[1] + x[2] * x[2];
    return r2 < 0.49 ? std::sqrt(0.49 - r2) : -1.0;
  };
  return p;
}

TEST(FdReferenceSolver, Obstacle1dMatchesExactSolution) {
  const double a = std::sqrt(3.0) / 4;
  for (const auto& [n_cells, bound] : {std::pair{128, 3e-4}, std::pair{512, 1e-5}}) {
    const FdReferenceProblem p = obstacle_1d(n_cells);
    const FdReferenceSolution s = solve_fd_reference(p);
    ASSERT_TRUE(s.converged) << "N = " << n_cells;
    EXPECT_LT(relative_l2_error(s, [](const std::vector<double>& x) { return obstacle_1d_exact(x[0]); }), bound)
        << "N = " << n_cells;
    const double h = s.spacing[0];
    int checked = 0;
    for (std::size_t i = 0; i < s.u.size(); ++i) {
      const double x = s.node(i)[0];
      if (std::abs(x - 0.5) < 0.5 - a - 2 * h) {
        EXPECT_TRUE(s.contact_lower[i]) << "x = " << x;
        EXPECT_NEAR(s.lambda_lower[i], 16.0, 1e-6) << "x = " << x;  // −ψ'' with f = 0
        ++checked;
      } else if (std::abs(x - 0.5) > 0.5 - a + 2 * h) {
        EXPECT_FALSE(s.contact_lower[i]) << "x = " << x;
      }
    }
    EXPECT_GT(checked, 0);
    expect_discrete_complementarity(p, s, 1e-7);
  }
}

TEST(FdReferenceSolver, Radial2dConvergesAtSecondOrder) {
  const double e32 = radial_2d_error(32), e64 = radial_2d_error(64), e128 = radial_2d_error(128);
  // The free boundary's position relative to the nodes makes the ratio jumpy, hence "either".
  EXPECT_TRUE(e32 / e64 > 2.5 || e64 / e128 > 2.5) << e32 << ' ' << e64 << ' ' << e128;
  EXPECT_LT(e64, 6e-4);
  EXPECT_LT(e128, 2.5e-4);
  const FdReferenceProblem p = radial_2d(64);
  expect_discrete_complementarity(p, solve_fd_reference(p), 1e-7);
}

TEST(FdReferenceSolver, DoubleObstacle1dSatisfiesComplementarityAndMatchesProjectedSor) {
  for (int n_cells : {64, 65, 256}) {
    const FdReferenceProblem p = double_obstacle_1d(n_cells);
    const FdReferenceSolution s = solve_fd_reference(p);
    ASSERT_TRUE(s.converged) << "N = " << n_cells;
    const auto lower_contacts = std::count(s.contact_lower.begin(), s.contact_lower.end(), 1);
    const auto upper_contacts = std::count(s.contact_upper.begin(), s.contact_upper.end(), 1);
    EXPECT_GT(lower_contacts, n_cells / 10) << "N = " << n_cells;
    EXPECT_EQ(lower_contacts, upper_contacts) << "the problem is odd about x = 1/2";
    for (std::size_t i = 0; i < s.u.size(); ++i) {
      EXPECT_FALSE(s.contact_lower[i] && s.contact_upper[i]);
      if (s.contact_upper[i]) {
        EXPECT_LT(s.node(i)[0], 0.5);
      }
      EXPECT_NEAR(s.u[i], -s.u[s.u.size() - 1 - i], 1e-12);
    }
    expect_discrete_complementarity(p, s, 1e-7);
    if (n_cells <= 65) {
      const std::vector<double> reference = projected_sor(p, s, 1.9);
      for (std::size_t i = 0; i < s.u.size(); ++i) EXPECT_NEAR(s.u[i], reference[i], 1e-11) << "node " << i;
    }
  }
}

TEST(FdReferenceSolver, DoubleObstacle2dMatchesProjectedSor) {
  FdReferenceProblem p;
  p.dim = 2;
  p.lower = {0, -1, 0};
  p.upper = {2, 1, 1};
  p.n_cells = {24, 16, 1};  // anisotropic: h_x = 1/12, h_y = 1/8
  p.source = [](const double* x) { return 40 * std::sin(M_PI * x[0]) * (1 + x[1]); };
  p.boundary = [](const double* x) { return 0.1 * x[1]; };
  p.lower_obstacle = [](const double* x) { return -0.2 - 0.1 * x[0]; };
  p.upper_obstacle = [](const double* x) { return 0.4 - 0.1 * x[1] * x[1]; };
  const FdReferenceSolution s = solve_fd_reference(p);
  ASSERT_TRUE(s.converged);
  EXPECT_GT(std::count(s.contact_upper.begin(), s.contact_upper.end(), 1), 5);
  EXPECT_GT(std::count(s.contact_lower.begin(), s.contact_lower.end(), 1), 5);
  expect_discrete_complementarity(p, s, 1e-8);
  const std::vector<double> reference = projected_sor(p, s, 1.7);
  for (std::size_t i = 0; i < s.u.size(); ++i) EXPECT_NEAR(s.u[i], reference[i], 1e-11) << "node " << i;
}

TEST(FdReferenceSolver, SphericalObstacle3dIsSymmetricAndComplementary) {
  // 16³ goes through the direct solver, 24³ through conjugate gradients.
  for (const int n_cells : {16, 24}) {
    const FdReferenceProblem p = sphere_3d(n_cells);
    const FdReferenceSolution s = solve_fd_reference(p);
    ASSERT_TRUE(s.converged) << "N = " << n_cells;
    ASSERT_EQ(s.n_nodes, (std::array<int, 3>{n_cells + 1, n_cells + 1, n_cells + 1}));
    const int mid = n_cells / 2;
    const std::size_t centre = flat_index(s, mid, mid, mid);
    EXPECT_TRUE(s.contact_lower[centre]);
    EXPECT_DOUBLE_EQ(s.u[centre], 0.7);
    EXPECT_GT(std::count(s.contact_lower.begin(), s.contact_lower.end(), 1), 6);
    EXPECT_EQ(std::count(s.contact_upper.begin(), s.contact_upper.end(), 1), 0);
    expect_discrete_complementarity(p, s, 1e-8);
    for (int k = 0; k <= n_cells; ++k)
      for (int j = 0; j <= n_cells; ++j)
        for (int i = 0; i <= n_cells; ++i) {
          const std::size_t n = flat_index(s, i, j, k);
          EXPECT_NEAR(s.u[n], s.u[flat_index(s, j, i, k)], 1e-12);            // x ↔ y
          EXPECT_NEAR(s.u[n], s.u[flat_index(s, k, j, i)], 1e-12);            // x ↔ z
          EXPECT_NEAR(s.u[n], s.u[flat_index(s, n_cells - i, j, k)], 1e-12);  // x → −x
          EXPECT_EQ(s.contact_lower[n], s.contact_lower[flat_index(s, j, i, k)]);
        }
    const std::vector<double> reference = projected_sor(p, s, n_cells == 16 ? 1.65 : 1.75);
    for (std::size_t i = 0; i < s.u.size(); ++i) EXPECT_NEAR(s.u[i], reference[i], 1e-11) << "node " << i;
  }
}

TEST(FdReferenceSolver, PoissonWithInactiveObstaclesIsExactForQuadratics) {
  // The 3/5/7-point stencils are exact for quadratics, so with obstacles that never touch u the
  // solution must reproduce them to round-off, also on anisotropic grids.
  for (int dim = 1; dim <= 3; ++dim) {
    FdReferenceProblem p;
    p.dim = dim;
    p.lower = {-1, 0.5, 2};
    p.upper = {1, 1, 5};
    p.n_cells = {8, 6, 10};
    auto exact = [dim](const double* x) {
      double v = 1 + 0.5 * x[0] + x[0] * x[0];
      if (dim > 1) v += -2 * x[1] * x[1] + x[0] * x[1];
      if (dim > 2) v += 0.25 * x[2] * x[2] - x[1] * x[2];
      return v;
    };
    p.source = constant(dim == 1 ? -2.0 : dim == 2 ? 2.0 : 1.5);  // −Δ of `exact`
    p.boundary = exact;
    p.lower_obstacle = [exact](const double* x) { return exact(x) - 0.5; };
    p.upper_obstacle = [exact](const double* x) { return exact(x) + 0.5; };
    const FdReferenceSolution s = solve_fd_reference(p);
    ASSERT_TRUE(s.converged) << "dim " << dim;
    EXPECT_EQ(s.iterations, 1) << "no contact: the first solve is final";
    for (std::size_t i = 0; i < s.u.size(); ++i) {
      const std::vector<double> x = s.node(i);
      EXPECT_NEAR(s.u[i], exact(x.data()), 1e-12) << "dim " << dim << " node " << i;
      EXPECT_FALSE(s.contact_lower[i] || s.contact_upper[i]);
    }
    expect_discrete_complementarity(p, s, 1e-9);
  }
}

TEST(FdReferenceSolver, ActiveSetIterationTerminatesQuickly) {
  // Grid sequencing leaves only a few corrections on the requested grid.
  const FdReferenceSolution fine_1d = solve_fd_reference(obstacle_1d(512));
  EXPECT_TRUE(fine_1d.converged);
  EXPECT_LE(fine_1d.iterations, 5);
  const FdReferenceSolution fine_2d = solve_fd_reference(radial_2d(128));
  EXPECT_TRUE(fine_2d.converged);
  EXPECT_LE(fine_2d.iterations, 5);
  // Odd cell counts cannot be coarsened: a cold start, where the contact set shrinks node by node.
  const FdReferenceSolution cold = solve_fd_reference(obstacle_1d(63));
  EXPECT_TRUE(cold.converged);
  EXPECT_GT(cold.iterations, 1);
  EXPECT_LT(cold.iterations, 50);
  // Stopping at the cap must be reported, with u and λ still from a consistent solve.
  FdReferenceOptions capped;
  capped.max_iterations = 2;
  const FdReferenceProblem p = obstacle_1d(63);
  const FdReferenceSolution stopped = solve_fd_reference(p, capped);
  EXPECT_FALSE(stopped.converged);
  EXPECT_EQ(stopped.iterations, 2);
  for (std::size_t i = 1; i + 1 < stopped.u.size(); ++i) {
    const double r = discrete_residual(p, stopped, i);
    if (stopped.contact_lower[i])
      EXPECT_NEAR(stopped.lambda_lower[i], r, 1e-9);
    else
      EXPECT_NEAR(r, 0.0, 1e-9);
  }
}

TEST(FdReferenceSolver, DegenerateContactDoesNotCycle) {
  // u = ψ everywhere with λ = 0: every node is on the edge of the contact set.
  FdReferenceProblem p;
  p.dim = 2;
  p.n_cells = {32, 32, 1};
  p.source = constant(0.0);
  p.boundary = [](const double* x) { return 1 + 0.3 * x[0] - 0.7 * x[1]; };
  p.lower_obstacle = p.boundary;
  FdReferenceSolution s = solve_fd_reference(p);
  EXPECT_TRUE(s.converged);
  EXPECT_LE(s.iterations, 3);
  expect_discrete_complementarity(p, s, 1e-9);

  // Coinciding obstacles pin u; the multiplier's sign picks which obstacle carries it.
  p.source = [](const double* x) { return x[0] < 0.5 ? 5.0 : -5.0; };
  p.upper_obstacle = p.boundary;
  s = solve_fd_reference(p);
  EXPECT_TRUE(s.converged);
  EXPECT_EQ(s.iterations, 1) << "pinned nodes need no active-set search";
  expect_discrete_complementarity(p, s, 1e-9);
  for (std::size_t i = 0; i < s.u.size(); ++i) {
    if (is_boundary(s, i)) continue;
    const std::vector<double> x = s.node(i);
    EXPECT_EQ(s.u[i], p.boundary(x.data()));
    EXPECT_EQ(s.contact_lower[i] != 0, x[0] >= 0.5);
    EXPECT_EQ(s.contact_upper[i] != 0, x[0] < 0.5);
  }
}

TEST(FdReferenceSolver, InterpolateReproducesNodesAndLinearFunctions) {
  for (int dim = 1; dim <= 3; ++dim) {
    FdReferenceProblem p;
    p.dim = dim;
    p.lower = {-1, 0, 2};
    p.upper = {1, 3, 2.5};
    p.n_cells = {6, 9, 4};
    auto linear = [dim](const double* x) {
      return 0.3 + 1.5 * x[0] + (dim > 1 ? -0.8 * x[1] : 0.0) + (dim > 2 ? 2.2 * x[2] : 0.0);
    };
    p.source = constant(0.0);
    p.boundary = linear;
    const FdReferenceSolution s = solve_fd_reference(p);
    ASSERT_TRUE(s.converged);
    for (std::size_t i = 0; i < s.u.size(); ++i) {
      const std::vector<double> x = s.node(i);
      EXPECT_DOUBLE_EQ(s.interpolate(x.data()), s.u[i]) << "dim " << dim << " node " << i;
    }
    // Off-node points, including the far faces of the box.
    for (int t = 0; t <= 20; ++t) {
      double x[3];
      for (int d = 0; d < dim; ++d) {
        const double frac = std::fmod(0.137 * t * (d + 1) + 0.05 * d, 1.0);
        x[d] = t == 20 ? p.upper[d] : p.lower[d] + frac * (p.upper[d] - p.lower[d]);
      }
      EXPECT_NEAR(s.interpolate(x), linear(x), 1e-12) << "dim " << dim << " sample " << t;
    }
    double outside[3] = {p.lower[0], p.lower[1], p.lower[2]};
    outside[dim - 1] = p.upper[dim - 1] + 0.1;
    EXPECT_THROW(s.interpolate(outside), std::invalid_argument);
  }
  // A non-linear field on a 2D grid: interpolation is bilinear within the cell.
  const FdReferenceSolution s = solve_fd_reference(radial_2d(16));
  const double x[2] = {0.1, -0.3};  // cell with corners (0, -0.5) and (0.25, -0.25)
  const double wx = 0.1 / 0.25, wy = 0.2 / 0.25;
  const double expected = (1 - wx) * (1 - wy) * s.u[flat_index(s, 8, 6, 0)] +
                          wx * (1 - wy) * s.u[flat_index(s, 9, 6, 0)] + (1 - wx) * wy * s.u[flat_index(s, 8, 7, 0)] +
                          wx * wy * s.u[flat_index(s, 9, 7, 0)];
  EXPECT_NEAR(s.interpolate(x), expected, 1e-14);
}

void expect_invalid(const FdReferenceProblem& p, const std::string& field, const FdReferenceOptions& options = {}) {
  try {
    solve_fd_reference(p, options);
    ADD_FAILURE() << "no exception for invalid " << field;
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
  }
}

TEST(FdReferenceSolver, WarmStartFromTheSolutionItselfNeedsOneIteration) {
  // Odd cells: no grid sequencing, so a cold start takes many iterations; started from the solution's own
  // contact sets, PDAS confirms them with one solve and returns the same u.
  const FdReferenceProblem p = obstacle_1d(63);
  const FdReferenceSolution cold = solve_fd_reference(p);
  ASSERT_TRUE(cold.converged);
  ASSERT_GT(cold.iterations, 1);
  FdReferenceOptions options;
  options.warm_start.contact_lower = cold.contact_lower;
  options.warm_start.contact_upper = cold.contact_upper;
  options.warm_start.u = cold.u;
  const FdReferenceSolution warm = solve_fd_reference(p, options);
  EXPECT_TRUE(warm.converged);
  EXPECT_EQ(warm.iterations, 1);
  for (std::size_t i = 0; i < cold.u.size(); ++i) {
    EXPECT_NEAR(warm.u[i], cold.u[i], 1e-13);
    EXPECT_EQ(warm.contact_lower[i], cold.contact_lower[i]);
  }
  // Any start is valid, e.g. every node in contact.
  options.warm_start.contact_lower.assign(cold.u.size(), 1);
  const FdReferenceSolution all = solve_fd_reference(p, options);
  EXPECT_TRUE(all.converged);
  for (std::size_t i = 0; i < cold.u.size(); ++i) EXPECT_NEAR(all.u[i], cold.u[i], 1e-13);
  // Flags of the wrong size are refused.
  options.warm_start.contact_lower.assign(5, 0);
  expect_invalid(p, "FdReferenceOptions::warm_start.contact_lower has 5 entries; allowed: none or one per node (64)",
                 options);
}

TEST(FdReferenceSolver, ApplyOperatorMatchesTheStencil) {
  // −Δ_h of a quadratic is exact at interior nodes, 0 at Dirichlet nodes; with a reaction c u is added.
  FdReferenceProblem p;
  p.dim = 2;
  p.n_cells = {4, 6, 1};
  p.source = constant(0.0);
  p.boundary = constant(0.0);
  const FdReferenceSolution layout = solve_fd_reference(p);
  std::vector<double> v(layout.u.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::vector<double> x = layout.node(i);
    v[i] = x[0] * x[0] + 3 * x[1] * x[1];
  }
  std::vector<double> lv = pinn::apply_fd_operator(p, v);
  for (std::size_t i = 0; i < v.size(); ++i) EXPECT_NEAR(lv[i], is_boundary(layout, i) ? 0.0 : -8.0, 1e-10);
  p.op.reaction = constant(2.0);
  lv = pinn::apply_fd_operator(p, v);
  for (std::size_t i = 0; i < v.size(); ++i) EXPECT_NEAR(lv[i], is_boundary(layout, i) ? 0.0 : -8.0 + 2 * v[i], 1e-10);
  EXPECT_THROW(pinn::apply_fd_operator(p, std::vector<double>(3, 0.0)), std::invalid_argument);
}

TEST(FdReferenceSolver, InvalidInputThrowsNamingTheField) {
  const FdReferenceProblem valid = obstacle_1d(8);
  EXPECT_NO_THROW(solve_fd_reference(valid));

  FdReferenceProblem p = valid;
  p.n_cells[0] = 1;
  expect_invalid(p, "n_cells[0]");
  p = valid;
  p.dim = 4;
  expect_invalid(p, "dim");
  p.dim = 0;
  expect_invalid(p, "dim");
  p = valid;
  p.dim = 2;
  p.n_cells[1] = 0;
  expect_invalid(p, "n_cells[1]");
  p = valid;
  p.upper[0] = p.lower[0];
  expect_invalid(p, "upper[0]");
  p = valid;
  p.source = nullptr;
  expect_invalid(p, "source");
  p = valid;
  p.boundary = nullptr;
  expect_invalid(p, "boundary");
  p = valid;
  p.source = [](const double* x) { return x[0] > 0.6 ? std::nan("") : 0.0; };
  expect_invalid(p, "source");
  p = valid;
  p.lower_obstacle = constant(std::numeric_limits<double>::infinity());
  expect_invalid(p, "lower_obstacle");
  p = valid;
  p.upper_obstacle = constant(0.2);  // below ψ_lo near the centre
  expect_invalid(p, "upper_obstacle");
  FdReferenceOptions options;
  options.max_iterations = 0;
  EXPECT_FALSE(options.validate().empty());
  expect_invalid(valid, "max_iterations", options);
}

}  // namespace
