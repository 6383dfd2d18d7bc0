/// @file solver/report.hpp
/// @brief summary.json (its fields are listed in README.md, "What a run produces").
#pragma once

#include "nn/mlp.hpp"
#include "solver/case_config.hpp"

#include <string>

namespace pinn {

struct RunResult;

/// The summary of a run as pretty-printed JSON text.
std::string summary_json(const CaseConfig& config, const Mlp& net, const RunResult& result);

}  // namespace pinn
