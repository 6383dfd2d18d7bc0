/// @file solver/stages/ceres_common.hpp
/// @brief What the two Ceres stages share: the per-iteration callback, the
/// options both set alike and how a Ceres solve's end reads as a round's end.
#pragma once

#include "solver/stages/round_loop.hpp"

#include <ceres/ceres.h>

#include <string>

namespace pinn {

/// Calls the round's hook after every Ceres step (not for the starting
/// point); the hook's false aborts the solve.
class CeresIterationHook final : public ceres::IterationCallback {
 public:
  explicit CeresIterationHook(const IterationHook& on_iteration) : on_iteration_(on_iteration) {}
  ceres::CallbackReturnType operator()(const ceres::IterationSummary& summary) override {
    trust_region_radius_ = summary.trust_region_radius;
    if (summary.iteration == 0) return ceres::SOLVER_CONTINUE;
    return on_iteration_(summary.iteration) ? ceres::SOLVER_CONTINUE : ceres::SOLVER_ABORT;
  }
  /// The trust-region radius at the end of the last iteration seen (LM only).
  double trust_region_radius() const { return trust_region_radius_; }

 private:
  const IterationHook& on_iteration_;
  double trust_region_radius_ = 0.0;
};

/// The options both Ceres stages set alike: tight tolerances (the energy can
/// be negative and tiny changes still matter near the end), silent, the state
/// updated every iteration (the hook reads it), a per-round iteration and time
/// budget, and the hook. Works for ceres::Solver and ceres::GradientProblemSolver options.
template <class Options>
void set_round_options(Options& options, int max_iterations, double seconds, CeresIterationHook* hook) {
  options.max_num_iterations = max_iterations;
  options.max_solver_time_in_seconds = seconds;
  options.function_tolerance = 1e-14;
  options.gradient_tolerance = 1e-14;
  options.parameter_tolerance = 1e-14;
  options.logging_type = ceres::SILENT;
  options.update_state_every_iteration = true;
  options.callbacks.push_back(hook);
}

/// A round's end from a Ceres summary's; a failure is reported on `log` unless it is null.
RoundEnd ceres_round_end(ceres::TerminationType termination, const std::string& brief_report,
                         const std::string& message, int iterations, const std::string& stage_name, std::ostream* log);

}  // namespace pinn
