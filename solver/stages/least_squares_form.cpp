/// @file solver/stages/least_squares_form.cpp
/// @brief The rules of stages on the least-squares form.
#include "solver/stages/least_squares_form.hpp"

#include "nn/error.hpp"
#include "solver/lagged_wind.hpp"

namespace pinn {

void check_least_squares_form(const CaseConfig& config, const std::string& at, const std::string& what,
                              bool takes_linear_rows) {
  PINN_USER_REQUIRE(!config.loss.exact_energy_integration,
                    at << what
                       << " works on the least-squares form with u' at the points, which is not "
                          "the energy integrated by loss.energy_integration = \"exact\". Use an adam or ceres_lbfgs "
                          "stage, or energy_integration = \"points\"");
  PINN_USER_REQUIRE(takes_linear_rows || config.loss.form != LossForm::energy || energy_has_square_form(config.problem),
                    at << what
                       << " works on the least-squares form, and the energy with a Neumann condition (or a Robin "
                          "one with coefficient 0) on this boundary has a term linear in u that no square carries "
                          "(possible at one end of an interval only). Use a natural_gradient, adam or ceres_lbfgs "
                          "stage, or loss.form = \"first_order\"");
  PINN_USER_REQUIRE(takes_linear_rows || !trains_lagged_wind(config),
                    at << what
                       << " works on the least-squares form, whose energy carries the source in a flux F with "
                          "∇·F = −f, computed once; a lagged wind (loss.wind = \"lagged\") changes the source "
                          "round by round (README.md, \"Winds in the energy form\"). Use a natural_gradient stage "
                          "(energy_source = \"points\"), adam or ceres_lbfgs, or loss.form = \"first_order\"");
}

}  // namespace pinn
