/// @file solver/run_context.hpp
/// @brief What every summary.json (solver/report.hpp, solver/time_series_output.hpp) says of how
/// the run was made.
#pragma once

#include "solver/case_config.hpp"

#include <nlohmann/json.hpp>

namespace pinn {

/// kokkos (backend, threads), seed, the effective configuration, and the default pipeline's reasons
/// and the notices where there are any.
nlohmann::json run_context_json(const CaseConfig& config);

}  // namespace pinn
