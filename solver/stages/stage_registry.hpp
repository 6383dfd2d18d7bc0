/// @file solver/stages/stage_registry.hpp
/// @brief The stage types, by the name a [[stage]] table's `type` gives.
#pragma once

#include "physics/toml_section.hpp"
#include "solver/case_config.hpp"
#include "solver/stages/stage.hpp"

#include <memory>
#include <string>
#include <vector>

namespace pinn {

struct StageKind {
  const char* name;
  /// Reads the type's own keys from its [[stage]] table (the keys every
  /// stage has are read already) and refuses keys that mean nothing to it.
  std::shared_ptr<const StageOptions> (*read_options)(TomlSection& table, const StageConfig& stage,
                                                      const CaseConfig& config);
  /// Checks stage `stage_index` of `config` against the type's own rules
  /// (its options, what they allow with the rest of the case).
  void (*validate)(const CaseConfig& config, int stage_index);
  std::unique_ptr<Stage> (*make)(const StageConfig& stage);
  /// Whether each multiplier round is solved apart, so that the stage can
  /// keep the best of its last rounds (stage.select_last_rounds).
  bool selects_rounds;
};

/// Every stage type: the engine's, in the order case files document them,
/// then any a program registered.
const std::vector<StageKind>& stage_kinds();
/// Adds a stage type (a program's own; case files and StageConfig::type can
/// then name it). Throws pinn::ApiError when the name is taken or a function is missing.
void register_stage_kind(const StageKind& kind);
/// The stage type called `name`; nullptr if there is none.
const StageKind* find_stage_kind(const std::string& name);
/// The names, "adam|sgd|…", for messages.
std::string stage_kind_names();

/// Whether `stage` trains the energy's least-squares form with the source in
/// the flux F (∇·F = −f) computed once: ceres_lm, and natural_gradient with
/// energy_source = "flux". A lagged wind, which changes the source every
/// round, needs the other stages (solver/lagged_wind.hpp).
bool carries_source_in_flux(const StageConfig& stage);

}  // namespace pinn
