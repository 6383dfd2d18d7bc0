/// @file solver/default_pipeline.hpp
/// @brief The training a case gets when its file gives no [[stage]]: the
/// pipeline the predefined cases proved for its dimension (README, "Default
/// pipelines"), and the point count and (1D) widths when the file leaves them open.
#pragma once

#include "solver/case_config.hpp"

#include <string>
#include <vector>

namespace pinn {

/// Sets `config.stages` (and `config.sampling.interior` unless
/// `interior_given`, the hidden widths in 1D unless `hidden_given`) to the
/// default pipeline of the case's dimension, and returns one line per choice
/// saying what and why (`--explain`, summary.json).
std::vector<std::string> choose_default_pipeline(CaseConfig& config, bool interior_given, bool hidden_given);

}  // namespace pinn
