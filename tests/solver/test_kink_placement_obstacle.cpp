/// @file tests/solver/test_kink_placement_obstacle.cpp
/// @brief network.kink_placement: "obstacle" starts half of the first layer's
/// kinks on step41's stair edges (x = 0, ±0.5), running along them; "origin"
/// leaves every bias at zero.
#include "solver/case_file.hpp"
#include "solver/obstacle_solver.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace {

std::vector<double> host_parameters(const pinn::ObstacleSolver& s) {
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), s.network().params());
  return std::vector<double>(h.data(), h.data() + h.extent(0));
}

pinn::ObstacleSolver untrained(const std::string& placement) {
  pinn::RunOptions options;
  options.write_files = false;
  options.quiet = true;
  return pinn::ObstacleSolver(
      pinn::load_case_file(std::string(PINN_SOURCE_DIR) + "/cases/step41.toml",
                           {"network.activation=leaky_relu", "network.hidden=[16, 8]", "sampling.interior=1024",
                            "reference.cells=16", "stage.0.iterations=0", "stage.1.iterations=0",
                            "network.kink_placement=\"" + placement + "\""}),
      options);
}

TEST(KinkPlacementObstacle, HalfTheFirstLayerRunsAlongTheStairEdges) {
  pinn::ObstacleSolver solver = untrained("obstacle");
  solver.run();
  const auto p = host_parameters(solver);
  const pinn::MlpLayout& L = solver.network().layout();
  const double spacing = 2.0 / 32.0;
  for (int j = 0; j < 8; ++j) {
    const double wx = p[L.w_offset[0] + 2 * j], wy = p[L.w_offset[0] + 2 * j + 1], b = p[L.b_offset[0] + j];
    EXPECT_EQ(wy, 0.0) << "neuron " << j << ": ψ jumps in x only, so the kink is a vertical line";
    const double x = -b / wx;  // the kink line x = const
    const double to_edge = std::min({std::abs(x + 0.5), std::abs(x), std::abs(x - 0.5)});
    EXPECT_LE(to_edge, spacing) << "neuron " << j << " kink at x = " << x;
  }
  // The other half keeps the domain placement: some of them are not vertical.
  int slanted = 0;
  for (int j = 8; j < 16; ++j) slanted += p[L.w_offset[0] + 2 * j + 1] != 0.0 ? 1 : 0;
  EXPECT_GT(slanted, 0);
}

TEST(KinkPlacementObstacle, OriginLeavesTheBiasesAtZero) {
  pinn::ObstacleSolver solver = untrained("origin");
  solver.run();
  const auto p = host_parameters(solver);
  const pinn::MlpLayout& L = solver.network().layout();
  for (int j = 0; j < 16; ++j) EXPECT_EQ(p[L.b_offset[0] + j], 0.0);
  pinn::ObstacleSolver domain = untrained("domain");
  domain.run();
  int nonzero = 0;
  for (int j = 0; j < 16; ++j) nonzero += host_parameters(domain)[L.b_offset[0] + j] != 0.0 ? 1 : 0;
  EXPECT_EQ(nonzero, 16) << "the default places the kinks through points of the domain";
}

}  // namespace
