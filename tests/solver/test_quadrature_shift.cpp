/// @file tests/solver/test_quadrature_shift.cpp
/// @brief sampling.shift_each_round: after multiplier rounds the whole grid has
/// moved by one common offset within half a cell, and the boundary data and
/// weights came along; on an elongated grid the shift and the obstacle nodes
/// follow each direction's own cells; Gauss points move with their grid, cut
/// at the domain's sides, keeping their count and multipliers.
#include "solver/case_file.hpp"
#include "solver/obstacle_solver.hpp"
#include "solver/training_set.hpp"

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

TEST(QuadratureShift, NodesAndShiftsFollowTheCellsOfAnElongatedGrid) {
  // A 4 × 1 rectangle with 1024 points: 32·(√2, 1/√2) = 45 × 23 cells.
  const pinn::CaseConfig config = pinn::parse_case(
      "[problem]\nname = \"strip\"\ndomain = { type = \"rectangle\", min = [0.0, 0.0], max = [4.0, 1.0] }\n"
      "source = \"1\"\nobstacle = \"-0.1\"\n[sampling]\ninterior = 1024\nobstacle_nodes = true\n",
      "strip.toml");
  pinn::TrainingSet set(config);
  ASSERT_EQ(set.grid_cells(), (std::array<int, 3>{45, 23, 1}));
  const double hx = 4.0 / 45, hy = 1.0 / 23;
  ASSERT_EQ(set.base_interior().size(), 2u * 45 * 23);
  // The obstacle nodes: the 44 × 22 interior nodes of those cells.
  const std::vector<double>& nodes = set.added_points();
  ASSERT_EQ(nodes.size(), 2u * 44 * 22);
  for (std::size_t i = 0; i < nodes.size(); i += 2) {
    EXPECT_NEAR(std::remainder(nodes[i], hx), 0.0, 1e-12);
    EXPECT_NEAR(std::remainder(nodes[i + 1], hy), 0.0, 1e-12);
  }
  // A shift moves every midpoint by one offset within half of its own cell.
  set.shift();
  const auto x = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), set.points().coordinates);
  const double dx = x(0, 0) - set.base_interior()[0], dy = x(0, 1) - set.base_interior()[1];
  EXPECT_GT(std::abs(dx) + std::abs(dy), 0.0);
  EXPECT_LE(std::abs(dx), 0.5 * hx);
  EXPECT_LE(std::abs(dy), 0.5 * hy);
  for (int i = 0; i < 45 * 23; ++i) {
    EXPECT_NEAR(x(i, 0), set.base_interior()[2 * i] + dx, 1e-14);
    EXPECT_NEAR(x(i, 1), set.base_interior()[2 * i + 1] + dy, 1e-14);
  }
}

TEST(QuadratureShift, GaussPointsMoveWithTheirGridCutAtTheSides) {
  const pinn::CaseConfig config = pinn::parse_case(
      "[problem]\nname = \"strip\"\ndomain = { type = \"rectangle\", min = [0.0, 0.0], max = [2.0, 1.0] }\n"
      "source = \"1\"\nobstacle = \"x - 3\"\n[sampling]\ninterior = 1024\nmethod = \"gauss\"\n"
      "shift_each_round = true\n",
      "strip.toml");
  pinn::TrainingSet set(config);
  const std::array<int, 3> cells = config.problem.domain.gauss_cells(1024);
  const std::size_t n = static_cast<std::size_t>(2 * (cells[0] + 1)) * (2 * (cells[1] + 1));
  const auto weights_of = [](const pinn::TrainingSet& s) {
    const auto data = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), s.points().data);
    std::vector<double> w;
    for (int i = 0; i < s.points().n_interior; ++i) w.push_back(data(i).weight);
    return w;
  };
  // Unshifted, the side cells are half cells.
  ASSERT_EQ(static_cast<std::size_t>(set.points().n_interior), n);
  EXPECT_EQ(set.base_interior(),
            config.problem.domain.shifted_gauss_quadrature(cells, {0.5, 0.5, 0.5}).points);
  const std::vector<double> before = weights_of(set);
  const std::vector<double> old_points = set.base_interior();
  // Number the multipliers: after the shift each point carries the one of
  // the point nearest to it before.
  auto data = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), set.points().data);
  for (std::size_t j = 0; j < n; ++j) data(j).lambda_lower = static_cast<double>(j);
  Kokkos::deep_copy(set.points().data, data);
  set.shift();
  ASSERT_EQ(static_cast<std::size_t>(set.points().n_interior), n);
  const auto moved = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), set.points().data);
  const auto x = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), set.points().coordinates);
  int moved_away = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t nearest = 0;
    double best = 1e300;
    for (std::size_t j = 0; j < n; ++j) {
      const double d = std::hypot(x(i, 0) - old_points[2 * j], x(i, 1) - old_points[2 * j + 1]);
      if (d < best) best = d, nearest = j;
    }
    EXPECT_EQ(moved(i).lambda_lower, static_cast<double>(nearest)) << "point " << i;
    moved_away += nearest != i;
  }
  EXPECT_GT(moved_away, 0) << "the shift moved no point nearer another's old place";
  const std::vector<double> after = weights_of(set);
  double area = 0.0;
  for (double w : after) area += w;
  EXPECT_NEAR(area, 2.0, 1e-12);
  EXPECT_NE(after, before);  // the side cells changed width
  // ψ = x − 3 follows the moved points.
  for (std::size_t i = 0; i < n; ++i) EXPECT_NEAR(moved(i).psi_lower, x(i, 0) - 3.0, 1e-14);
  // A restored checkpoint with the same number of shifts has the same points.
  pinn::TrainingSet restored(config);
  restored.restore({}, 0, 1);
  const auto y = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), restored.points().coordinates);
  for (std::size_t i = 0; i < n; ++i) EXPECT_EQ(y(i, 0), x(i, 0));
}

}  // namespace
