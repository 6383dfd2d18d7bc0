/// @file solver/stages/round_loop.cpp
/// @brief The round loop of the stages that solve each round apart.
#include "solver/stages/round_loop.hpp"

#include <algorithm>
#include <ostream>

namespace pinn {

void refuse_gradient_step_keys(TomlSection& s, const StageConfig& stage, const std::string& steps,
                               const std::string& own_keys) {
  // Learning-rate keys mean nothing to Ceres' methods: refuse rather than ignore them.
  for (const char* key : {"learning_rate", "schedule", "min_learning_rate", "lr_gamma", "lr_step"})
    s.refuse(key, "a " + stage.type + " stage has no learning rate (its steps come from a " + steps +
                      "); allowed keys: type|iterations|multiplier_updates|penalty_growth|max_penalty|time_limit|"
                      "smoothing|smoothing_end|exact_fit_steps|revive_neurons|insert_neurons|insert_layer|"
                      "select_last_rounds|select_penalty|budget_share|patience|min_change" +
                      own_keys);
  s.refuse("output_solve_every", "a " + stage.type +
                                     " stage moves the output layer itself; output_solve_every belongs to adam and "
                                     "sgd stages");
}

StageSummary run_round_solves(TrainingState& state, StageContext& context, const RoundSolve& solve) {
  const StageConfig& stage = context.stage;
  StageSummary summary;
  summary.name = stage.type;
  Mlp& net = *state.net;
  std::vector<double> x;  // the parameters a round's solve works on
  const int start_round = context.start.round;
  if (start_round == 0)
    state.stage.loss_start = context.loss.terms(net, state.points.points(), state.loss_params).total();
  summary.loss_start = state.stage.loss_start;
  const int rounds = AugmentedLagrangian::rounds(stage);
  const int per_round = AugmentedLagrangian::iterations_per_round(stage);
  int done = context.start.iteration;
  bool interrupted = false;
  for (int round = start_round; round < rounds && done < stage.iterations && !interrupted; ++round) {
    // Each round is a fresh solve from (θ, λ, μ): a checkpoint here makes a
    // resumed run repeat exactly this round.
    state.stage.round = round;
    context.outer.begin_round(state, stage, round);
    // From the network as the round finds it: the update between rounds may
    // have moved it (stage.revive_neurons).
    x = parameters_of(net);
    context.observer.on_resumable(state, StagePosition{context.stage_index, done, round});
    double seconds = 1e9;
    if (stage.time_limit > 0) {
      const double used = context.stage_seconds();
      if (used >= stage.time_limit) {
        summary.termination = StageTermination::time_limit;
        break;
      }
      seconds = (stage.time_limit - used) / (rounds - round);  // shared by the remaining rounds
    }
    const int done_before = done;
    // Ranks that share a run must end a round at the same step, so over
    // several ranks the hook enforces the round's time by rank 0's clock
    // (stage_seconds) and the solver gets none of its own.
    const bool agreed_time = stage.time_limit > 0 && context.loss.communicator().distributed();
    const double round_start = agreed_time ? context.stage_seconds() : 0.0;
    bool out_of_time = false;
    const IterationHook hook = [&](int iteration) {
      done = done_before + iteration;
      ++state.total_iterations;
      load_parameters(net, x.data());
      context.observer.on_iteration(state, context.event(done));
      interrupted = context.observer.stop_requested(state);
      if (!interrupted && agreed_time) out_of_time = context.stage_seconds() - round_start >= seconds;
      return !interrupted && !out_of_time;
    };
    const RoundBudget budget{round, std::min(per_round, stage.iterations - done), agreed_time ? 1e9 : seconds};
    const RoundEnd end = solve(x, budget, hook);
    load_parameters(net, x.data());  // the solve leaves its best accepted iterate in x
    if (net.layout().alpha_constraint == AlphaConstraint::monotone) {
      // The solvers move every parameter freely: a monotone PReLU's slopes
      // go back to α ≥ 0 at each round's end, as a gradient stage's do after
      // each step (cases/README.md, alpha_constraint).
      net.project_parameters(ExecSpace());
      x = parameters_of(net);
    }
    if (!interrupted) context.outer.consider_round(state, stage, round, x);
    done = std::max(done, done_before + end.iterations);
    summary.termination = out_of_time ? StageTermination::time_limit : end.termination;
    // A solve that stopped short of its iterations without converging ran
    // out of its share of the time limit (Ceres reports both as NO_CONVERGENCE).
    if (!interrupted && end.termination == StageTermination::completed && stage.time_limit > 0 &&
        end.iterations < budget.max_iterations)
      summary.termination = StageTermination::time_limit;
    summary.solver_report = end.report;
    if (!interrupted && context.outer.converged(state, stage, round)) {
      summary.termination = StageTermination::converged;
      break;
    }
    if (round + 1 < rounds && !interrupted) context.outer.end_round(state, stage, round + 1);
  }
  if (interrupted) {
    summary.termination = StageTermination::interrupted;
  } else if (context.outer.select_round(state, stage, summary)) {
    // A history row at this iteration shows the last iterate, not the result.
    if (ends_at(state.history, context.stage_index, done)) state.history.pop_back();
  }
  summary.iterations = done;
  summary.loss_end = context.loss.terms(net, state.points.points(), state.loss_params).total();
  summary.seconds = context.stage_seconds();
  context.observer.on_stage_end(state, context.event(done));
  return summary;
}

}  // namespace pinn
