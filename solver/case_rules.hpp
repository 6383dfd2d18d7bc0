/// @file solver/case_rules.hpp
/// @brief The rules a configuration obeys across its keys — the ones no single
/// key's range can state (a stage's smoothing needs a piecewise-linear
/// network, round selection needs a stage that has rounds to select, …).
/// The case-file reader and ObstacleSolver both apply them, so a CaseConfig
/// built in C++ is held to what a case file is.
#pragma once

#include "solver/case_config.hpp"

namespace pinn {

/// Throws pinn::UserError naming the key to blame (CaseConfig::where): what
/// was found and what is allowed. Expects a finalized configuration.
void validate_config(const CaseConfig& config);

}  // namespace pinn
