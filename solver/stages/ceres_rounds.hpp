/// @file solver/stages/ceres_rounds.hpp
/// @brief What the Ceres stages (ceres_lm, ceres_lbfgs) share: one Ceres solve
/// per multiplier round, from the parameters the round starts with, inside
/// the augmented-Lagrangian loop; the per-iteration hook that tells the
/// observers; the options both set alike.
#pragma once

#include "physics/toml_section.hpp"
#include "solver/stages/stage.hpp"

#include <ceres/ceres.h>

#include <functional>
#include <string>
#include <vector>

namespace pinn {

/// Calls `on_iteration(iteration)` after every Ceres step (not for the
/// starting point); returning false aborts the solve.
class CeresIterationHook final : public ceres::IterationCallback {
 public:
  explicit CeresIterationHook(std::function<bool(int)> on_iteration) : on_iteration_(std::move(on_iteration)) {}
  ceres::CallbackReturnType operator()(const ceres::IterationSummary& summary) override {
    trust_region_radius_ = summary.trust_region_radius;
    if (summary.iteration == 0) return ceres::SOLVER_CONTINUE;
    return on_iteration_(summary.iteration) ? ceres::SOLVER_CONTINUE : ceres::SOLVER_ABORT;
  }
  /// The trust-region radius at the end of the last iteration seen (LM only).
  double trust_region_radius() const { return trust_region_radius_; }

 private:
  std::function<bool(int)> on_iteration_;
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

/// One round's solve as a Ceres stage does it.
struct CeresRound {
  int round = 0;           ///< 0-based multiplier round
  int max_iterations = 0;  ///< the round's share of the stage's iterations
  double seconds = 0.0;    ///< the round's share of the stage's remaining time
};
/// How a round's solve ended.
struct CeresRoundEnd {
  ceres::TerminationType termination = ceres::NO_CONVERGENCE;
  std::string brief_report, message;
  int iterations = 0;  ///< iterations Ceres reports
};
/// Solves one round from `x` (updated in place to the best accepted
/// iterate), calling `hook` after each iteration.
using CeresRoundSolve =
    std::function<CeresRoundEnd(std::vector<double>& x, const CeresRound& round, CeresIterationHook& hook)>;

/// The round loop of a Ceres stage: checkpoints at each round's start (a
/// resumed run repeats that round exactly), shares the remaining time among
/// the remaining rounds, selects rounds (stage.select_last_rounds) and moves
/// the augmented Lagrangian on between rounds.
StageSummary run_ceres_rounds(TrainingState& state, StageContext& context, const CeresRoundSolve& solve);

/// Refuses the keys of gradient stages in a Ceres stage's table (`steps`
/// says where its steps come from: "trust region", "line search").
void refuse_gradient_step_keys(TomlSection& table, const StageConfig& stage, const std::string& steps,
                               const std::string& own_keys);

/// The parameters of `net` as a host vector, and back.
std::vector<double> parameters_of(const Mlp& net);
void load_parameters(Mlp& net, const double* parameters);

}  // namespace pinn
