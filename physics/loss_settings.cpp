/// @file physics/loss_settings.cpp
/// @brief Names of the loss choices.
#include "physics/loss_settings.hpp"

namespace pinn {

std::string to_string(LossForm v) { return name_in(kLossFormNames, v); }
std::string to_string(Barrier v) { return name_in(kBarrierNames, v); }
std::string to_string(Complementarity v) { return name_in(kComplementarityNames, v); }
std::string to_string(BoundaryMode v) { return name_in(kBoundaryModeNames, v); }
std::string to_string(WindForm v) { return name_in(kWindFormNames, v); }

}  // namespace pinn
