/// @file tests/solver/test_quadrature_shift.cpp
/// @brief sampling.shift_each_round: after multiplier rounds the whole grid has
/// moved by one common offset within half a cell, and the boundary data and
/// weights came along.
#include "solver/case_file.hpp"
#include "solver/obstacle_solver.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace {

TEST(QuadratureShift, MovesTheWholeGridWithinItsCells) {
  const int n = 64;
  pinn::CaseConfig config = pinn::load_case_file(
      std::string(PINN_SOURCE_DIR) + "/cases/obstacle1d.toml",
      {"sampling.interior=64", "stage.0.iterations=40", "stage.0.multiplier_updates=3", "stage.1.iterations=0",
       "sampling.shift_each_round=true"});
  pinn::RunOptions options;
  options.quiet = true;
  options.write_files = false;
  pinn::ObstacleSolver solver(config, options);
  ASSERT_EQ(solver.run().status, pinn::RunStatus::ok);
  const pinn::TrainingPoints& t = solver.training_points();
  ASSERT_EQ(t.n_interior, n);
  const auto x = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), t.coordinates);
  const auto data = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), t.data);
  const double h = 1.0 / n;
  const double shift = x(0, 0) - 0.5 * h;
  EXPECT_NE(shift, 0.0);
  EXPECT_LE(std::abs(shift), 0.5 * h);
  for (int i = 0; i < n; ++i) {
    EXPECT_NEAR(x(i, 0), (i + 0.5) * h + shift, 1e-14) << "point " << i;
    // The problem data follow the point: ψ at the moved point.
    const double psi = 0.5 - 8.0 * (x(i, 0) - 0.5) * (x(i, 0) - 0.5);
    EXPECT_NEAR(data(i).psi_lower, psi, 1e-14);
    EXPECT_NEAR(data(i).weight, h, 1e-15);
  }
}

}  // namespace
