/// @file tests/solver/test_stage_registry.cpp
/// @brief Stage types are plug-ins: a program registers a stage type of its
/// own (one class and one register_stage_kind call), case files name it, the
/// driver runs it inside the augmented-Lagrangian loop and its observers see
/// it — nothing in the engine changes. Also: the engine's types are listed,
/// and an extra observer sees every stage's iterations, rounds and ends.
#include "solver/case_file.hpp"
#include "solver/obstacle_solver.hpp"
#include "solver/stages/stage_registry.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

/// "hold": evaluates the loss each iteration and moves nothing; ends each
/// round with the augmented-Lagrangian update, as every stage does.
struct HoldOptions final : pinn::StageOptions {
  int evaluations_per_iteration = 1;
};

class HoldStage final : public pinn::Stage {
 public:
  pinn::StageSummary run(pinn::TrainingState& state, pinn::StageContext& context) override {
    const pinn::StageConfig& stage = context.stage;
    const int per_iteration = pinn::options_of<HoldOptions>(stage).evaluations_per_iteration;
    pinn::StageSummary summary;
    summary.name = stage.type;
    const int per_round = pinn::AugmentedLagrangian::iterations_per_round(stage);
    int round = 0;
    context.outer.begin_round(state, stage, round);
    const pinn::TrainingPoints& points = state.points.points();
    summary.loss_start = context.loss.terms(*state.net, points, state.loss_params).total();
    for (int it = 1; it <= stage.iterations; ++it) {
      for (int k = 0; k < per_iteration; ++k) context.loss.terms(*state.net, state.points.points(), state.loss_params);
      ++state.total_iterations;
      const bool round_end = it % per_round == 0 && round < stage.multiplier_updates;
      context.observer.on_iteration(state, context.event(it, 0.0, round_end));
      if (round_end) context.outer.end_round(state, stage, ++round);
      summary.iterations = it;
    }
    summary.loss_end = context.loss.terms(*state.net, state.points.points(), state.loss_params).total();
    context.observer.on_stage_end(state, context.event(summary.iterations));
    return summary;
  }

  static std::shared_ptr<const pinn::StageOptions> read_options(pinn::TomlSection& table, const pinn::StageConfig&,
                                                                const pinn::CaseConfig&) {
    auto options = std::make_shared<HoldOptions>();
    options->evaluations_per_iteration = static_cast<int>(table.get_int("evaluations_per_iteration", 1, 1, 10));
    return options;
  }
  static void validate(const pinn::CaseConfig& config, int stage_index) {
    pinn::options_of<HoldOptions>(config.stages.at(static_cast<std::size_t>(stage_index)),
                                  config.where("stage." + std::to_string(stage_index) + ".type"));
  }
};

void register_hold_stage() {
  if (pinn::find_stage_kind("hold")) return;
  pinn::register_stage_kind(
      {"hold", HoldStage::read_options, HoldStage::validate,
       [](const pinn::StageConfig&) -> std::unique_ptr<pinn::Stage> { return std::make_unique<HoldStage>(); }, false});
}

/// Counts what it is told.
struct CountingObserver final : pinn::TrainingObserver {
  std::vector<int> iterations;  ///< event.iteration of every on_iteration
  std::vector<std::string> stage_ends;
  int resumable = 0;
  void on_iteration(pinn::TrainingState&, const pinn::IterationEvent& event) override {
    iterations.push_back(event.iteration);
  }
  void on_resumable(const pinn::TrainingState&, const pinn::StagePosition&) override { ++resumable; }
  void on_stage_end(pinn::TrainingState&, const pinn::IterationEvent& event) override {
    stage_ends.push_back(event.stage.type);
  }
};

pinn::CaseConfig obstacle1d(const std::vector<std::string>& overrides) {
  std::vector<std::string> all = {"sampling.interior=64", "output.log_every=5"};
  all.insert(all.end(), overrides.begin(), overrides.end());
  return pinn::load_case_file(std::string(PINN_SOURCE_DIR) + "/cases/obstacle1d.toml", all);
}

}  // namespace

TEST(StageRegistry, ListsTheEngineStageTypes) {
  for (const char* name : {"adam", "sgd", "ceres_lm", "ceres_lbfgs"}) EXPECT_NE(pinn::find_stage_kind(name), nullptr);
  EXPECT_EQ(pinn::find_stage_kind("newton"), nullptr);
  EXPECT_NE(pinn::stage_kind_names().find("adam|sgd|ceres_lm|ceres_lbfgs"), std::string::npos);
  EXPECT_THROW(pinn::register_stage_kind(*pinn::find_stage_kind("adam")), pinn::ApiError);
}

TEST(StageRegistry, ARegisteredStageTypeRunsFromACaseFileWithoutChangesToTheDriver) {
  register_hold_stage();
  pinn::CaseConfig config =
      obstacle1d({"stage.0.iterations=40", "stage.0.multiplier_updates=1",
                  "stage.1={type = \"hold\", iterations = 20, multiplier_updates = 3, evaluations_per_iteration = 2}"});
  ASSERT_EQ(config.stages.at(1).type, "hold");
  pinn::RunOptions options;
  options.quiet = true;
  options.write_files = false;
  CountingObserver counter;
  options.observer = &counter;
  pinn::ObstacleSolver solver(config, options);
  const pinn::RunResult result = solver.run();
  ASSERT_EQ(result.status, pinn::RunStatus::ok);
  ASSERT_EQ(result.stages.size(), 2u);
  EXPECT_EQ(result.stages[1].name, "hold");
  EXPECT_EQ(result.stages[1].iterations, 20);
  EXPECT_EQ(counter.iterations.size(), 60u);  // 40 Adam + 20 hold iterations
  EXPECT_EQ(counter.stage_ends, (std::vector<std::string>{"adam", "hold"}));
  // History rows every output.log_every = 5 iterations of the hold stage.
  int hold_rows = 0;
  for (const pinn::HistoryRow& row : solver.history()) hold_rows += row.stage == "hold";
  EXPECT_EQ(hold_rows, 4);
  EXPECT_NE(result.stages[1].loss_start, result.stages[1].loss_end);  // the multiplier updates changed the loss
}

TEST(StageRegistry, AStageTypeRefusesKeysItDoesNotHave) {
  register_hold_stage();
  try {
    obstacle1d({"stage.0={type = \"hold\", learning_rate = 1e-3}"});
    FAIL() << "learning_rate accepted by a hold stage";
  } catch (const pinn::UserError& e) {
    EXPECT_NE(std::string(e.what()).find("stage.0"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("learning_rate"), std::string::npos) << e.what();
  }
  try {
    obstacle1d({"stage.0={type = \"newton\"}"});
    FAIL() << "an unknown stage type accepted";
  } catch (const pinn::UserError& e) {
    EXPECT_NE(std::string(e.what()).find("hold"), std::string::npos) << "the registered types are listed: " << e.what();
  }
}

TEST(StageRegistry, ObserversSeeEveryStageAndThePointsARunCanResumeFrom) {
  pinn::CaseConfig config = obstacle1d({"stage.0.iterations=20", "stage.0.multiplier_updates=0", "stage.1.iterations=6",
                                        "stage.1.multiplier_updates=2"});
  pinn::RunOptions options;
  options.quiet = true;
  options.output_directory = ::testing::TempDir() + "/stage_registry_observers";
  CountingObserver counter;
  options.observer = &counter;
  pinn::ObstacleSolver solver(config, options);
  const std::vector<double> before = pinn::parameters_of(solver.network());
  const pinn::RunResult result = solver.run();
  ASSERT_EQ(result.status, pinn::RunStatus::ok);
  EXPECT_EQ(counter.stage_ends, (std::vector<std::string>{"adam", "ceres_lm"}));
  EXPECT_EQ(static_cast<int>(counter.iterations.size()), result.stages[0].iterations + result.stages[1].iterations);
  // Adam: every log_every (5) iterations but the last, and its end; LM: each of its 3 rounds' starts, and its end.
  EXPECT_EQ(counter.resumable, 3 + 1 + 3 + 1);
  EXPECT_NE(pinn::parameters_of(solver.network()), before);
}
