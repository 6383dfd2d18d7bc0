/// @file nn/adam.hpp
/// @brief Adam and plain SGD on a flat parameter View.
#pragma once

#include "nn/kokkos_types.hpp"
#include "nn/learning_rate.hpp"

namespace pinn {

struct AdamOptions {
  LearningRateSchedule schedule;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double epsilon = 1e-8;
  bool plain_sgd = false;  ///< θ ← θ − lr·g, ignoring the moments
};

/// Adam (Kingma & Ba) with bias correction. The moments are the optimiser
/// state saved in checkpoints.
class Adam {
 public:
  Adam(int n_params, const AdamOptions& options);

  /// One update θ ← θ − lr_t · m̂/(√v̂ + ε) with the current gradient.
  void step(const ExecSpace& space, const Vector& params, const Vector& gradient);

  int iteration() const { return iteration_; }
  double current_learning_rate() const { return options_.schedule.at(iteration_); }
  const AdamOptions& options() const { return options_; }

  /// State for checkpoints.
  Vector first_moment() const { return m_; }
  Vector second_moment() const { return v_; }
  void set_iteration(int iteration) { iteration_ = iteration; }

 private:
  AdamOptions options_;
  Vector m_, v_;
  int iteration_ = 0;
};

}  // namespace pinn
