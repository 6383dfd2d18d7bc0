/// @file tests/solver/test_case_rules.cpp
/// @brief A CaseConfig built in C++ is held to the rules a case file is
/// (solver/case_rules.hpp): ObstacleSolver refuses what the reader refuses,
/// naming the key, and finalize() sets the derived fields.
#include "nn/error.hpp"
#include "solver/case_file.hpp"
#include "solver/case_rules.hpp"
#include "solver/obstacle_solver.hpp"
#include "solver/stages/ceres_lm_stage.hpp"
#include "solver/stages/gradient_step_stage.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>

namespace {

pinn::CaseConfig valid_case() {
  pinn::CaseConfig config = pinn::load_case_file(std::string(PINN_SOURCE_DIR) + "/cases/obstacle1d.toml", {});
  config.locations.clear();  // as if built in C++
  return config;
}

/// Expects `change` to make the configuration invalid, blaming `key`.
void expect_refused(const std::function<void(pinn::CaseConfig&)>& change, const std::string& key,
                    const std::string& part) {
  pinn::CaseConfig config = valid_case();
  change(config);
  config.finalize();
  try {
    pinn::validate_config(config);
    ADD_FAILURE() << "accepted; expected a refusal naming " << key;
  } catch (const pinn::UserError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("problem 'obstacle1d': " + key), std::string::npos) << message;
    EXPECT_NE(message.find(part), std::string::npos) << "missing \"" << part << "\" in: " << message;
  }
  pinn::RunOptions options;
  options.quiet = true;
  options.write_files = false;
  EXPECT_THROW(pinn::ObstacleSolver(config, options), pinn::UserError) << key;
}

}  // namespace

TEST(CaseRules, ThePredefinedCaseIsValid) { EXPECT_NO_THROW(pinn::validate_config(valid_case())); }

TEST(CaseRules, ACaseBuiltInCxxIsHeldToTheCaseFileRules) {
  expect_refused([](pinn::CaseConfig& c) { c.stages[0].type = "newton"; }, "stage.0.type", "adam|sgd");
  expect_refused([](pinn::CaseConfig& c) { c.stages[0].iterations = -1; }, "stage.0.iterations", "-1");
  expect_refused([](pinn::CaseConfig& c) { c.stages[0].select_last_rounds = 1; }, "stage.0.select_last_rounds",
                 "ends on its last iterate");
  expect_refused([](pinn::CaseConfig& c) { c.stages[1].select_last_rounds = 99; }, "stage.1.select_last_rounds",
                 "multiplier rounds");
  expect_refused([](pinn::CaseConfig& c) { c.stages[0].smoothing = 0.1; }, "stage.0.smoothing",
                 "piecewise-linear");  // obstacle1d's network is tanh
  expect_refused([](pinn::CaseConfig& c) { c.stages[0].revive_neurons = true; }, "stage.0.revive_neurons",
                 "piecewise-linear");
  expect_refused([](pinn::CaseConfig& c) { c.stages[0].exact_fit_steps = 10; }, "stage.0.exact_fit_steps",
                 "with smoothing > 0");
  expect_refused(
      [](pinn::CaseConfig& c) {
        c.stages[0].insert_neurons = 4;
        c.stages[0].insert_layer = 7;
      },
      "stage.0.insert_layer", "hidden layer");
  expect_refused(
      [](pinn::CaseConfig& c) {
        auto options = std::make_shared<pinn::GradientStepOptions>();
        options->schedule.initial = 0.0;
        c.stages[0].options = options;
      },
      "stage.0.learning_rate", "(0, 10]");
  expect_refused([](pinn::CaseConfig& c) { c.stages[0].options = std::make_shared<pinn::CeresLmOptions>(); },
                 "stage.0.type", "options of another stage type");
  expect_refused([](pinn::CaseConfig& c) { c.loss.exact_energy_integration = true; }, "stage.1.type",
                 "least-squares form");  // obstacle1d's second stage is ceres_lm
}

TEST(CaseRules, FinalizeSetsTheDerivedFields) {
  pinn::CaseConfig config = valid_case();
  config.stages.clear();
  config.loss.form = pinn::LossForm::first_order;
  config.network.n_outputs = 0;
  config.finalize();
  EXPECT_EQ(config.network.n_outputs, 2);  // u and σ = u'
  EXPECT_EQ(config.network.n_inputs, 1);
  ASSERT_EQ(config.stages.size(), 1u);
  EXPECT_EQ(config.stages[0].type, "adam");
}
