/// @file tests/solver/test_revive_neurons_stage.cpp
/// @brief stage.revive_neurons: at each multiplier update the solver revives
/// the dead neurons of a piecewise-linear network.
#include "nn/neuron_revival.hpp"
#include "solver/case_file.hpp"
#include "solver/obstacle_solver.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace {

TEST(ReviveNeuronsStage, RevivesAtEachMultiplierUpdate) {
  // ReLU with a large rate kills neurons quickly; the last round ends on an update.
  auto make = [](bool revive) {
    return pinn::load_case_file(std::string(PINN_SOURCE_DIR) + "/cases/obstacle1d.toml",
                                {"network.activation=relu", "sampling.interior=64", "stage.0.iterations=300",
                                 "stage.0.learning_rate=0.05", "stage.0.schedule=\"constant\"",
                                 "stage.0.multiplier_updates=3", std::string("stage.0.revive_neurons=") +
                                 (revive ? "true" : "false"), "stage.1.iterations=0"});
  };
  std::ostringstream log;
  pinn::RunOptions options;
  options.write_files = false;
  options.log = &log;
  pinn::ObstacleSolver plain(make(false), options);
  ASSERT_EQ(plain.run().status, pinn::RunStatus::ok);
  const auto without = pinn::find_kinkless_neurons(plain.network(), plain.training_points().coordinates);
  ASSERT_FALSE(without.dead.empty()) << "the test needs dead neurons to appear";
  EXPECT_EQ(log.str().find("dead neurons"), std::string::npos);

  pinn::ObstacleSolver reviving(make(true), options);
  ASSERT_EQ(reviving.run().status, pinn::RunStatus::ok);
  EXPECT_NE(log.str().find("dead neurons"), std::string::npos) << "the solver reports its revivals";
  // Revived at the last update, trained since: fewer dead neurons than without revival.
  const auto with = pinn::find_kinkless_neurons(reviving.network(), reviving.training_points().coordinates);
  EXPECT_LT(with.dead.size(), without.dead.size());
}

}  // namespace

TEST(ReviveNeuronsStage, TheRoundsOfARoundSolvingStageStartFromTheRevivedNetwork) {
  // Adam with a large rate leaves dead ReLU neurons; the second stage revives
  // them between its rounds, and its next round must start from the revived
  // network (not from the parameters its previous round ended on).
  for (const std::string type : {"ceres_lbfgs", "natural_gradient"}) {
    auto run = [&](bool revive) {
      pinn::CaseConfig config = pinn::load_case_file(
          std::string(PINN_SOURCE_DIR) + "/cases/obstacle1d.toml",
          {"network.activation=relu", "sampling.interior=64", "stage.0.iterations=300", "stage.0.learning_rate=0.05",
           "stage.0.schedule=\"constant\"", "stage.0.multiplier_updates=0",
           "stage.1={type = \"" + type + "\", iterations = 20, multiplier_updates = 1, revive_neurons = " +
               (revive ? "true" : "false") + "}"});
      pinn::RunOptions options;
      options.write_files = false;
      options.quiet = true;
      pinn::ObstacleSolver solver(config, options);
      EXPECT_EQ(solver.run().status, pinn::RunStatus::ok) << type;
      return pinn::parameters_of(solver.network());
    };
    EXPECT_NE(run(true), run(false)) << type << ": the revival between the rounds took no effect";
  }
}
