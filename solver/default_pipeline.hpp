/// @file solver/default_pipeline.hpp
/// @brief The training a case gets when its file gives no [[stage]]: the
/// pipeline the predefined cases proved for its dimension (README, "Default
/// pipelines"), and the point count and (1D) widths when the file leaves them open.
#pragma once

#include "solver/case_config.hpp"

#include <string>
#include <vector>

namespace pinn {

/// Sets `config.stages` to the default pipeline of the case's dimension and
/// activation, and the settings that pipeline needs that the case file
/// leaves open (config.locations says which it gives): the point count, the
/// hidden widths in 1D, the loss's boundary treatment and integration for
/// piecewise-linear networks in 1D, the moving grid of the smoothing
/// homotopy. Returns one line per choice saying what and why (`--explain`,
/// summary.json).
std::vector<std::string> choose_default_pipeline(CaseConfig& config);

/// The stages a run trains with, and, for a case file without [[stage]], why
/// the engine chose them: the text of `obstacle-pinn run --explain` (and of
/// the Python module's Case.explain()), one line each.
std::string explain_pipeline(const CaseConfig& config);

}  // namespace pinn
