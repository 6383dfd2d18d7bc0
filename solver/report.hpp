/// @file solver/report.hpp
/// @brief summary.json (schema in DESIGN.md §4).
#pragma once

#include "nn/mlp.hpp"
#include "solver/case_config.hpp"

#include <string>

namespace pinn {

struct RunResult;

/// The summary of a run as pretty-printed JSON text.
std::string summary_json(const CaseConfig& config, const Mlp& net, const RunResult& result);

}  // namespace pinn
