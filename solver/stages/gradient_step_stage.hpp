/// @file solver/stages/gradient_step_stage.hpp
/// @brief The first-order stages, "adam" and "sgd": one gradient step per
/// iteration on the (augmented-Lagrangian) loss, optionally with the output
/// layer set to its least-squares optimum every few steps (variable projection).
#pragma once

#include "nn/learning_rate.hpp"
#include "physics/toml_section.hpp"
#include "solver/stages/stage.hpp"

#include <memory>

namespace pinn {

struct GradientStepOptions final : StageOptions {
  LearningRateSchedule schedule;  ///< learning_rate, schedule, min_learning_rate, lr_gamma, lr_step
  /// Every N iterations the output layer is set to its exact least-squares
  /// optimum for the current hidden layers (solver/output_layer_solve.hpp); 0 = off.
  int output_solve_every = 0;
};

class GradientStepStage final : public Stage {
 public:
  /// `plain_sgd`: θ ← θ − lr·g; otherwise Adam.
  explicit GradientStepStage(bool plain_sgd) : plain_sgd_(plain_sgd) {}
  StageSummary run(TrainingState& state, StageContext& context) override;

  /// Reads learning_rate, schedule, min_learning_rate, lr_gamma, lr_step and output_solve_every.
  /// Checks stage `stage_index` of `config`: its options and what they allow with the rest of the case.
  static void validate(const CaseConfig& config, int stage_index);
  static std::shared_ptr<const StageOptions> read_options(TomlSection& table, const StageConfig& stage,
                                                          const CaseConfig& config);

 private:
  bool plain_sgd_;
};

}  // namespace pinn
