/// @file nn/learning_rate.hpp
/// @brief Learning-rate schedules for the first-order optimisers.
#pragma once

#include "nn/enum_names.hpp"

#include <string>

namespace pinn {

enum class ScheduleKind { constant, step, cosine, exponential };
/// The names of ScheduleKind in case files, messages and reports (nn/enum_names.hpp).
inline constexpr NameTable<ScheduleKind, 4> kScheduleNames{{{ScheduleKind::constant, "constant"},
                                                            {ScheduleKind::step, "step"},
                                                            {ScheduleKind::cosine, "cosine"},
                                                            {ScheduleKind::exponential, "exponential"}}};

/// lr(t) for iteration t = 0, 1, ...:
///   constant:    lr0
///   step:        lr0 · gamma^floor(t / step_size)
///   cosine:      lr_min + (lr0 − lr_min)(1 + cos(π t / total)) / 2
///   exponential: lr0 · gamma^(t / step_size)
struct LearningRateSchedule {
  ScheduleKind kind = ScheduleKind::constant;
  double initial = 1e-3;
  double minimum = 0.0;   ///< cosine floor
  double gamma = 0.5;     ///< step / exponential factor
  int step_size = 1000;   ///< iterations per factor gamma
  int total = 1;          ///< cosine period (the stage's iterations)

  double at(int iteration) const;
  /// Empty when valid, else what is wrong.
  std::string validate() const;
};

std::string to_string(ScheduleKind kind);

}  // namespace pinn
