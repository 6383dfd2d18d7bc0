/// @file tests/physics/test_training_point_flux.cpp
/// @brief The flux F = (−∫_a^x f, 0, 0) of the energy's least-squares form
/// (physics/point_data.cpp) where f jumps: F at every point beyond the jump
/// is off by one constant, the boundary's F·n included, so ∂_x F = −f holds
/// there and the boundary term of ½∫|∇u − F|² cancels the interior's.
#include "physics/point_data.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace {

TEST(TrainingPointFlux, AJumpOfTheSourceShiftsTheFluxByOneConstantBeyondIt) {
  pinn::ObstacleProblem problem;
  problem.name = "jump";
  problem.domain = pinn::Domain::rectangle({0.0, 0.0}, {1.0, 1.0});
  problem.source = [](const double* x) { return x[0] > 0.4 ? -2.0 * (1.0 + x[1]) : -1.0; };
  problem.boundary = [](const double*) { return 0.0; };
  problem.lower_obstacle = [](const double*) { return 0.0; };
  const double y = 0.3;
  const auto exact = [y](double x) { return x < 0.4 ? x : 0.4 + 2.0 * (1.0 + y) * (x - 0.4); };
  const std::vector<double> xs = {0.45, 0.52, 0.61, 0.68, 0.77, 0.83, 0.9, 0.97};
  std::vector<double> interior;
  for (double x : xs) interior.insert(interior.end(), {x, y});
  const std::vector<double> right_side = {1.0, y};
  const pinn::TrainingPoints points = pinn::make_training_points(problem, interior, right_side);
  auto data = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), points.data);
  const double offset = data(0).flux[0] - exact(xs[0]);
  EXPECT_LT(std::abs(offset), 1e-2);
  for (std::size_t i = 1; i < xs.size(); ++i)
    EXPECT_NEAR(data(static_cast<int>(i)).flux[0] - exact(xs[i]), offset, 1e-12) << "x = " << xs[i];
  const int edge = static_cast<int>(xs.size());
  ASSERT_TRUE(data(edge).is_boundary);
  EXPECT_NEAR(data(edge).flux_normal - exact(1.0), offset, 1e-12);  // n = (1, 0)
}

}  // namespace
