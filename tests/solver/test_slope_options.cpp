/// @file tests/solver/test_slope_options.cpp
/// @brief PReLU slope options reach the network from a case file: the
/// (0, 1] reparametrisation keeps α inside, the ℓ1 penalty shrinks it, the
/// monotone projection holds through every solver.
#include "solver/case_file.hpp"
#include "solver/obstacle_solver.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace {

/// obstacle1d's case with `overrides`, keeping only its stage `kept_stage`.
pinn::RunResult run_obstacle1d(const std::vector<std::string>& overrides, int kept_stage) {
  pinn::CaseConfig config = pinn::load_case_file(std::string(PINN_SOURCE_DIR) + "/cases/obstacle1d.toml", overrides);
  config.stages = {config.stages.at(static_cast<std::size_t>(kept_stage))};
  pinn::RunOptions options;
  options.quiet = true;
  options.write_files = false;
  pinn::ObstacleSolver solver(config, options);
  return solver.run();
}

/// Its Adam stage on a layer-wise PReLU.
pinn::RunResult run_prelu(const std::vector<std::string>& extra) {
  std::vector<std::string> overrides = {"network.activation=prelu", "network.alpha=0.5", "stage.0.iterations=400",
                                        "sampling.interior=64", "stage.0.learning_rate=1e-2"};
  overrides.insert(overrides.end(), extra.begin(), extra.end());
  return run_obstacle1d(overrides, 0);
}

double mean_alpha(const pinn::RunResult& r) {
  double sum = 0.0;
  for (const auto& layer : r.diagnostics.layers) sum += layer.alpha_mean;
  return sum / static_cast<double>(r.diagnostics.layers.size());
}

TEST(SlopeOptions, L1PenaltyShrinksTheSlopes) {
  const double free_alpha = mean_alpha(run_prelu({}));
  const double penalised = mean_alpha(run_prelu({"network.alpha_l1=0.5"}));
  EXPECT_LT(penalised, free_alpha - 0.05) << "free " << free_alpha << ", penalised " << penalised;
}

TEST(SlopeOptions, UnitIntervalKeepsEverySlopeInside) {
  const pinn::RunResult r =
      run_prelu({"network.alpha_constraint=unit_interval", "network.alpha_mode=channel", "stage.0.learning_rate=0.5"});
  for (const auto& layer : r.diagnostics.layers) {
    EXPECT_GT(layer.alpha_min, 0.0);
    EXPECT_LE(layer.alpha_max, 1.0);
  }
}

/// Its second stage alone, as `type`, on a channel-wise PReLU whose slopes
/// start at 0, the edge of the monotone range.
pinn::RunResult run_second_order(const std::string& type, const std::string& constraint,
                                 const std::vector<std::string>& extra = {}) {
  std::vector<std::string> overrides = {"network.activation=prelu", "network.alpha=0", "network.alpha_mode=channel",
                                        "network.alpha_constraint=" + constraint, "sampling.interior=64",
                                        "stage.1.type=" + type, "stage.1.iterations=40",
                                        "stage.1.multiplier_updates=3"};
  overrides.insert(overrides.end(), extra.begin(), extra.end());
  return run_obstacle1d(overrides, 1);
}

double min_alpha(const pinn::RunResult& r) {
  double lowest = 1.0;
  for (const auto& layer : r.diagnostics.layers) lowest = std::min(lowest, layer.alpha_min);
  return lowest;
}

TEST(SlopeOptions, MonotoneHoldsThroughTheSecondOrderSolversAndTheExactFit) {
  const std::vector<std::string> fit = {"stage.1.smoothing=0.05", "stage.1.exact_fit_steps=5"};
  for (const auto& [type, extra] : std::vector<std::pair<std::string, std::vector<std::string>>>{
           {"ceres_lbfgs", {}}, {"ceres_lm", {}}, {"natural_gradient", {}}, {"ceres_lbfgs", fit}}) {
    SCOPED_TRACE(type + (extra.empty() ? "" : " with the exact fit"));
    // Free slopes go below 0 here, so the test sees the projection.
    EXPECT_LT(min_alpha(run_second_order(type, "none", extra)), 0.0);
    const pinn::RunResult monotone = run_second_order(type, "monotone", extra);
    EXPECT_EQ(monotone.status, pinn::RunStatus::ok);
    EXPECT_GE(min_alpha(monotone), 0.0);
  }
}

}  // namespace
