/// @file tests/physics/test_parabolic_problem.cpp
/// @brief Time-dependent problems' building blocks: expressions of t, data frozen in time, the
/// checks of u₀, the FD reference's problem, and the grid that hands a level to the next.
#include "nn/error.hpp"
#include "physics/expression.hpp"
#include "physics/grid_function.hpp"
#include "physics/parabolic_problem.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace {

TEST(ParabolicProblem, ExpressionOfTime) {
  const pinn::Expression e("x + 10*t", "here");
  const double x[1] = {0.5};
  EXPECT_DOUBLE_EQ(e(x, 1), 0.5);
  EXPECT_DOUBLE_EQ(e.at(x, 1, 0.25), 3.0);
  EXPECT_TRUE(e.uses("t"));
  EXPECT_FALSE(pinn::Expression("x*y", "here").uses("t"));
  try {
    pinn::Expression("1/(t - 0.5)", "here").at(x, 1, 0.5);
    FAIL() << "a non-finite value must be refused";
  } catch (const pinn::UserError& error) {
    EXPECT_NE(std::string(error.what()).find("at (0.5), t = 0.5"), std::string::npos) << error.what();
  }
}

pinn::ParabolicProblem sinking_membrane() {
  pinn::ParabolicProblem p;
  p.problem.domain = pinn::Domain::interval(0, 1);
  p.problem.source = [](const double*) { return -1.0; };
  p.problem.boundary = [](const double*) { return 0.5; };
  p.problem.lower_obstacle = [](const double*) { return 0.0; };
  p.boundary = [](const double*, double t) { return 0.5 * (1 - t); };
  p.final_time = 0.5;
  p.initial = [](const double*) { return 0.5; };
  return p;
}

TEST(ParabolicProblem, FrozenInTime) {
  const pinn::ParabolicProblem p = sinking_membrane();
  const double x[1] = {0.0};
  const pinn::ObstacleProblem at = p.at(0.2);
  EXPECT_DOUBLE_EQ(at.boundary(x), 0.4);
  EXPECT_DOUBLE_EQ(at.source(x), -1.0);  // not time-dependent: as at t = 0
  EXPECT_DOUBLE_EQ(at.lower_obstacle(x), 0.0);
}

TEST(ParabolicProblem, ChecksOfTheInitialValue) {
  pinn::ParabolicProblem p = sinking_membrane();
  EXPECT_NO_THROW(pinn::check_parabolic_problem(p, "case.toml:9:1: problem.time.initial"));
  p.initial = [](const double* x) { return 0.5 - 3 * x[0] * (1 - x[0]); };
  EXPECT_THROW(pinn::check_parabolic_problem(p, "here"), pinn::UserError);
  p.initial = [](const double*) { return 0.7; };
  EXPECT_THROW(pinn::check_parabolic_problem(p, "here"), pinn::UserError);
  p.initial = [](const double*) { return 0.5; };
  p.final_time = -1;
  EXPECT_THROW(pinn::check_parabolic_problem(p, "here"), pinn::UserError);
}

TEST(ParabolicProblem, FdProblemKeepsTheTimeDependence) {
  const pinn::ParabolicFdProblem fd = pinn::parabolic_fd_problem(sinking_membrane(), 32, 16);
  const double x[1] = {1.0};
  EXPECT_DOUBLE_EQ(fd.boundary(x, 0.5), 0.25);
  EXPECT_DOUBLE_EQ(fd.source(x, 0.5), -1.0);
  EXPECT_EQ(fd.n_cells[0], 32);
  EXPECT_EQ(fd.n_steps, 16);
  pinn::ParabolicProblem disk = sinking_membrane();
  disk.problem.domain = pinn::Domain::disk({0, 0}, 1);
  EXPECT_THROW(pinn::parabolic_fd_problem(disk, 32, 16), pinn::UserError);
}

TEST(GridFunction, InterpolatesMultilinearFieldsExactly) {
  for (int dim = 1; dim <= 3; ++dim) {
    const pinn::Domain domain = dim == 1   ? pinn::Domain::interval(-1, 2)
                                : dim == 2 ? pinn::Domain::rectangle({-1, 0}, {1, 3})
                                           : pinn::Domain::box({0, 0, 0}, {1, 2, 1});
    const auto field = [dim](const double* x) {
      double v = 1 + 2 * x[0];
      if (dim > 1) v += 3 * x[1] - x[0] * x[1];
      if (dim > 2) v += 0.5 * x[2] + x[0] * x[1] * x[2];
      return v;
    };
    pinn::GridFunction grid = pinn::GridFunction::over(domain, 5);
    const std::vector<double> nodes = grid.nodes();
    for (std::size_t i = 0; i < nodes.size() / dim; ++i) grid.values.push_back(field(&nodes[i * dim]));
    const pinn::ScalarFunction f = grid.function();
    const std::vector<double> points = domain.sample_interior(50, pinn::SamplingMethod::random, 3);
    for (std::size_t i = 0; i < points.size() / dim; ++i)
      EXPECT_NEAR(f(&points[i * dim]), field(&points[i * dim]), 1e-12) << "dim " << dim;
  }
}

TEST(GridFunction, SecondOrderForSmoothFieldsAndClampedOutside) {
  const pinn::Domain domain = pinn::Domain::interval(0, 1);
  double previous_error = 0;
  for (const int nodes : {17, 33}) {
    pinn::GridFunction grid = pinn::GridFunction::over(domain, nodes);
    for (const double x : grid.nodes()) grid.values.push_back(std::sin(3 * x));
    double error = 0;
    for (int i = 0; i <= 1000; ++i) {
      const double x = i / 1000.0;
      error = std::max(error, std::abs(grid(&x) - std::sin(3 * x)));
    }
    if (previous_error > 0) {
      EXPECT_NEAR(previous_error / error, 4.0, 0.4);
    }
    previous_error = error;
  }
  pinn::GridFunction grid = pinn::GridFunction::over(domain, 3);
  grid.values = {1, 2, 4};
  const double outside[2] = {-0.5, 1.5};
  EXPECT_DOUBLE_EQ(grid(&outside[0]), 1.0);
  EXPECT_DOUBLE_EQ(grid(&outside[1]), 4.0);
}

}  // namespace
