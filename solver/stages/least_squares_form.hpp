/// @file solver/stages/least_squares_form.hpp
/// @brief What stages that work on the loss's least-squares form
/// (physics/least_squares_residuals.hpp) require of a case: Levenberg–Marquardt,
/// the natural-gradient stage and the output-layer solve.
#pragma once

#include "solver/case_config.hpp"

#include <string>

namespace pinn {

/// The least-squares form samples u' at the points, so it
/// is not the exactly integrated energy, and with the energy form it needs
/// energy_has_square_form unless the stage takes linear rows
/// (`takes_linear_rows`: natural_gradient). `at` and `what` name the key in
/// messages ("file:line:col: stage.1.type" and " = \"ceres_lm\"").
void check_least_squares_form(const CaseConfig& config, const std::string& at, const std::string& what,
                              bool takes_linear_rows = false);

}  // namespace pinn
