/// @file physics/loss_settings.cpp
/// @brief Names of the loss choices.
#include "physics/loss_settings.hpp"

#include "nn/error.hpp"

#include <initializer_list>

namespace pinn {

namespace {
template <class Enum>
Enum parse_enum(const std::string& s, std::initializer_list<Enum> values, const char* what, const char* allowed) {
  for (Enum v : values)
    if (to_string(v) == s) return v;
  PINN_USER_REQUIRE(false, "unknown " << what << " \"" << s << "\"; allowed: " << allowed);
}
}  // namespace

std::string to_string(LossForm v) {
  switch (v) {
    case LossForm::energy: return "energy";
    case LossForm::first_order: return "first_order";
    case LossForm::strong: return "strong";
    case LossForm::proximal: return "proximal";
  }
  return "?";
}
std::string to_string(Barrier v) {
  switch (v) {
    case Barrier::relu2: return "relu2";
    case Barrier::leaky2: return "leaky2";
    case Barrier::softplus: return "softplus";
  }
  return "?";
}
std::string to_string(Complementarity v) {
  return v == Complementarity::min ? "min" : "fischer_burmeister";
}
std::string to_string(BoundaryMode v) { return v == BoundaryMode::hard ? "hard" : "penalty"; }

LossForm loss_form_from_string(const std::string& s) {
  return parse_enum(s, {LossForm::energy, LossForm::first_order, LossForm::strong, LossForm::proximal}, "loss form",
                    "energy|first_order|strong|proximal");
}
Barrier barrier_from_string(const std::string& s) {
  return parse_enum(s, {Barrier::relu2, Barrier::leaky2, Barrier::softplus}, "barrier", "relu2|leaky2|softplus");
}
Complementarity complementarity_from_string(const std::string& s) {
  return parse_enum(s, {Complementarity::min, Complementarity::fischer_burmeister}, "complementarity function",
                    "min|fischer_burmeister");
}
BoundaryMode boundary_mode_from_string(const std::string& s) {
  return parse_enum(s, {BoundaryMode::hard, BoundaryMode::penalty}, "boundary mode", "hard|penalty");
}

}  // namespace pinn
