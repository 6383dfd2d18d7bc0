/// @file tests/physics/test_problem_scaling.cpp
/// @brief Which problems are mapped onto unit size, and what the mapped
/// problem is (physics/problem_scaling.hpp).
#include "physics/problem_scaling.hpp"

#include <gtest/gtest.h>

namespace {

pinn::ObstacleProblem problem_on(const pinn::Domain& domain, double load, double obstacle) {
  pinn::ObstacleProblem p;
  p.domain = domain;
  p.source = [load](const double*) { return load; };
  p.boundary = [](const double*) { return 0.0; };
  p.lower_obstacle = [obstacle](const double*) { return obstacle; };
  return p;
}

}  // namespace

TEST(ProblemScaling, UnitRangeProblemsAreSolvedAsGiven) {
  // The predefined cases' domains and sizes: (0, 1), (−2, 2)², (−1, 1)², (0, 1)³.
  EXPECT_TRUE(pinn::choose_problem_scaling(problem_on(pinn::Domain::interval(0, 1), 0, 0.5)).identity());
  EXPECT_TRUE(pinn::choose_problem_scaling(problem_on(pinn::Domain::rectangle({-2, -2}, {2, 2}), 0, 1)).identity());
  EXPECT_TRUE(pinn::choose_problem_scaling(problem_on(pinn::Domain::rectangle({-1, -1}, {1, 1}), -10, 0.8)).identity());
  EXPECT_TRUE(pinn::choose_problem_scaling(problem_on(pinn::Domain::box({0, 0, 0}, {1, 1, 1}), -8, 0)).identity());
}

TEST(ProblemScaling, FarFromUnitSizeIsMapped) {
  // Small and far from the origin: c = 1000, L = 0.01, U = max(|ψ|, |f|L²/2) = 4e-3.
  const pinn::ProblemScaling small =
      pinn::choose_problem_scaling(problem_on(pinn::Domain::interval(999.99, 1000.01), -80, -3e-4));
  ASSERT_FALSE(small.identity());
  EXPECT_DOUBLE_EQ(small.centre[0], 1000.0);
  EXPECT_NEAR(small.length, 0.01, 1e-12);
  EXPECT_NEAR(small.value, 4e-3, 1e-12);
  // Large values alone: U = 1000.
  const pinn::ProblemScaling tall =
      pinn::choose_problem_scaling(problem_on(pinn::Domain::interval(0, 1), 0, 1000));
  EXPECT_FALSE(tall.identity());
  EXPECT_DOUBLE_EQ(tall.value, 1000.0);
  EXPECT_DOUBLE_EQ(tall.length, 0.5);
}

TEST(ProblemScaling, ASolutionOfAFewHundredthsIsMapped) {
  // tests/data/unseen_problems/hydro1d.toml's sizes: |ψ| ≤ 0.067, |f|L²/2 = 0.08.
  // Trained as given, u ≈ 0.03 against a network that starts at size 1: 5.1e-3
  // with tanh and 8.8e-2 with PReLU; mapped, 8.6e-5 and 1.8e-3 (BENCHMARKS.md §22).
  const pinn::ProblemScaling hydro =
      pinn::choose_problem_scaling(problem_on(pinn::Domain::interval(-7, -3), -0.04, -0.067));
  ASSERT_FALSE(hydro.identity());
  EXPECT_NEAR(hydro.value, 0.08, 1e-12);
  EXPECT_DOUBLE_EQ(hydro.length, 2.0);
  // A quarter is still the unit range.
  EXPECT_TRUE(pinn::choose_problem_scaling(problem_on(pinn::Domain::interval(0, 1), 0, 0.25)).identity());
}

TEST(ProblemScaling, TheMappedProblemIsTheSameProblemInMappedUnits) {
  pinn::ObstacleProblem p = problem_on(pinn::Domain::disk({20, -5}, 10), 0, 0);
  p.source = [](const double* x) { return x[0] + 2 * x[1]; };
  p.lower_obstacle = [](const double* x) { return 100 - (x[0] - 20) * (x[0] - 20); };
  p.exact = [](const double* x) { return 3 * x[0]; };
  pinn::ProblemScaling s;
  s.dim = 2;
  s.centre = {20, -5, 0};
  s.length = 10;
  s.value = 50;
  const pinn::ObstacleProblem m = pinn::scaled_problem(p, s);
  EXPECT_EQ(m.domain.kind(), pinn::DomainKind::disk);
  EXPECT_DOUBLE_EQ(m.domain.lower()[0], -1.0);
  EXPECT_DOUBLE_EQ(m.domain.upper()[1], 1.0);
  const double mapped[2] = {0.5, -0.25};  // x = (25, −7.5)
  EXPECT_DOUBLE_EQ(m.source(mapped), (25 + 2 * -7.5) * 100 / 50);  // f·L²/U
  EXPECT_DOUBLE_EQ(m.lower_obstacle(mapped), (100 - 25.0) / 50);    // ψ/U
  EXPECT_DOUBLE_EQ(m.exact(mapped), 75.0 / 50);
  EXPECT_FALSE(static_cast<bool>(m.lift)) << "an absent lift stays absent (the default one follows from g)";
  double user[2];
  s.to_user_point(mapped, user);
  EXPECT_DOUBLE_EQ(user[0], 25.0);
  EXPECT_DOUBLE_EQ(user[1], -7.5);
  EXPECT_DOUBLE_EQ(s.user_length(0.1, 2), 10.0);
}

TEST(ProblemScaling, ASpaceTimeDomainKeepsItsTimeAxis) {
  // Ω × (0, T) = (1000, 1004) × (0, 1): its grid gives time as many cells as x, mapped or not.
  const pinn::Domain q = pinn::Domain::space_time(pinn::Domain::interval(1000, 1004), 1.0);
  pinn::ProblemScaling s;
  s.dim = 2;
  s.centre = {1002, 0.5, 0};
  s.length = 2;
  const pinn::ObstacleProblem m = pinn::scaled_problem(problem_on(q, -1, -1), s);
  EXPECT_EQ(m.domain.time_axis(), 1);
  EXPECT_EQ(m.domain.grid_cells(1024), q.grid_cells(1024));
  EXPECT_EQ(q.grid_cells(1024), (std::array<int, 3>{32, 32, 1}));
}

TEST(ProblemScaling, APolygonIsMappedVertexByVertex) {
  // An L-shape of width 200 around (100, 100): c = (100, 100), L = 100.
  const pinn::Domain lshape = pinn::Domain::polygon({{0, 0}, {200, 0}, {200, 100}, {100, 100}, {100, 200}, {0, 200}});
  const pinn::ObstacleProblem p = problem_on(lshape, 0, -1);
  const pinn::ProblemScaling s = pinn::choose_problem_scaling(p);
  ASSERT_FALSE(s.identity());
  EXPECT_DOUBLE_EQ(s.length, 100.0);
  const pinn::ObstacleProblem m = pinn::scaled_problem(p, s);
  ASSERT_EQ(m.domain.kind(), pinn::DomainKind::polygon);
  const std::vector<std::array<double, 2>> expected{{-1, -1}, {1, -1}, {1, 0}, {0, 0}, {0, 1}, {-1, 1}};
  EXPECT_EQ(m.domain.vertices(), expected);
  EXPECT_DOUBLE_EQ(m.domain.measure(), 3.0);
  // The distance function is invariant: the same value at corresponding points.
  const double user[2] = {50, 150}, mapped[2] = {-0.5, 0.5};
  EXPECT_NEAR(m.domain.distance(mapped).value, lshape.distance(user).value, 1e-12);
}
