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
  std::unique_ptr<Stage> (*make)(const StageConfig& stage);
};

/// Every stage type, in the order case files document them.
const std::vector<StageKind>& stage_kinds();
/// The stage type called `name`; nullptr if there is none.
const StageKind* find_stage_kind(const std::string& name);
/// The names, "adam|sgd|…", for messages.
std::string stage_kind_names();

}  // namespace pinn
