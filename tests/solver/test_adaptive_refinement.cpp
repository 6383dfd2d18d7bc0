/// @file tests/solver/test_adaptive_refinement.cpp
/// @brief Adaptive refinement adds its points near the free boundary and they
/// enforce the obstacle without changing the energy's quadrature.
#include "solver/case_file.hpp"
#include "solver/obstacle_solver.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace {

TEST(AdaptiveRefinement, AddsPointsNearTheFreeBoundary) {
  pinn::CaseConfig config = pinn::load_case_file(
      std::string(PINN_SOURCE_DIR) + "/cases/obstacle1d.toml",
      {"stage.0.iterations=1500", "sampling.interior=128", "stage.0.multiplier_updates=4",
       "sampling.adaptive_rounds=2", "sampling.adaptive_points=16", "output.log_every=1000",
       // piecewise linear: the indicator is the complementarity gap alone
       "network.activation=prelu"});
  config.stages.resize(1);
  pinn::RunOptions options;
  options.quiet = true;
  options.write_files = false;
  pinn::ObstacleSolver solver(config, options);
  const pinn::RunResult result = solver.run();
  EXPECT_EQ(result.status, pinn::RunStatus::ok);
  const pinn::TrainingPoints& points = solver.training_points();
  ASSERT_EQ(points.n_adaptive, 32);
  EXPECT_EQ(points.n_interior, 128 + 32);
  auto coords = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), points.coordinates);
  auto data = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), points.data);
  const double a = std::sqrt(3.0) / 4.0;
  int near = 0;
  for (int i = points.n_interior - points.n_adaptive; i < points.n_interior; ++i) {
    EXPECT_EQ(data(i).is_adaptive, 1);
    EXPECT_EQ(data(i).weight, 0.0) << "the energy keeps its midpoint quadrature";
    EXPECT_DOUBLE_EQ(data(i).obstacle_weight, 1.0 / 128);
    const double x = coords(i, 0);
    near += std::min(std::abs(x - a), std::abs(x - (1 - a))) < 0.04;
  }
  // Uniform points would put 0.16·32 ≈ 5 there.
  EXPECT_GE(near, 16) << "at least half the added points sit within 0.04 of the free boundary x = a, 1 − a";
  for (int i = 0; i < 128; ++i) EXPECT_DOUBLE_EQ(data(i).weight, 1.0 / 128);
}

}  // namespace
