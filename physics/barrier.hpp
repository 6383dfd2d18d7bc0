/// @file physics/barrier.hpp
/// @brief Barrier functions B(s) of the obstacle violation s and their derivatives.
#pragma once

#include "nn/math.hpp"
#include "physics/loss_settings.hpp"

namespace pinn {

struct BarrierValue {
  double value = 0, derivative = 0;
};

KOKKOS_INLINE_FUNCTION BarrierValue barrier_value(const LossSettings& s, double violation) {
  BarrierValue b;
  switch (s.barrier) {
    case Barrier::relu2: {
      const double r = violation > 0.0 ? violation : 0.0;
      b.value = r * r;
      b.derivative = 2.0 * r;
      break;
    }
    case Barrier::leaky2: {
      const double slope = violation > 0.0 ? 1.0 : s.leaky_beta;
      const double l = slope * violation;
      b.value = l * l;
      b.derivative = 2.0 * l * slope;
      break;
    }
    case Barrier::softplus: {
      const double k = s.softplus_sharpness, ks = k * violation;
      const double sp = (ks > 0.0 ? ks + math::log1p(math::exp(-ks)) : math::log1p(math::exp(ks))) / k;
      const double sigmoid = 1.0 / (1.0 + math::exp(-ks));
      b.value = sp * sp;
      b.derivative = 2.0 * sp * sigmoid;
      break;
    }
  }
  return b;
}

}  // namespace pinn
