/// @file tests/solver/test_neuron_insertion_stage.cpp
/// @brief stage.insert_neurons: at the start of the stage the solver widens
/// the chosen hidden layer; the network's function, and so the loss, does
/// not change when the neurons arrive, and training then uses them.
#include "solver/case_file.hpp"
#include "solver/obstacle_solver.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace {

pinn::CaseConfig inserting_case(const std::string& layer) {
  return pinn::load_case_file(std::string(PINN_SOURCE_DIR) + "/cases/obstacle1d.toml",
                              {"network.activation=leaky_relu", "network.hidden=[8, 8]", "sampling.interior=64",
                               "stage.0.iterations=200", "stage.0.multiplier_updates=2",
                               "stage.1={type = \"adam\", iterations = 100, learning_rate = 1e-3, insert_neurons = 5, "
                               "insert_layer = " + layer + "}"});
}

TEST(NeuronInsertionStage, WidensTheLayerWithoutChangingTheLoss) {
  for (const std::string layer : {"0", "1"}) {
    std::ostringstream log;
    pinn::RunOptions options;
    options.write_files = false;
    options.log = &log;
    pinn::ObstacleSolver solver(inserting_case(layer), options);
    const pinn::RunResult result = solver.run();
    ASSERT_EQ(result.status, pinn::RunStatus::ok);
    const pinn::MlpLayout& layout = solver.network().layout();
    EXPECT_EQ(layout.width[1], layer == "0" ? 13 : 8);
    EXPECT_EQ(layout.width[2], layer == "1" ? 13 : 8);
    EXPECT_NE(log.str().find("inserted 5 neurons into hidden layer " + layer), std::string::npos) << log.str();
    // The second stage starts from the first one's loss: the new neurons enter with zero outgoing weights.
    ASSERT_EQ(result.stages.size(), 2u);
    EXPECT_NEAR(result.stages[1].loss_start, result.stages[0].loss_end, 1e-12 * std::abs(result.stages[0].loss_end));
    EXPECT_LT(result.stages[1].loss_end, result.stages[1].loss_start) << "and training goes on with them";
  }
}

TEST(NeuronInsertionStage, IsReproducibleFromTheSeed) {
  pinn::RunOptions options;
  options.write_files = false;
  options.quiet = true;
  pinn::ObstacleSolver a(inserting_case("1"), options), b(inserting_case("1"), options);
  a.run();
  b.run();
  auto host = [](const pinn::ObstacleSolver& s) {
    auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), s.network().params());
    return std::vector<double>(h.data(), h.data() + h.extent(0));
  };
  EXPECT_EQ(host(a), host(b));
}

}  // namespace
