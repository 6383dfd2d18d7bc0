/// @file solver/stages/round_loop.hpp
/// @brief What the stages that solve each multiplier round apart share
/// (ceres_lm, ceres_lbfgs, natural_gradient): one solve per round, from the
/// parameters the round starts with, inside the augmented-Lagrangian loop,
/// with the observers told after every iteration.
#pragma once

#include "physics/toml_section.hpp"
#include "solver/stages/stage.hpp"

#include <functional>
#include <string>
#include <vector>

namespace pinn {

/// One round's solve.
struct RoundBudget {
  int round = 0;           ///< 0-based multiplier round
  int max_iterations = 0;  ///< the round's share of the stage's iterations
  double seconds = 0.0;    ///< the round's share of the stage's remaining time
};
/// How a round's solve ended.
struct RoundEnd {
  StageTermination termination = StageTermination::completed;
  std::string report;  ///< the solver's one-line report (summary.json's solver_report)
  int iterations = 0;  ///< steps taken
};
/// Called after every step of a round's solve with the steps taken so far
/// (from 1); false stops the solve (a stop request).
using IterationHook = std::function<bool(int)>;
/// Solves one round from `x` (updated in place to the best accepted
/// iterate), calling `hook` after each step.
using RoundSolve =
    std::function<RoundEnd(std::vector<double>& x, const RoundBudget& budget, const IterationHook& hook)>;

/// The round loop: checkpoints at each round's start (a
/// resumed run repeats that round exactly), shares the remaining time among
/// the remaining rounds, selects rounds (stage.select_last_rounds) and moves
/// the augmented Lagrangian on between rounds.
StageSummary run_round_solves(TrainingState& state, StageContext& context, const RoundSolve& solve);

/// Refuses the keys of gradient stages in such a stage's table (`steps`
/// says where its steps come from: "trust region", "line search").
void refuse_gradient_step_keys(TomlSection& table, const StageConfig& stage, const std::string& steps,
                               const std::string& own_keys);

}  // namespace pinn
