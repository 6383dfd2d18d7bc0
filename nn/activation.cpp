/// @file nn/activation.cpp
/// @brief Names of the activations.
#include "nn/activation.hpp"

#include "nn/error.hpp"

namespace pinn {

std::string to_string(Activation act) { return name_in(kActivationNames, act); }

Activation activation_from_string(const std::string& name) { return value_in(kActivationNames, name, "activation"); }

}  // namespace pinn
