/// @file solver/exact_activation_scope.hpp
/// @brief Evaluates a network with its exact activation while in scope.
#pragma once

#include "nn/mlp.hpp"

namespace pinn {

/// Results (metrics, solution files) describe the piecewise-linear network,
/// never the smoothed one a homotopy stage trains (stage.smoothing): this
/// sets the smoothing to zero and puts it back when it goes out of scope.
class ExactActivationScope {
 public:
  explicit ExactActivationScope(Mlp& net) : net_(net), smoothing_(net.layout().smoothing) { net_.set_smoothing(0.0); }
  ~ExactActivationScope() { net_.set_smoothing(smoothing_); }
  ExactActivationScope(const ExactActivationScope&) = delete;
  ExactActivationScope& operator=(const ExactActivationScope&) = delete;

 private:
  Mlp& net_;
  double smoothing_;
};

}  // namespace pinn
