/// @file tests/physics/test_fd_reference_operator.cpp
/// @brief The finite-difference PDAS solver with L u = −∇·(A∇u) + b·∇u + cu and Neumann/Robin sides:
/// second-order convergence on manufactured solutions with and without contact, the ghost node against
/// the reflected Dirichlet problem, and the refusals of invalid operators and boundary data.
#include "physics/fd_reference_solver.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using pinn::BoundaryKind;
using pinn::BoundaryPart;
using pinn::EllipticOperator;
using pinn::FdReferenceProblem;
using pinn::FdReferenceSolution;
using pinn::ScalarFunction;
using pinn::solve_fd_reference;

ScalarFunction constant(double value) {
  return [value](const double*) { return value; };
}

/// ∂_k u and ∂_k∂_l u by fourth-order central differences: the exact solutions are smooth, and the
/// differences' error (~1e-10) is far below the discretisation errors measured here (≥ 1e-6).
double derivative(const ScalarFunction& u, const double* x, int dim, int k) {
  const double h = 1e-3;
  double y[3] = {x[0], dim > 1 ? x[1] : 0.0, dim > 2 ? x[2] : 0.0};
  auto at = [&](double t) {
    y[k] = x[k] + t * h;
    return u(y);
  };
  return (at(-2) - 8 * at(-1) + 8 * at(1) - at(2)) / (12 * h);
}

double second_derivative(const ScalarFunction& u, const double* x, int dim, int k, int l) {
  if (k == l) {
    const double h = 1e-3;
    double y[3] = {x[0], dim > 1 ? x[1] : 0.0, dim > 2 ? x[2] : 0.0};
    auto at = [&](double t) {
      y[k] = x[k] + t * h;
      return u(y);
    };
    return (-at(-2) + 16 * at(-1) - 30 * at(0) + 16 * at(1) - at(2)) / (12 * h * h);
  }
  const ScalarFunction du = [&u, dim, l](const double* y) { return derivative(u, y, dim, l); };
  return derivative(du, x, dim, k);
}

/// A manufactured obstacle problem: u* is the solution, ψ_lo = u* − gap (gap ≥ 0, zero on the contact
/// set), f = L u* − λ* (λ* ≥ 0, zero off the contact set). Without `contact`, ψ_lo lies far below.
struct Manufactured {
  int dim = 1;
  std::array<double, 3> lower{0, 0, 0}, upper{1, 1, 1};
  ScalarFunction exact;
  EllipticOperator op;
  /// s(x) < 0 on the contact set, about −1 at its centre; ψ_lo = u* − gap(s), λ* = 10·max(0, −s)².
  ScalarFunction contact;
  /// The same for an upper obstacle ψ_hi = u* + gap_hi (empty: none), with f = L u* − λ*_lo + λ*_hi.
  ScalarFunction upper_contact;
  /// Natural sides: kind and κ (Robin) per side bit; their g comes from u*.
  std::vector<std::pair<unsigned, BoundaryKind>> natural_sides;
  ScalarFunction robin_coefficient = constant(0.0);
};

/// Zero for s ≤ 0, then t³/(1 + t³): C², and bounded so that the obstacle stays of the size of u*
/// (the round-off band of the active-set decisions scales with the obstacles' magnitude).
double gap(double s) {
  const double t3 = std::pow(std::max(0.0, s), 3);
  return t3 / (1 + t3);
}

double apply_operator(const Manufactured& m, const double* x) {
  const pinn::OperatorCoefficients c = pinn::evaluate_operator(m.op, m.dim, x, 1e-4);
  double value = c.reaction * m.exact(x);
  for (int r = 0; r < m.dim; ++r) {
    const double du = derivative(m.exact, x, m.dim, r);
    value += (c.convection[r] - c.diffusion_divergence[r]) * du;
    for (int s = 0; s < m.dim; ++s) value -= c.diffusion[3 * r + s] * second_derivative(m.exact, x, m.dim, r, s);
  }
  return value;
}

FdReferenceProblem make_problem(const Manufactured& m, int n_cells) {
  FdReferenceProblem p;
  p.dim = m.dim;
  p.lower = m.lower;
  p.upper = m.upper;
  for (int d = 0; d < m.dim; ++d) p.n_cells[d] = n_cells;
  p.op = m.op;
  p.boundary = m.exact;
  const Manufactured copy = m;
  p.source = [copy](const double* x) {
    double lambda = 0;
    if (copy.contact) lambda = 10 * std::pow(std::max(0.0, -copy.contact(x)), 2);
    if (copy.upper_contact) lambda -= 10 * std::pow(std::max(0.0, -copy.upper_contact(x)), 2);
    return apply_operator(copy, x) - lambda;
  };
  if (m.upper_contact)
    p.upper_obstacle = [copy](const double* x) { return copy.exact(x) + gap(copy.upper_contact(x)); };
  if (m.contact) {
    p.lower_obstacle = [copy](const double* x) { return copy.exact(x) - gap(copy.contact(x)); };
  } else {
    p.lower_obstacle = [copy](const double* x) { return copy.exact(x) - 10; };
  }
  for (const auto& [side, kind] : m.natural_sides) {
    BoundaryPart part;
    part.kind = kind;
    part.sides = side;
    // Side bits come in pairs per dimension (BoundarySide): 2d is the lower side of dimension d.
    int bit = 0;
    while ((side >> bit) != 1u) ++bit;
    const int d = bit / 2;
    const double normal = bit % 2 == 0 ? -1.0 : 1.0;
    const bool robin = kind == BoundaryKind::robin;
    part.value = [copy, d, normal, robin](const double* x) {
      const pinn::OperatorCoefficients c = pinn::evaluate_operator(copy.op, copy.dim, x, 1e-4);
      double flux = 0;
      for (int e = 0; e < copy.dim; ++e) flux += c.diffusion[3 * d + e] * derivative(copy.exact, x, copy.dim, e);
      return normal * flux + (robin ? copy.robin_coefficient(x) * copy.exact(x) : 0.0);
    };
    if (robin) part.coefficient = m.robin_coefficient;
    p.boundary_parts.push_back(part);
  }
  return p;
}

struct Convergence {
  std::array<double, 2> error{0, 0};
  double order = 0;
  std::array<long, 2> contacts{0, 0};
  FdReferenceSolution fine;
};

/// Max-norm errors against u* on grids n and 2n, and the observed order log2(e_n / e_2n).
Convergence observe(const char* name, const Manufactured& m, int n_cells, bool expect_upwind = false) {
  Convergence result;
  for (int level = 0; level < 2; ++level) {
    const int n = n_cells << level;
    const FdReferenceSolution s = solve_fd_reference(make_problem(m, n));
    EXPECT_TRUE(s.converged) << name << " n = " << n;
    EXPECT_EQ(s.upwind, expect_upwind) << name << " n = " << n;
    double error = 0;
    for (std::size_t i = 0; i < s.u.size(); ++i) {
      const std::vector<double> x = s.node(i);
      error = std::max(error, std::abs(s.u[i] - m.exact(x.data())));
    }
    result.error[level] = error;
    result.contacts[level] = std::count(s.contact_lower.begin(), s.contact_lower.end(), 1) +
                             std::count(s.contact_upper.begin(), s.contact_upper.end(), 1);
    if (level == 1) result.fine = s;
  }
  result.order = std::log2(result.error[0] / result.error[1]);
  std::printf("[ order    ] %-34s n = %3d: %.3e (%ld in contact)  n = %3d: %.3e (%ld in contact)  order %.2f\n", name,
              n_cells, result.error[0], result.contacts[0], 2 * n_cells, result.error[1], result.contacts[1],
              result.order);
  return result;
}

Convergence expect_second_order(const char* name, const Manufactured& m, int n_cells, bool with_contact) {
  Convergence c = observe(name, m, n_cells);
  EXPECT_GE(c.order, 1.8) << name;
  EXPECT_LE(c.order, 2.2) << name;
  if (with_contact) {
    EXPECT_GT(c.contacts[0], 0) << name;
    EXPECT_GT(c.contacts[1], 0) << name;
  } else {
    EXPECT_EQ(c.contacts[0] + c.contacts[1], 0) << name;
  }
  return c;
}

/// The conditions that do not need L_h: λ ≥ 0, u ≥ ψ_lo and u ≤ ψ_hi, u on the obstacle where the
/// contact flag is set and λ zero where it is not. Given the manufactured problem, the discrete multiplier must be
/// close to the manufactured one deep inside the contact set (λ_h = L_h ψ − f = λ* + O(h²) there).
void expect_complementarity(const FdReferenceProblem& p, const FdReferenceSolution& s,
                            const Manufactured* m = nullptr) {
  double worst = 0;
  int deep = 0;
  for (std::size_t i = 0; i < s.u.size(); ++i) {
    const std::vector<double> x = s.node(i);
    const double lo = p.lower_obstacle(x.data());
    const double hi = p.upper_obstacle ? p.upper_obstacle(x.data()) : std::numeric_limits<double>::infinity();
    ASSERT_GE(s.u[i], lo - 1e-12) << "node " << i;
    ASSERT_LE(s.u[i], hi + 1e-12) << "node " << i;
    ASSERT_GE(s.lambda_lower[i], 0.0) << "node " << i;
    ASSERT_GE(s.lambda_upper[i], 0.0) << "node " << i;
    if (s.contact_lower[i]) {
      ASSERT_EQ(s.u[i], lo) << "node " << i;
    } else {
      ASSERT_EQ(s.lambda_lower[i], 0.0) << "node " << i;
    }
    if (s.contact_upper[i]) {
      ASSERT_EQ(s.u[i], hi) << "node " << i;
    } else {
      ASSERT_EQ(s.lambda_upper[i], 0.0) << "node " << i;
    }
    if (m != nullptr && m->contact && m->contact(x.data()) < -0.5) {
      ASSERT_TRUE(s.contact_lower[i]) << "node " << i << " lies deep inside the contact set";
      worst = std::max(worst, std::abs(s.lambda_lower[i] - 10 * std::pow(m->contact(x.data()), 2)));
      ++deep;
    }
  }
  if (m != nullptr && m->contact) {
    EXPECT_GT(deep, 0);
    EXPECT_LT(worst, 0.1) << "λ* is 2.5 to 10 there";
  }
}

// ----- the cases -----------------------------------------------------------------------------------

Manufactured scalar_1d() {
  Manufactured m;
  m.dim = 1;
  m.exact = [](const double* x) { return std::sin(3 * x[0]) + x[0] * x[0]; };
  m.op.diffusion = {[](const double* x) { return 1 + 0.5 * std::sin(4 * x[0]) + x[0]; }};
  return m;
}

Manufactured scalar_2d() {
  Manufactured m;
  m.dim = 2;
  m.exact = [](const double* x) { return std::sin(2 * x[0]) * std::cos(1.5 * x[1]) + 0.5 * x[0] * x[1]; };
  m.op.diffusion = {[](const double* x) { return 1 + 0.5 * std::sin(2 * x[0] + 3 * x[1]); }};
  return m;
}

/// s(x) = |x − centre|²/r² − 1 for a contact set that is a ball (an interval in 1D, a disk in 2D).
ScalarFunction ball_contact(int dim, std::array<double, 3> centre, double r) {
  return [dim, centre, r](const double* x) {
    double d2 = 0;
    for (int k = 0; k < dim; ++k) d2 += (x[k] - centre[k]) * (x[k] - centre[k]);
    return d2 / (r * r) - 1;
  };
}

TEST(FdReferenceOperator, ScalarDiffusion1dConvergesAtSecondOrder) {
  Manufactured m = scalar_1d();
  expect_second_order("scalar a, 1D", m, 32, false);
  m.contact = ball_contact(1, {0.4, 0, 0}, 0.15);
  expect_second_order("scalar a, 1D, contact", m, 32, true);
}

TEST(FdReferenceOperator, ScalarDiffusion2dConvergesAtSecondOrder) {
  Manufactured m = scalar_2d();
  expect_second_order("scalar a, 2D", m, 32, false);
  m.contact = ball_contact(2, {0.5, 0.45, 0}, 0.25);
  expect_second_order("scalar a, 2D, contact", m, 32, true);
}

TEST(FdReferenceOperator, MatrixDiffusion2dConvergesAtSecondOrder) {
  Manufactured m = scalar_2d();
  const ScalarFunction off = [](const double* x) { return 0.5 + 0.25 * x[0] * x[1]; };
  m.op.diffusion = {[](const double* x) { return 2 + std::sin(x[0]); }, off, off,
                    [](const double* x) { return 1.5 + x[1] * x[1]; }};
  expect_second_order("matrix A, 2D", m, 32, false);
  m.contact = ball_contact(2, {0.5, 0.45, 0}, 0.25);
  expect_second_order("matrix A, 2D, contact", m, 32, true);
}

TEST(FdReferenceOperator, Convection1dConvergesAtSecondOrder) {
  Manufactured m = scalar_1d();
  m.op.convection = {[](const double* x) { return 6 + 2 * x[0]; }};
  expect_second_order("convection, 1D", m, 32, false);
  m.contact = ball_contact(1, {0.4, 0, 0}, 0.15);
  expect_second_order("convection, 1D, contact", m, 32, true);
}

TEST(FdReferenceOperator, Convection2dConvergesAtSecondOrder) {
  Manufactured m = scalar_2d();
  m.op.convection = {[](const double* x) { return 4 + x[1]; }, [](const double* x) { return -3 + x[0]; }};
  expect_second_order("convection, 2D", m, 32, false);
  m.contact = ball_contact(2, {0.5, 0.45, 0}, 0.25);
  expect_second_order("convection, 2D, contact", m, 32, true);
}

TEST(FdReferenceOperator, Reaction2dConvergesAtSecondOrder) {
  Manufactured m = scalar_2d();
  m.op.reaction = [](const double* x) { return 5 + 3 * x[0]; };
  expect_second_order("reaction, 2D", m, 32, false);
  m.contact = ball_contact(2, {0.5, 0.45, 0}, 0.25);
  expect_second_order("reaction, 2D, contact", m, 32, true);
}

TEST(FdReferenceOperator, NeumannSideConvergesAtSecondOrder) {
  Manufactured m = scalar_2d();
  m.natural_sides = {{pinn::side_left, BoundaryKind::neumann}};
  expect_second_order("Neumann left, 2D", m, 32, false);
  // The contact set reaches the Neumann side: its nodes are in contact too.
  m.contact = ball_contact(2, {0.0, 0.5, 0}, 0.3);
  expect_second_order("Neumann left, 2D, contact", m, 32, true);
}

TEST(FdReferenceOperator, RobinSideConvergesAtSecondOrder) {
  Manufactured m = scalar_2d();
  m.natural_sides = {{pinn::side_top, BoundaryKind::robin}};
  m.robin_coefficient = [](const double* x) { return 1 + x[0]; };
  expect_second_order("Robin top, 2D", m, 32, false);
  m.contact = ball_contact(2, {0.5, 0.45, 0}, 0.25);
  expect_second_order("Robin top, 2D, contact", m, 32, true);
}

TEST(FdReferenceOperator, Diffusion3dConvergesAtSecondOrder) {
  Manufactured m;
  m.dim = 3;
  m.exact = [](const double* x) { return std::sin(2 * x[0]) * std::cos(x[1]) * std::exp(0.5 * x[2]); };
  m.op.diffusion = {[](const double* x) { return 1 + 0.5 * x[0] * x[1] + 0.3 * x[2]; }};
  expect_second_order("scalar a, 3D", m, 8, false);
  m.contact = ball_contact(3, {0.5, 0.5, 0.5}, 0.3);
  expect_second_order("scalar a, 3D, contact", m, 8, true);
}

TEST(FdReferenceOperator, Everything2dConvergesAtSecondOrder) {
  // Matrix A, convection, reaction, a Neumann and a Robin side meeting at a corner.
  Manufactured m = scalar_2d();
  const ScalarFunction off = [](const double* x) { return 0.3 + 0.2 * x[0]; };
  m.op.diffusion = {[](const double* x) { return 2 + std::sin(x[0]); }, off, off,
                    [](const double* x) { return 1.5 + x[1] * x[1]; }};
  m.op.convection = {[](const double* x) { return 3 + x[1]; }, [](const double*) { return -2.0; }};
  m.op.reaction = [](const double* x) { return 1 + x[0] * x[1]; };
  m.natural_sides = {{pinn::side_left, BoundaryKind::neumann}, {pinn::side_bottom, BoundaryKind::robin}};
  m.robin_coefficient = [](const double* x) { return 2 + x[0]; };
  expect_second_order("all terms, Neumann + Robin corner", m, 32, false);
  m.contact = ball_contact(2, {0.1, 0.1, 0}, 0.3);
  expect_second_order("all terms, corner, contact", m, 32, true);
}

TEST(FdReferenceOperator, DoubleObstacleWithNonsymmetricOperatorConverges) {
  // Everything at once, with an upper obstacle touching too: nonsymmetric, not an M-matrix.
  Manufactured m = scalar_2d();
  const ScalarFunction off = [](const double* x) { return 0.3 + 0.2 * x[0]; };
  m.op.diffusion = {[](const double* x) { return 2 + std::sin(x[0]); }, off, off,
                    [](const double* x) { return 1.5 + x[1] * x[1]; }};
  m.op.convection = {[](const double* x) { return 3 + x[1]; }, [](const double*) { return -2.0; }};
  m.natural_sides = {{pinn::side_right, BoundaryKind::neumann}};
  m.contact = ball_contact(2, {0.3, 0.3, 0}, 0.2);
  m.upper_contact = ball_contact(2, {0.7, 0.7, 0}, 0.2);
  const Convergence c = expect_second_order("double obstacle, all terms", m, 32, true);
  const FdReferenceSolution& s = c.fine;
  EXPECT_GT(std::count(s.contact_upper.begin(), s.contact_upper.end(), 1), 20);
  EXPECT_GT(std::count(s.contact_lower.begin(), s.contact_lower.end(), 1), 20);
  expect_complementarity(make_problem(m, 64), s, &m);
}

TEST(FdReferenceOperator, ContactReachesNeumannNodesAndMultipliersMatch) {
  Manufactured m = scalar_2d();
  m.op.convection = {[](const double* x) { return 2 - x[1]; }, [](const double* x) { return 1 + x[0]; }};
  m.op.reaction = [](const double* x) { return 1 + x[1]; };
  m.natural_sides = {{pinn::side_left, BoundaryKind::neumann}, {pinn::side_bottom, BoundaryKind::robin}};
  m.robin_coefficient = constant(1.5);
  m.contact = ball_contact(2, {0.0, 0.4, 0}, 0.35);
  const FdReferenceProblem p = make_problem(m, 64);
  const FdReferenceSolution s = solve_fd_reference(p);
  ASSERT_TRUE(s.converged);
  expect_complementarity(p, s, &m);
  int on_neumann_side = 0;
  for (std::size_t i = 0; i < s.u.size(); i += static_cast<std::size_t>(s.n_nodes[0]))  // x = 0
    on_neumann_side += s.contact_lower[i];
  EXPECT_GT(on_neumann_side, 10) << "the obstacle acts on the Neumann nodes";
  // The corner of the two natural sides is an unknown; the corners touching a Dirichlet side are not.
  EXPECT_NE(s.u[0], p.boundary(s.node(0).data()));
  const std::size_t top_left = static_cast<std::size_t>(s.n_nodes[0]) * (s.n_nodes[1] - 1);
  EXPECT_EQ(s.u[top_left], p.boundary(s.node(top_left).data()));
  EXPECT_EQ(s.u[s.n_nodes[0] - 1], p.boundary(s.node(s.n_nodes[0] - 1).data()));
}

TEST(FdReferenceOperator, Natural3dSidesAndNonsymmetricIterativeSolveConverge) {
  // 16³ has 3375 unknowns with Neumann/Robin nodes: the nonsymmetric system goes through BiCGSTAB;
  // two Neumann/Robin faces meet along an edge.
  Manufactured m;
  m.dim = 3;
  m.exact = [](const double* x) { return std::sin(2 * x[0]) * std::cos(x[1]) * std::exp(0.5 * x[2]); };
  m.op.diffusion = {[](const double* x) { return 1 + 0.5 * x[0] * x[1] + 0.3 * x[2]; }};
  m.op.convection = {constant(2.0), [](const double* x) { return -1 + x[2]; }, constant(0.5)};
  m.natural_sides = {{pinn::side_left, BoundaryKind::neumann}, {pinn::side_front, BoundaryKind::robin}};
  m.robin_coefficient = constant(2.0);
  expect_second_order("3D, convection, Neumann + Robin edge", m, 8, false);
}

/// The problem on (−1, 1) (×(0, 1)) with data even in x, reduced to (0, 1) (×(0, 1)) with u_x = 0 at
/// x = 0: a node-for-node reflection of the ghost node, so both must give the same u to round-off.
FdReferenceProblem mirror_problem(int dim, bool half, bool matrix) {
  FdReferenceProblem p;
  p.dim = dim;
  p.lower = {half ? 0.0 : -1.0, 0, 0};
  p.upper = {1, 1, 1};
  p.n_cells = {half ? 16 : 32, 16, 1};
  auto a = [](const double* x) { return 1 + x[0] * x[0] + 0.5 * x[1]; };
  if (matrix && dim == 2) {
    // A_xy odd in x keeps the reflection a symmetry of −∇·(A∇u).
    const ScalarFunction off = [](const double* x) { return 0.4 * x[0] * (1 - x[1]); };
    p.op.diffusion = {a, off, off, [](const double* x) { return 1.5 + x[0] * x[0]; }};
  } else {
    p.op.diffusion = {a};
  }
  p.op.convection = {[](const double* x) { return 3 * x[0]; }};  // b_x odd
  if (dim == 2) p.op.convection.emplace_back([](const double* x) { return 1 + x[0] * x[0]; });
  p.op.reaction = [](const double* x) { return 1 + x[0] * x[0]; };
  p.source = [](const double* x) { return -4 * std::cos(2 * x[0]) - 2; };
  p.boundary = [](const double* x) { return 0.2 * x[0] * x[0]; };
  p.lower_obstacle = [dim](const double* x) {
    const double r2 = x[0] * x[0] + (dim == 2 ? (x[1] - 0.5) * (x[1] - 0.5) : 0.0);
    return 0.5 - 2 * r2;
  };
  if (half) {
    BoundaryPart part;
    part.kind = BoundaryKind::neumann;
    part.sides = pinn::side_left;
    part.value = constant(0.0);
    p.boundary_parts = {part};
  }
  return p;
}

TEST(FdReferenceOperator, NeumannGhostNodeIsTheMirroredDirichletProblem) {
  for (const auto& [dim, matrix] : {std::pair{1, false}, std::pair{2, false}, std::pair{2, true}}) {
    const FdReferenceSolution full = solve_fd_reference(mirror_problem(dim, false, matrix));
    const FdReferenceSolution half = solve_fd_reference(mirror_problem(dim, true, matrix));
    ASSERT_TRUE(full.converged && half.converged);
    int contact_on_mirror = 0;
    for (std::size_t i = 0; i < half.u.size(); ++i) {
      const std::size_t row = i / half.n_nodes[0], column = i % half.n_nodes[0];
      const std::size_t j = row * full.n_nodes[0] + column + 16;
      ASSERT_NEAR(half.u[i], full.u[j], 1e-12) << "dim " << dim << " node " << i;
      EXPECT_EQ(half.contact_lower[i], full.contact_lower[j]) << "dim " << dim << " node " << i;
      if (column == 0) contact_on_mirror += half.contact_lower[i];
    }
    EXPECT_GT(contact_on_mirror, 0) << "dim " << dim;
  }
}

TEST(FdReferenceOperator, UnitCoefficientsAndDirichletPartsReproduceTheLaplacian) {
  FdReferenceProblem p;
  p.dim = 2;
  p.n_cells = {32, 24, 1};
  p.source = [](const double* x) { return 30 * std::sin(3 * x[0]) * x[1]; };
  p.boundary = [](const double* x) { return 0.1 * x[0] - 0.2 * x[1]; };
  p.lower_obstacle = constant(-0.05);
  p.upper_obstacle = constant(0.3);
  const FdReferenceSolution laplacian = solve_fd_reference(p);
  ASSERT_TRUE(laplacian.converged);
  ASSERT_GT(std::count(laplacian.contact_upper.begin(), laplacian.contact_upper.end(), 1), 10);

  // The general assembly with a ≡ 1, b = 0, c ≡ 0: the same system, assembled differently.
  FdReferenceProblem general = p;
  general.op.diffusion = {constant(1.0)};
  general.op.convection = {constant(0.0), constant(0.0)};
  general.op.reaction = constant(0.0);
  const FdReferenceSolution s = solve_fd_reference(general);
  ASSERT_TRUE(s.converged);
  for (std::size_t i = 0; i < s.u.size(); ++i) {
    ASSERT_NEAR(s.u[i], laplacian.u[i], 1e-13) << "node " << i;
    ASSERT_EQ(s.contact_upper[i], laplacian.contact_upper[i]) << "node " << i;
    ASSERT_NEAR(s.lambda_upper[i], laplacian.lambda_upper[i], 1e-9) << "node " << i;
  }

  // Dirichlet parts (one with its own value, one taking g) keep the 5-point path: bitwise the same.
  FdReferenceProblem parts = p;
  BoundaryPart left;
  left.sides = pinn::side_left | pinn::side_right;
  left.value = p.boundary;
  BoundaryPart all;
  parts.boundary_parts = {left, all};
  const FdReferenceSolution same = solve_fd_reference(parts);
  EXPECT_EQ(same.u, laplacian.u);
  EXPECT_EQ(same.lambda_upper, laplacian.lambda_upper);
  EXPECT_EQ(same.iterations, laplacian.iterations);
}

TEST(FdReferenceOperator, StrongConvectionIsUpwindedAndMonotone) {
  // Cell Péclet number above 1 on both grids: first order, as documented.
  Manufactured m = scalar_1d();
  m.op.diffusion = {constant(0.002)};
  m.op.convection = {[](const double* x) { return 1 + x[0]; }};
  m.natural_sides = {{pinn::side_left, BoundaryKind::robin}, {pinn::side_right, BoundaryKind::neumann}};
  m.robin_coefficient = constant(1.0);
  const Convergence c = observe("upwind (Peclet > 1), 1D", m, 64, true);
  EXPECT_GT(c.order, 0.8);
  EXPECT_LT(c.order, 1.2);

  // A boundary layer −εu'' + u' = 1, u(0) = u(1) = 0 on a grid far too coarse for it: centred
  // differences would oscillate; upwinding keeps 0 ≤ u ≤ x, and PDAS converges with the obstacle u ≥ 0.2x.
  FdReferenceProblem p;
  p.dim = 1;
  p.n_cells = {16, 1, 1};
  p.op.diffusion = {constant(1e-3)};
  p.op.convection = {constant(1.0)};
  p.source = constant(1.0);
  p.boundary = constant(0.0);
  p.lower_obstacle = [](const double* x) { return x[0] < 0.99 ? 0.2 * x[0] : -1.0; };
  const FdReferenceSolution s = solve_fd_reference(p);
  ASSERT_TRUE(s.converged);
  EXPECT_TRUE(s.upwind);
  for (std::size_t i = 0; i < s.u.size(); ++i) {
    const double x = s.node(i)[0];
    EXPECT_GE(s.u[i], p.lower_obstacle(s.node(i).data()) - 1e-12) << "x = " << x;
    EXPECT_LE(s.u[i], x + 1e-12) << "x = " << x;
  }
  expect_complementarity(p, s);
}

TEST(FdReferenceOperator, GridSequencingStillWarmStarts) {
  Manufactured m = scalar_2d();
  m.op.convection = {[](const double* x) { return 4 + x[1]; }, [](const double* x) { return -3 + x[0]; }};
  m.natural_sides = {{pinn::side_top, BoundaryKind::robin}};
  m.robin_coefficient = constant(1.0);
  m.contact = ball_contact(2, {0.5, 0.5, 0}, 0.3);
  const FdReferenceSolution warm = solve_fd_reference(make_problem(m, 64));
  ASSERT_TRUE(warm.converged);
  EXPECT_LE(warm.iterations, 6);
  // An odd cell count cannot be coarsened: a cold start, where the contact set grows node by node.
  const FdReferenceSolution cold = solve_fd_reference(make_problem(m, 63));
  ASSERT_TRUE(cold.converged);
  EXPECT_GT(cold.iterations, warm.iterations + 3);
}

// ----- refusals -------------------------------------------------------------------------------------

/// Solving must throw std::invalid_argument whose message contains every one of `parts`.
void expect_refused(const FdReferenceProblem& p, const std::vector<std::string>& parts) {
  try {
    solve_fd_reference(p);
    ADD_FAILURE() << "no exception; expected a message with '" << parts.front() << "'";
  } catch (const std::invalid_argument& e) {
    for (const std::string& part : parts) EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
  }
}

FdReferenceProblem valid_problem(int dim) {
  FdReferenceProblem p;
  p.dim = dim;
  p.n_cells = {8, 8, 8};
  p.source = constant(1.0);
  p.boundary = constant(0.0);
  return p;
}

TEST(FdReferenceOperator, InvalidOperatorsAreRefusedWithWhatWasFoundAndWhatIsAllowed) {
  FdReferenceProblem p = valid_problem(2);
  p.op.diffusion = {constant(1.0), constant(1.0)};
  expect_refused(p, {"op.diffusion has 2 functions", "allowed: 0 (A = I), 1 (A = a(x) I) or dim*dim = 4"});
  p = valid_problem(2);
  p.op.diffusion = {constant(1.0), nullptr, constant(0.0), constant(1.0)};
  expect_refused(p, {"op.diffusion[1] is empty", "allowed: a function for every entry"});
  p = valid_problem(2);
  p.op.convection = {constant(1.0)};
  expect_refused(p, {"op.convection has 1 functions", "allowed: 0 (b = 0) or dim = 2"});
  p = valid_problem(3);
  p.op.convection = {constant(1.0), constant(1.0), nullptr};
  expect_refused(p, {"op.convection[2] is empty"});

  p = valid_problem(1);
  p.op.diffusion = {[](const double* x) { return x[0] < 0.3 ? 1.0 : -0.5; }};
  expect_refused(p, {"op.diffusion at the node x = (0.375): a = -0.5", "allowed: a > 0"});
  p.op.diffusion = {[](const double* x) { return x[0] < 0.3 ? 1.0 : 0.0; }};
  expect_refused(p, {"op.diffusion at the node x = (0.375): a = 0", "allowed: a > 0"});
  p = valid_problem(2);
  p.op.diffusion = {constant(1.0), constant(2.0), constant(2.0), constant(1.0)};
  expect_refused(p, {"op.diffusion at the node x = (0, 0): A = [[1, 2], [2, 1]] is not positive definite",
                     "allowed: a symmetric positive definite matrix"});
  p.op.diffusion = {constant(1.0), constant(0.3), constant(0.2), constant(1.0)};
  expect_refused(p, {"not symmetric (A[0][1] = 0.3, A[1][0] = 0.2)", "allowed: a symmetric positive definite matrix"});
  p = valid_problem(3);
  p.op.diffusion = {constant(1), constant(0), constant(0),
                    constant(0), constant(1), constant(0),
                    constant(0), constant(0), [](const double* x) { return x[2] > 0.6 ? -1.0 : 1.0; }};
  expect_refused(
      p,
      {"op.diffusion at the node x = (0, 0, 0.625): A = [[1, 0, 0], [0, 1, 0], [0, 0, -1]] is not positive definite"});

  p = valid_problem(2);
  p.op.reaction = [](const double* x) { return x[1] > 0.5 ? -2.0 : 0.0; };
  expect_refused(p, {"op.reaction at the node x = (0, 0.625): c = -2", "allowed: a finite c >= 0"});
  p = valid_problem(2);
  p.op.convection = {constant(1.0), [](const double*) { return std::nan(""); }};
  expect_refused(p, {"op.convection[1] at the node x = (0, 0): returned nan", "allowed: a finite value"});
}

TEST(FdReferenceOperator, InvalidBoundaryPartsAreRefusedWithWhatWasFoundAndWhatIsAllowed) {
  BoundaryPart robin;
  robin.kind = BoundaryKind::robin;
  robin.sides = pinn::side_top;
  robin.value = constant(1.0);
  robin.coefficient = [](const double* x) { return x[0] - 0.5; };
  FdReferenceProblem p = valid_problem(2);
  p.boundary_parts = {robin};
  expect_refused(
      p, {"the robin condition on the top side gives kappa = -0.5 at x = (0, 1)", "allowed: a finite kappa >= 0"});

  BoundaryPart neumann;
  neumann.kind = BoundaryKind::neumann;
  neumann.sides = pinn::side_left;
  p.boundary_parts = {neumann};
  expect_refused(p, {"boundary_parts at x = (0, 0)", "neumann boundary part has no value", "allowed:"});
  neumann.value = [](const double* x) { return x[1] > 0.5 ? std::numeric_limits<double>::infinity() : 0.0; };
  p.boundary_parts = {neumann};
  expect_refused(p,
                 {"the neumann condition on the left side gives g = inf at x = (0, 0.625)", "allowed: a finite value"});

  // Neumann everywhere and no reaction: u only up to a constant.
  neumann.value = constant(0.0);
  neumann.sides = 0;
  p.boundary_parts = {neumann};
  p.boundary = nullptr;  // not needed where every side is Neumann
  expect_refused(p, {"determines u only up to a constant",
                     "allowed: a Dirichlet part, a Robin part with kappa > 0 or a reaction c > 0 somewhere"});
  p.op.reaction = constant(1.0);
  EXPECT_NO_THROW(solve_fd_reference(p));
  // Without g, a side that no part covers has no data.
  p = valid_problem(2);
  neumann.sides = pinn::side_left;
  p.boundary_parts = {neumann};
  p.boundary = nullptr;
  expect_refused(p, {"boundary_parts at x = (", "the boundary data g is missing"});
}

}  // namespace
