/// @file solver/stages/stage_registry.cpp
/// @brief The table of stage types: a new stage type is one line here.
#include "solver/stages/stage_registry.hpp"

#include "solver/stages/ceres_lbfgs_stage.hpp"
#include "solver/stages/ceres_lm_stage.hpp"
#include "solver/stages/gradient_step_stage.hpp"
#include "solver/stages/natural_gradient_stage.hpp"

namespace pinn {

namespace {

std::vector<StageKind>& registry() {
  static std::vector<StageKind> kinds{
      {"adam", GradientStepStage::read_options, GradientStepStage::validate,
       [](const StageConfig&) -> std::unique_ptr<Stage> { return std::make_unique<GradientStepStage>(false); }, false},
      {"sgd", GradientStepStage::read_options, GradientStepStage::validate,
       [](const StageConfig&) -> std::unique_ptr<Stage> { return std::make_unique<GradientStepStage>(true); }, false},
      {"ceres_lm", CeresLmStage::read_options, CeresLmStage::validate,
       [](const StageConfig&) -> std::unique_ptr<Stage> { return std::make_unique<CeresLmStage>(); }, true},
      {"ceres_lbfgs", CeresLbfgsStage::read_options, CeresLbfgsStage::validate,
       [](const StageConfig&) -> std::unique_ptr<Stage> { return std::make_unique<CeresLbfgsStage>(); }, true},
      {"natural_gradient", NaturalGradientStage::read_options, NaturalGradientStage::validate,
       [](const StageConfig&) -> std::unique_ptr<Stage> { return std::make_unique<NaturalGradientStage>(); }, true},
  };
  return kinds;
}

}  // namespace

const std::vector<StageKind>& stage_kinds() { return registry(); }

void register_stage_kind(const StageKind& kind) {
  PINN_REQUIRE(kind.name && *kind.name && kind.read_options && kind.validate && kind.make,
               "register_stage_kind: a stage type needs a name and all three functions");
  PINN_REQUIRE(!find_stage_kind(kind.name), "register_stage_kind: a stage type \"" << kind.name << "\" exists already");
  registry().push_back(kind);
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

bool carries_source_in_flux(const StageConfig& stage) {
  if (stage.type == "ceres_lm") return true;
  const auto* natural = dynamic_cast<const NaturalGradientOptions*>(stage.options.get());
  return stage.type == "natural_gradient" && (!natural || natural->energy_source == EnergySource::flux);
}

}  // namespace pinn
