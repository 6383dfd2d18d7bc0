/// @file nn/activation.cpp
/// @brief Names of the activations.
#include "nn/activation.hpp"

#include "nn/error.hpp"

namespace pinn {

std::string to_string(Activation act) {
  switch (act) {
    case Activation::relu: return "relu";
    case Activation::leaky_relu: return "leaky_relu";
    case Activation::prelu: return "prelu";
    case Activation::tanh: return "tanh";
    case Activation::softplus: return "softplus";
    case Activation::sin: return "sin";
  }
  return "unknown";
}

const char* activation_names() { return "relu|leaky_relu|prelu|tanh|softplus|sin"; }

Activation activation_from_string(const std::string& name) {
  for (Activation a : {Activation::relu, Activation::leaky_relu, Activation::prelu, Activation::tanh,
                       Activation::softplus, Activation::sin}) {
    if (to_string(a) == name) return a;
  }
  PINN_USER_REQUIRE(false, "unknown activation \"" << name << "\"; allowed: " << activation_names());
}

}  // namespace pinn
