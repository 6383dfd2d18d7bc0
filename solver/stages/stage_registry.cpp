/// @file solver/stages/stage_registry.cpp
/// @brief The table of stage types: a new stage type is one line here.
#include "solver/stages/stage_registry.hpp"

#include "solver/stages/ceres_lbfgs_stage.hpp"
#include "solver/stages/ceres_lm_stage.hpp"
#include "solver/stages/gradient_step_stage.hpp"

namespace pinn {

const std::vector<StageKind>& stage_kinds() {
  static const std::vector<StageKind> kinds{
      {"adam", GradientStepStage::read_options,
       [](const StageConfig&) -> std::unique_ptr<Stage> { return std::make_unique<GradientStepStage>(false); }},
      {"sgd", GradientStepStage::read_options,
       [](const StageConfig&) -> std::unique_ptr<Stage> { return std::make_unique<GradientStepStage>(true); }},
      {"ceres_lm", CeresLmStage::read_options,
       [](const StageConfig&) -> std::unique_ptr<Stage> { return std::make_unique<CeresLmStage>(); }},
      {"ceres_lbfgs", CeresLbfgsStage::read_options,
       [](const StageConfig&) -> std::unique_ptr<Stage> { return std::make_unique<CeresLbfgsStage>(); }},
  };
  return kinds;
}

const StageKind* find_stage_kind(const std::string& name) {
  for (const StageKind& kind : stage_kinds())
    if (name == kind.name) return &kind;
  return nullptr;
}

std::string stage_kind_names() {
  std::string names;
  for (const StageKind& kind : stage_kinds()) names += (names.empty() ? "" : "|") + std::string(kind.name);
  return names;
}

}  // namespace pinn
