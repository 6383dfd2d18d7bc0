/// @file solver/stages/ceres_lbfgs_stage.hpp
/// @brief The "ceres_lbfgs" stage: Ceres' LBFGS (ceres::GradientProblem, Wolfe
/// line search) on the (augmented-Lagrangian) loss, one solve per multiplier round.
#pragma once

#include "physics/toml_section.hpp"
#include "solver/stages/stage.hpp"

#include <memory>

namespace pinn {

class CeresLbfgsStage final : public Stage {
 public:
  StageSummary run(TrainingState& state, StageContext& context) override;
  /// The stage has no keys of its own; refuses the learning-rate keys.
  /// Checks stage `stage_index` of `config`: its options and what they allow with the rest of the case.
  static void validate(const CaseConfig& config, int stage_index);
  static std::shared_ptr<const StageOptions> read_options(TomlSection& table, const StageConfig& stage,
                                                          const CaseConfig& config);
};

}  // namespace pinn
