/// @file tests/physics/test_space_time_problem.cpp
/// @brief The parabolic problem over space–time (physics/space_time_problem.hpp): the operator
/// u_t + L_x u as a problem in dim + 1 (checked on a manufactured solution by central differences),
/// the faces t = 0 and t = T, the lift, the training points' data, and the domains refused.
#include "physics/point_data.hpp"
#include "physics/space_time_problem.hpp"
#include "../solver/user_error_message.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace {

/// u_t − (a u_x)_x + b u_x + c u = f on (0, 2) × (0, 0.5] with a = 1 + x/4, b = 0.3, c = 0.2 and
/// the manufactured u = e^{−t} sin(x) + t x; Dirichlet data g = u on the ends, u₀ = sin x.
pinn::ParabolicProblem manufactured_1d() {
  pinn::ParabolicProblem p;
  p.problem.name = "manufactured";
  p.problem.domain = pinn::Domain::interval(0.0, 2.0);
  p.problem.op.diffusion = {[](const double* x) { return 1.0 + 0.25 * x[0]; }};
  p.problem.op.convection = {[](const double*) { return 0.3; }};
  p.problem.op.reaction = [](const double*) { return 0.2; };
  p.final_time = 0.5;
  const auto u = [](double x, double t) { return std::exp(-t) * std::sin(x) + t * x; };
  p.exact = [u](const double* x, double t) { return u(x[0], t); };
  p.source = [u](const double* y, double t) {
    const double x = y[0], e = std::exp(-t);
    const double u_t = -e * std::sin(x) + x, u_x = e * std::cos(x) + t, u_xx = -e * std::sin(x);
    const double a = 1.0 + 0.25 * x, a_x = 0.25;
    return u_t - (a * u_xx + a_x * u_x) + 0.3 * u_x + 0.2 * u(x, t);
  };
  p.boundary = [u](const double* x, double t) { return u(x[0], t); };
  p.lower_obstacle = [](const double*, double t) { return -1.0 - t; };
  p.initial = [](const double* x) { return std::sin(x[0]); };
  p.problem.source = [s = p.source](const double* x) { return s(x, 0.0); };
  p.problem.boundary = [g = p.boundary](const double* x) { return g(x, 0.0); };
  p.problem.lower_obstacle = [](const double*) { return -1.0; };
  return p;
}

TEST(SpaceTimeProblem, OperatorIsTheParabolicOne) {
  const pinn::ParabolicProblem p = manufactured_1d();
  const pinn::ObstacleProblem q = pinn::space_time_problem(p);
  ASSERT_EQ(q.domain.kind(), pinn::DomainKind::rectangle);
  EXPECT_EQ(q.domain.lower()[1], 0.0);
  EXPECT_EQ(q.domain.upper()[1], 0.5);
  EXPECT_TRUE(q.op.time_axis);
  const double y[2] = {0.7, 0.3};
  const pinn::OperatorCoefficients c = pinn::evaluate_operator(q.op, 2, y, 1e-5);
  EXPECT_DOUBLE_EQ(c.diffusion[0], 1.0 + 0.25 * 0.7);
  EXPECT_EQ(c.diffusion[1], 0.0);
  EXPECT_EQ(c.diffusion[3], 0.0);
  EXPECT_EQ(c.diffusion[4], 0.0);
  EXPECT_DOUBLE_EQ(c.convection[0], 0.3);
  EXPECT_DOUBLE_EQ(c.convection[1], 1.0);
  EXPECT_DOUBLE_EQ(c.reaction, 0.2);
  // L̂ u − f = 0 for the manufactured u, every derivative by central differences in (x, t).
  const pinn::ScalarFunction u = q.exact;
  for (const double x : {0.3, 1.0, 1.7})
    for (const double t : {0.1, 0.25, 0.45}) {
      const double point[2] = {x, t};
      EXPECT_NEAR(pinn::apply_operator(q.op, u, 2, point, 1e-4), q.source(point), 1e-6) << x << " " << t;
    }
}

TEST(SpaceTimeProblem, FacesAndLift) {
  const pinn::ParabolicProblem p = manufactured_1d();
  const pinn::ObstacleProblem q = pinn::space_time_problem(p);
  // t = 0: u = u₀; the sides: u = g(x, t); t = T: the natural condition Â∇u·n = 0, no constraint.
  const double bottom[2] = {0.8, 0.0}, left[2] = {0.0, 0.2}, right[2] = {2.0, 0.3}, top[2] = {1.1, 0.5};
  pinn::BoundaryCondition c = pinn::condition_at(q.boundary_parts, q.boundary, q.domain, bottom);
  EXPECT_EQ(c.kind, pinn::BoundaryKind::dirichlet);
  EXPECT_DOUBLE_EQ(c.value, std::sin(0.8));
  c = pinn::condition_at(q.boundary_parts, q.boundary, q.domain, left);
  EXPECT_EQ(c.kind, pinn::BoundaryKind::dirichlet);
  EXPECT_DOUBLE_EQ(c.value, 0.0);
  c = pinn::condition_at(q.boundary_parts, q.boundary, q.domain, right);
  EXPECT_DOUBLE_EQ(c.value, p.exact(right, 0.3));
  c = pinn::condition_at(q.boundary_parts, q.boundary, q.domain, top);
  EXPECT_EQ(c.kind, pinn::BoundaryKind::neumann);
  EXPECT_EQ(c.value, 0.0);
  const pinn::DirichletSides hard = pinn::dirichlet_sides(q);
  EXPECT_TRUE(hard.whole_sides);
  EXPECT_EQ(hard.sides, pinn::side_left | pinn::side_right | pinn::side_bottom);
  // The lift: u₀ at t = 0, g on the sides.
  EXPECT_DOUBLE_EQ(q.lift(bottom), std::sin(0.8));
  EXPECT_NEAR(q.lift(right), p.exact(right, 0.3), 1e-14);
  EXPECT_NEAR(q.lift(left), p.exact(left, 0.2), 1e-14);
  // Data over (x, t).
  EXPECT_DOUBLE_EQ(q.lower_obstacle(right), -1.3);
  EXPECT_DOUBLE_EQ(q.exact(right), p.exact(right, 0.3));
}

TEST(SpaceTimeProblem, TrainingPointsFactorTheSpatialBlockOnly) {
  const pinn::ObstacleProblem q = pinn::space_time_problem(manufactured_1d());
  const std::vector<double> inside = {0.5, 0.25, 1.5, 0.1};
  const std::vector<double> edge = {0.0, 0.3, 1.0, 0.5};
  const pinn::TrainingPoints points = pinn::make_training_points(q, inside, edge);
  auto data = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), points.data);
  for (int i = 0; i < points.size(); ++i) {
    const double a = 1.0 + 0.25 * (i < 2 ? inside[static_cast<std::size_t>(2 * i)] : edge[static_cast<std::size_t>(2 * (i - 2))]);
    EXPECT_NEAR(data(i).diffusion_root[0], std::sqrt(a), 1e-14);
    EXPECT_EQ(data(i).diffusion_root[3], 0.0);
    EXPECT_EQ(data(i).diffusion_root[4], 0.0);  // no diffusion along t
    EXPECT_TRUE(std::isfinite(data(i).flux[0]));
    EXPECT_EQ(data(i).flux[1], 0.0);
    EXPECT_DOUBLE_EQ(data(i).convection[1], 1.0);
  }
  EXPECT_EQ(data(3).boundary_kind, static_cast<int>(pinn::BoundaryKind::neumann));  // (1, T): the final face
}

TEST(SpaceTimeProblem, TwoDimensionsAndRefusedDomains) {
  pinn::ParabolicProblem p;
  p.problem.name = "membrane";
  p.problem.domain = pinn::Domain::rectangle({-1.0, 0.0}, {1.0, 2.0});
  p.problem.source = [](const double*) { return -1.0; };
  p.problem.boundary = [](const double*) { return 0.0; };
  p.problem.lower_obstacle = [](const double*) { return -0.5; };
  p.initial = [](const double*) { return 0.0; };
  p.final_time = 3.0;
  const pinn::ObstacleProblem q = pinn::space_time_problem(p);
  ASSERT_EQ(q.domain.kind(), pinn::DomainKind::box);
  EXPECT_EQ(q.domain.upper()[2], 3.0);
  EXPECT_EQ(pinn::dirichlet_sides(q).sides, pinn::side_left | pinn::side_right | pinn::side_bottom | pinn::side_top |
                                                pinn::side_back);
  const double y[3] = {0.2, 0.4, 1.0};
  const pinn::OperatorCoefficients c = pinn::evaluate_operator(q.op, 3, y, 1e-5);
  EXPECT_EQ(c.diffusion[0], 1.0);
  EXPECT_EQ(c.diffusion[4], 1.0);
  EXPECT_EQ(c.diffusion[8], 0.0);
  EXPECT_EQ(c.convection[2], 1.0);

  p.problem.domain = pinn::Domain::disk({0.0, 0.0}, 1.0);
  pinn_test::expect_parts(pinn_test::user_error_of([&] { pinn::space_time_problem(p); }),
                          {"problem 'membrane'", "space_time", "disk", "method = \"rothe\""});
}

}  // namespace
