/// @file tests/solver/test_natural_gradient_stage.cpp
/// @brief The natural_gradient stage: it lowers the loss and the error after
/// Adam with either step control, forms its step in the residual space when
/// there are fewer residuals than parameters, reports where its time goes,
/// keeps the weights small under a weight decay, and its keys are read and
/// checked. (Resume: tests/solver/test_resume.cpp.)
#include "nn/error.hpp"
#include "solver/case_file.hpp"
#include "solver/obstacle_solver.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

/// obstacle1d with `interior` points, Adam for 300 iterations, then `stage`.
pinn::RunResult run_obstacle1d(int interior, const std::string& stage, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> overrides = {"sampling.interior=" + std::to_string(interior), "stage.0.iterations=300",
                                        "stage.0.multiplier_updates=2", "output.log_every=10", "stage.1=" + stage};
  overrides.insert(overrides.end(), extra.begin(), extra.end());
  pinn::CaseConfig config = pinn::load_case_file(std::string(PINN_SOURCE_DIR) + "/cases/obstacle1d.toml", overrides);
  pinn::RunOptions options;
  options.quiet = true;
  options.write_files = false;
  pinn::ObstacleSolver solver(config, options);
  return solver.run();
}

std::string expect_refused(const std::string& stage) {
  try {
    run_obstacle1d(64, stage);
  } catch (const pinn::UserError& e) {
    return e.what();
  }
  ADD_FAILURE() << "accepted: " << stage;
  return "";
}

}  // namespace

TEST(NaturalGradientStage, LowersTheLossAndTheErrorAfterAdamWithEitherStepControl) {
  const pinn::RunResult adam = run_obstacle1d(256, "{type = \"adam\", iterations = 0}");
  for (const std::string control : {"damping", "line_search"}) {
    const pinn::RunResult ng =
        run_obstacle1d(256, "{type = \"natural_gradient\", iterations = 60, multiplier_updates = 5, step_control = \"" +
                                control + "\"}");
    ASSERT_EQ(ng.status, pinn::RunStatus::ok) << control;
    const pinn::StageSummary& stage = ng.stages.at(1);
    EXPECT_EQ(stage.name, "natural_gradient");
    EXPECT_GT(stage.iterations, 0) << control;
    EXPECT_LT(stage.loss_end, stage.loss_start) << control;
    // Adam's 300 iterations leave about 1e-2; 60 Gauss–Newton steps cut it by an order of magnitude.
    EXPECT_LT(ng.metrics.rel_l2, 0.1 * adam.metrics.rel_l2)
        << control << ": " << ng.metrics.rel_l2 << " after Adam's " << adam.metrics.rel_l2;
    EXPECT_NE(stage.solver_report.find("parameter space"), std::string::npos) << stage.solver_report;
    EXPECT_NE(stage.solver_report.find("Gram"), std::string::npos) << stage.solver_report;
  }
}

TEST(NaturalGradientStage, UsesTheResidualSpaceWithFewerResidualsThanParameters) {
  // 16 points × 2 residuals + 2 boundary residuals < the 2×[32, 32] network's 1185 parameters.
  const pinn::RunResult ng = run_obstacle1d(
      16, "{type = \"natural_gradient\", iterations = 20, multiplier_updates = 1}", {"network.hidden=[32, 32]"});
  ASSERT_EQ(ng.status, pinn::RunStatus::ok);
  const pinn::StageSummary& stage = ng.stages.at(1);
  EXPECT_NE(stage.solver_report.find("residual space"), std::string::npos) << stage.solver_report;
  EXPECT_LT(stage.loss_end, stage.loss_start);
}

TEST(NaturalGradientStage, TakesTheSourceAsLinearRowsOnRequest) {
  // energy_source = "points": the steps' cost is the training loss, so a
  // single round (fixed multipliers) ends with a lower loss, on either space.
  // 256 points × 2 square rows > the [16, 16] network's 321 parameters; 16 × 2 < [32, 32]'s 1153.
  for (const int interior : {256, 16}) {
    const pinn::RunResult ng = run_obstacle1d(
        interior, "{type = \"natural_gradient\", iterations = 30, energy_source = \"points\"}",
        {interior == 16 ? "network.hidden=[32, 32]" : "network.hidden=[16, 16]"});
    ASSERT_EQ(ng.status, pinn::RunStatus::ok);
    const pinn::StageSummary& stage = ng.stages.at(1);
    EXPECT_GT(stage.iterations, 0);
    EXPECT_LT(stage.loss_end, stage.loss_start);
    EXPECT_NE(stage.solver_report.find(interior == 16 ? "residual space" : "parameter space"), std::string::npos)
        << stage.solver_report;
  }
  // Other loss forms have no source term to take: refused where the key is.
  try {
    run_obstacle1d(64, "{type = \"natural_gradient\", energy_source = \"points\"}", {"loss.form=\"strong\""});
    ADD_FAILURE() << "energy_source = \"points\" accepted with the strong form";
  } catch (const pinn::UserError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("stage.1.energy_source"), std::string::npos) << message;
    EXPECT_NE(message.find("strong"), std::string::npos) << message;
  }
}

TEST(NaturalGradientStage, WeightDecayKeepsTheWeightsSmall) {
  // ½α‖θ‖² in the steps' cost pulls every weight toward zero: a smaller
  // Lipschitz bound (the product of the layers' norms) than without it.
  const std::string stage = "{type = \"natural_gradient\", iterations = 60, multiplier_updates = 5";
  const pinn::RunResult plain = run_obstacle1d(256, stage + "}");
  const pinn::RunResult decayed = run_obstacle1d(256, stage + ", weight_decay = 1e-2}");
  ASSERT_EQ(plain.status, pinn::RunStatus::ok);
  ASSERT_EQ(decayed.status, pinn::RunStatus::ok);
  EXPECT_LT(decayed.diagnostics.lipschitz_bound, 0.9 * plain.diagnostics.lipschitz_bound)
      << decayed.diagnostics.lipschitz_bound << " against " << plain.diagnostics.lipschitz_bound;
  EXPECT_NE(decayed.stages.at(1).solver_report.find("weight decay 0.01"), std::string::npos)
      << decayed.stages.at(1).solver_report;
  EXPECT_EQ(plain.stages.at(1).solver_report.find("weight decay"), std::string::npos);
}

TEST(NaturalGradientStage, ReadsAndChecksItsKeys) {
  std::string message = expect_refused("{type = \"natural_gradient\", damping = 0}");
  EXPECT_NE(message.find("stage.1.damping"), std::string::npos) << message;
  message = expect_refused("{type = \"natural_gradient\", step_control = \"newton\"}");
  EXPECT_NE(message.find("damping|line_search"), std::string::npos) << message;
  message = expect_refused("{type = \"natural_gradient\", learning_rate = 1e-3}");
  EXPECT_NE(message.find("no learning rate"), std::string::npos) << message;
  message = expect_refused("{type = \"natural_gradient\", linear_solver = \"dense_qr\"}");
  EXPECT_NE(message.find("only a ceres_lm stage"), std::string::npos) << message;
  message = expect_refused("{type = \"natural_gradient\", min_diagonal = -1}");
  EXPECT_NE(message.find("stage.1.min_diagonal"), std::string::npos) << message;
  message = expect_refused("{type = \"natural_gradient\", weight_decay = 2}");
  EXPECT_NE(message.find("stage.1.weight_decay"), std::string::npos) << message;
  EXPECT_NE(message.find("[0, 1]"), std::string::npos) << message;
  message = expect_refused("{type = \"natural_gradient\", select_last_rounds = 5}");  // more than its one round
  EXPECT_NE(message.find("select_last_rounds"), std::string::npos) << message;
}
