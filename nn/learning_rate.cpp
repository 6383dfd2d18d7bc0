/// @file nn/learning_rate.cpp
/// @brief Learning-rate schedules.
#include "nn/learning_rate.hpp"

#include "nn/error.hpp"

#include <cmath>

namespace pinn {

double LearningRateSchedule::at(int iteration) const {
  switch (kind) {
    case ScheduleKind::constant: return initial;
    case ScheduleKind::step: return initial * std::pow(gamma, iteration / step_size);
    case ScheduleKind::cosine: {
      const double progress = std::min(1.0, static_cast<double>(iteration) / std::max(1, total));
      return minimum + (initial - minimum) * 0.5 * (1.0 + std::cos(M_PI * progress));
    }
    case ScheduleKind::exponential:
      return initial * std::pow(gamma, static_cast<double>(iteration) / step_size);
  }
  return initial;
}

std::string LearningRateSchedule::validate() const {
  if (!(initial > 0.0) || !std::isfinite(initial)) return "learning_rate must be a positive finite number";
  if (!(minimum >= 0.0) || minimum > initial) return "min_learning_rate must be in [0, learning_rate]";
  if (!(gamma > 0.0) || gamma > 1.0) return "lr_gamma must be in (0, 1]";
  if (step_size < 1) return "lr_step must be at least 1";
  return {};
}

std::string to_string(ScheduleKind kind) { return name_in(kScheduleNames, kind); }

}  // namespace pinn
