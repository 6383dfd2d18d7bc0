/// @file solver/stages/gradient_step_stage.cpp
/// @brief The adam and sgd stages.
#include "solver/stages/gradient_step_stage.hpp"

#include "nn/adam.hpp"
#include "nn/checkpoint.hpp"
#include "physics/least_squares_residuals.hpp"
#include "solver/output_layer_solve.hpp"
#include "solver/stages/least_squares_form.hpp"

#include <cmath>
#include <ostream>
#include <string>

namespace pinn {

void GradientStepStage::validate(const CaseConfig& config, int stage_index) {
  const StageConfig& stage = config.stages.at(static_cast<std::size_t>(stage_index));
  const std::string prefix = "stage." + std::to_string(stage_index) + ".";
  const GradientStepOptions& options = options_of<GradientStepOptions>(stage, config.where(prefix + "type"));
  const LearningRateSchedule& schedule = options.schedule;
  PINN_USER_REQUIRE(schedule.initial > 0.0 && schedule.initial <= 10.0, config.where(prefix + "learning_rate")
                                                                            << ": found " << schedule.initial
                                                                            << "; allowed: a number in (0, 10]");
  PINN_USER_REQUIRE(schedule.minimum >= 0.0 && schedule.minimum <= schedule.initial,
                    config.where(prefix + "min_learning_rate")
                        << ": found " << schedule.minimum
                        << "; allowed: a number in [0, learning_rate = " << schedule.initial << "]");
  PINN_USER_REQUIRE(schedule.gamma > 0.0 && schedule.gamma <= 1.0, config.where(prefix + "lr_gamma")
                                                                       << ": found " << schedule.gamma
                                                                       << "; allowed: a number in (0, 1]");
  PINN_USER_REQUIRE(schedule.step_size >= 1, config.where(prefix + "lr_step")
                                                 << ": found " << schedule.step_size << "; allowed: an integer >= 1");
  PINN_USER_REQUIRE(options.output_solve_every >= 0, config.where(prefix + "output_solve_every")
                                                         << ": found " << options.output_solve_every
                                                         << "; allowed: an integer >= 0 (0: off)");
  // The output-layer solve works on the least-squares form.
  if (options.output_solve_every > 0) check_least_squares_form(config, config.where(prefix + "output_solve_every"), "");
}

std::shared_ptr<const StageOptions> GradientStepStage::read_options(TomlSection& s, const StageConfig& stage,
                                                                    const CaseConfig& /*config*/) {
  auto options = std::make_shared<GradientStepOptions>();
  options->output_solve_every = static_cast<int>(s.get_int("output_solve_every", 0, 0, 100'000'000));
  for (const char* key : {"select_last_rounds", "select_penalty"})
    s.refuse(key, "an " + stage.type + " stage ends on its last iterate; " + key +
                      " belongs to ceres_lm, ceres_lbfgs and natural_gradient stages");
  s.refuse("linear_solver", "only a ceres_lm stage has a linear solver");
  for (const char* key : {"patience", "min_change"})
    s.refuse(key, "an " + stage.type +
                      " stage runs its iterations with a learning-rate schedule; the convergence stop (patience, "
                      "min_change) belongs to stages that solve each round apart (ceres_lm, ceres_lbfgs, "
                      "natural_gradient)");
  LearningRateSchedule& schedule = options->schedule;
  schedule.initial = s.get_double("learning_rate", 1e-3, 0.0, 10.0, true);
  schedule.kind = s.get_enum("schedule", ScheduleKind::constant, kScheduleNames);
  schedule.minimum = s.get_double("min_learning_rate", 0.0, 0.0, schedule.initial);
  schedule.gamma = s.get_double("lr_gamma", 0.5, 0.0, 1.0, true);
  schedule.step_size = static_cast<int>(s.get_int("lr_step", 1000, 1, 100'000'000));
  return options;
}

StageSummary GradientStepStage::run(TrainingState& state, StageContext& context) {
  const StageConfig& stage = context.stage;
  const GradientStepOptions& options = options_of<GradientStepOptions>(stage);
  StageSummary summary;
  summary.name = stage.type;
  Mlp& net = *state.net;
  const ExecSpace space = context.loss.space();
  AdamOptions adam_options;
  adam_options.schedule = options.schedule;
  adam_options.schedule.total = std::max(1, stage.iterations);
  adam_options.plain_sgd = plain_sgd_;
  state.stage.optimizer = std::make_unique<Adam>(net.n_params(), adam_options);
  Adam& adam = *state.stage.optimizer;
  const int start_iteration = context.start.iteration;
  if (start_iteration > 0) load_checkpoint(context.resume_checkpoint, net, &adam);  // the optimiser's moments too
  Vector gradient("pinn::solver::gradient", net.n_params());
  Vector last_good("pinn::solver::last_good_params", net.n_params());
  Kokkos::deep_copy(last_good, net.params());
  OutputLayerSolver output_layer;  // keeps its buffers between the solves of the stage
  const auto solve_output_layer = [&] {
    const TrainingPoints& points = state.points.points();
    const ObstaclePointResiduals residuals{points.data, state.loss_params, residual_layout(state.loss_params)};
    output_layer.solve(space, net, points.coordinates, residuals, context.loss.jet_order());
  };
  const int rounds = AugmentedLagrangian::rounds(stage);
  const int per_round = AugmentedLagrangian::iterations_per_round(stage);
  int done = start_iteration;
  int rounds_done = start_iteration / per_round;
  context.outer.begin_round(state, stage, rounds_done);
  if (start_iteration > 0) summary.loss_start = state.stage.loss_start;
  for (int it = start_iteration; it < stage.iterations; ++it) {
    if (context.observer.stop_requested(state)) {
      summary.termination = StageTermination::interrupted;
      context.observer.on_resumable(state, StagePosition{context.stage_index, done, 0});
      break;
    }
    if (stage.time_limit > 0 && context.stage_seconds() > stage.time_limit) {
      summary.termination = StageTermination::time_limit;
      break;
    }
    if (options.output_solve_every > 0 && it % options.output_solve_every == 0) solve_output_layer();
    const double loss = context.loss.value_and_gradient(net, state.points.points(), state.loss_params, gradient);
    if (!std::isfinite(loss)) {
      Kokkos::deep_copy(net.params(), last_good);
      summary.termination = StageTermination::diverged;
      if (context.log)
        *context.log << "\nstage " << summary.name << ": the loss became " << loss << " at iteration " << it
                     << "; keeping the last finite parameters\n";
      break;
    }
    Kokkos::deep_copy(last_good, net.params());
    if (it == 0) summary.loss_start = state.stage.loss_start = loss;
    adam.step(space, net.params(), gradient);
    net.project_parameters(space);
    done = it + 1;
    ++state.total_iterations;
    // Rounds end by iterations, or, under a time limit, by time (whichever comes first).
    const double elapsed = context.stage_seconds();
    const bool by_iterations = done % per_round == 0;
    const bool by_time = stage.time_limit > 0 && static_cast<int>(elapsed / stage.time_limit * rounds) > rounds_done;
    const bool round_end =
        (by_iterations || by_time) && done < stage.iterations && rounds_done < stage.multiplier_updates;
    if (round_end) ++rounds_done;
    context.observer.on_iteration(
        state, context.event(done, adam.current_learning_rate(), round_end || done == stage.iterations));
    if (round_end) context.outer.end_round(state, stage, rounds_done);
    if (done % context.config.output.log_every == 0 && done < stage.iterations)
      context.observer.on_resumable(state, StagePosition{context.stage_index, done, 0});
  }
  const bool failed =
      summary.termination == StageTermination::interrupted || summary.termination == StageTermination::diverged;
  // The last Adam steps moved the output layer off its optimum: end on it.
  if (options.output_solve_every > 0 && done > 0 && !failed) solve_output_layer();
  summary.iterations = done;
  summary.loss_end =
      done > 0 ? context.loss.terms(net, state.points.points(), state.loss_params).total() : summary.loss_start;
  summary.seconds = context.stage_seconds();
  context.observer.on_stage_end(state, context.event(done, adam.current_learning_rate()));
  return summary;
}

}  // namespace pinn
