/// @file solver/detail/ceres_common.hpp
/// @brief What the two Ceres stages (LM and LBFGS) share: termination names and
/// the per-iteration hook.
#pragma once

#include <ceres/ceres.h>

#include <functional>
#include <string>

namespace pinn::detail {

/// "converged", "completed", "failed" or "interrupted".
std::string ceres_termination_name(ceres::TerminationType type);

/// Calls `on_iteration(iteration)` after every Ceres step (not for the
/// starting point); returning false aborts the solve.
class CeresIterationHook final : public ceres::IterationCallback {
 public:
  explicit CeresIterationHook(std::function<bool(int)> on_iteration) : on_iteration_(std::move(on_iteration)) {}
  ceres::CallbackReturnType operator()(const ceres::IterationSummary& summary) override {
    if (summary.iteration == 0) return ceres::SOLVER_CONTINUE;
    return on_iteration_(summary.iteration) ? ceres::SOLVER_CONTINUE : ceres::SOLVER_ABORT;
  }

 private:
  std::function<bool(int)> on_iteration_;
};

}  // namespace pinn::detail
