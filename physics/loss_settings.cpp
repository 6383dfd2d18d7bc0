/// @file physics/loss_settings.cpp
/// @brief Names of the loss choices.
#include "physics/loss_settings.hpp"

#include "nn/error.hpp"

#include <initializer_list>

namespace pinn {

std::string to_string(LossForm v) { return name_in(kLossFormNames, v); }
std::string to_string(Barrier v) { return name_in(kBarrierNames, v); }
std::string to_string(Complementarity v) { return name_in(kComplementarityNames, v); }
std::string to_string(BoundaryMode v) { return name_in(kBoundaryModeNames, v); }

LossForm loss_form_from_string(const std::string& s) { return value_in(kLossFormNames, s, "loss form"); }
Barrier barrier_from_string(const std::string& s) { return value_in(kBarrierNames, s, "barrier"); }
Complementarity complementarity_from_string(const std::string& s) {
  return value_in(kComplementarityNames, s, "complementarity function");
}
BoundaryMode boundary_mode_from_string(const std::string& s) {
  return value_in(kBoundaryModeNames, s, "boundary mode");
}

}  // namespace pinn
