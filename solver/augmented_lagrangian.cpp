/// @file solver/augmented_lagrangian.cpp
/// @brief The augmented-Lagrangian outer loop.
#include "solver/augmented_lagrangian.hpp"

#include "solver/adaptive_refinement.hpp"
#include "solver/lagged_wind.hpp"
#include "solver/neuron_placement.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <ostream>

namespace pinn {

AugmentedLagrangian::AugmentedLagrangian(const CaseConfig& config, TrainingLoss& loss, std::ostream* log)
    : config_(config), loss_(loss), log_(log) {}

int AugmentedLagrangian::iterations_per_round(const StageConfig& stage) {
  return std::max(1, (stage.iterations + rounds(stage) - 1) / rounds(stage));
}

void AugmentedLagrangian::begin_stage(TrainingState& state, const StageConfig& stage, int stage_index) {
  if (stage.insert_neurons > 0 && state.insertions_done <= stage_index)
    insert_neurons(state, loss_, stage, stage_index, config_.seed, log_);
  if (!trains_lagged_wind(config_)) return;
  // ũ starts each stage from the network the stage starts from (its shape
  // may have grown), and from 0 before any training.
  start_lagged_wind(state.lagged_wind, *state.net, stage_index, stage_index > 0);
  apply_lagged_wind(state, state.points.points());
}

double AugmentedLagrangian::apply_lagged_wind(const TrainingState& state, const TrainingPoints& points) const {
  return set_lagged_wind(
      points, lagged_wind_values(state.lagged_wind, *state.net, points, config_.loss.boundary == BoundaryMode::hard,
                                 loss_.space(), loss_.communicator(), loss_.evaluation_workspaces()));
}

void AugmentedLagrangian::begin_round(TrainingState& state, const StageConfig& stage, int round) const {
  state.net->set_smoothing(stage.smoothing_at_round(round, rounds(stage)));
}

void AugmentedLagrangian::end_round(TrainingState& state, const StageConfig& stage, int next_round) {
  loss_.update_multipliers(*state.net, state.points.points(), state.loss_params);
  // With the smoothing the round trained with, before the next round's.
  if (trains_lagged_wind(config_)) advance_lagged_wind(state.lagged_wind, *state.net, config_.loss.wind_relaxation);
  if (stage.revive_neurons) revive_neurons(state, loss_, log_);
  if (config_.sampling.shift_each_round) state.points.shift();
  double& penalty = state.loss_params.settings.penalty;
  penalty = std::min(stage.max_penalty, penalty * stage.penalty_growth);
  begin_round(state, stage, next_round);
  if (state.points.adaptive_rounds() < config_.sampling.adaptive_rounds)
    refine_near_free_boundary(state, loss_, config_, log_);
  if (!trains_lagged_wind(config_)) return;
  const double change = apply_lagged_wind(state, state.points.points());
  if (log_)
    *log_ << "\nlagged wind: b·∇ũ changed by " << change << " (relative) before round " << next_round + 1 << "\n";
}

const TrainingPoints& AugmentedLagrangian::validation_points(const TrainingState& state) {
  if (validation_.size() == 0) {
    const Domain::GridQuadrature rule =
        validation_rule(config_.problem.domain, state.points.grid_cells(), config_.sampling.method);
    validation_ = make_training_points(config_.problem, rule.points, state.points.base_boundary(), {}, 0.0,
                                       FluxAt::points, rule.weights);
  }
  return validation_;
}

Domain::GridQuadrature validation_rule(const Domain& domain, const std::array<int, 3>& grid_cells,
                                       SamplingMethod method) {
  // grid_cells has about twice the training's Gauss cells per direction
  // (Domain::gauss_cells), and its Gauss points are as many as the midpoints
  // of a grid twice as fine as grid_cells.
  if (method == SamplingMethod::gauss) return domain.gauss_quadrature(grid_cells);
  std::array<int, 3> cells = grid_cells;
  for (int k = 0; k < domain.dim(); ++k) cells[k] *= 2;
  return domain.grid_quadrature(cells);
}

Mlp network_as_judged(const Mlp& net, const StageConfig& stage) {
  Mlp judged = net;
  if (stage.exact_fit_steps == 0) judged.set_smoothing(0.0);
  return judged;
}

double AugmentedLagrangian::validation_loss(const TrainingState& state, const StageConfig& stage) {
  const TrainingPoints& validation = validation_points(state);
  // The case's own μ: a continuation (penalty_growth) must not change how
  // the rounds of one stage compare.
  ObstacleLossParams params = state.loss_params;
  params.settings.penalty = stage.select_penalty * config_.loss.penalty;
  if (trains_lagged_wind(config_)) apply_lagged_wind(state, validation);  // the ũ the round trained with
  return loss_.terms(network_as_judged(*state.net, stage), validation, params).total();
}

void AugmentedLagrangian::consider_round(TrainingState& state, const StageConfig& stage, int round,
                                         const std::vector<double>& parameters) {
  if (round < rounds(stage) - stage.select_last_rounds) return;
  const double loss = validation_loss(state, stage);
  RoundChoice& best = state.stage.best;
  if (!std::isfinite(loss) || (best.round >= 0 && loss >= best.validation_loss)) return;
  best.round = round;
  best.validation_loss = loss;
  best.parameters = parameters;
  best.multipliers = state.points.multipliers();
}

std::vector<double> AugmentedLagrangian::validation_solution(const TrainingState& state, const StageConfig& stage) {
  if (!validation_data_) {
    auto coordinates =
        Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), validation_points(state).coordinates);
    const std::vector<double> points(coordinates.data(), coordinates.data() + coordinates.size());
    validation_data_ = std::make_unique<SampledProblem>(sample_problem(config_.problem, points));
  }
  return evaluate_solution(loss_.space(), network_as_judged(*state.net, stage), config_.loss, *validation_data_,
                           SolutionDerivatives::gradient, loss_.communicator())
      .u;
}

bool AugmentedLagrangian::converged(TrainingState& state, const StageConfig& stage, int round) {
  if (stage.patience <= 0) return false;
  std::vector<double> u = validation_solution(state, stage);
  StageCarry& carry = state.stage;
  double change = std::numeric_limits<double>::infinity();
  if (carry.last_round_solution.size() == u.size()) {
    double difference = 0.0, norm = 0.0;
    for (std::size_t i = 0; i < u.size(); ++i) {
      difference += (u[i] - carry.last_round_solution[i]) * (u[i] - carry.last_round_solution[i]);
      norm += u[i] * u[i];
    }
    change = std::sqrt(difference / std::max(norm, std::numeric_limits<double>::min()));
  }
  carry.last_round_solution = std::move(u);
  // A non-finite change (the first round, a NaN) does not count as settled.
  carry.settled_rounds = change <= stage.min_change ? carry.settled_rounds + 1 : 0;
  if (carry.settled_rounds < stage.patience) return false;
  if (log_)
    *log_ << "\nstage " << stage.type << ": converged after multiplier round " << round + 1 << " of " << rounds(stage)
          << " (" << stage.patience << " rounds in a row changed u by at most " << stage.min_change
          << " relative on the validation grid)\n";
  return true;
}

bool AugmentedLagrangian::select_round(TrainingState& state, const StageConfig& stage, StageSummary& summary) {
  const RoundChoice& best = state.stage.best;
  if (best.round < 0) return false;
  // Each round of a moving grid ends somewhere else around the minimiser,
  // and a long stage can bend the network where no training point looks
  // (its training energy then falls below the true one). The energy of
  // an admissible u exceeds the minimum by at least ½‖u − u*‖², so the
  // lowest energy on points the training never saw picks the closest round.
  load_parameters(*state.net, best.parameters.data());
  // Adaptive refinement may have added points since; then the multipliers stay the last round's.
  if (best.multipliers.size() == 2 * static_cast<std::size_t>(state.points.points().size()))
    state.points.set_multipliers(best.multipliers);
  summary.selected_round = best.round;
  summary.selected_validation_loss = best.validation_loss;
  if (log_)
    *log_ << "\nstage " << summary.name << ": kept the network of multiplier round " << best.round + 1 << " of "
          << rounds(stage) << " (lowest validation loss, " << best.validation_loss << ", among the last "
          << stage.select_last_rounds << " rounds)\n";
  return true;
}

void AugmentedLagrangian::end_stage(TrainingState& state) {
  state.net->set_smoothing(0.0);  // a smoothing homotopy ends with its stage
  state.stage.round = 0;
  state.stage.best = RoundChoice{};
  state.stage.last_round_solution.clear();
  state.stage.settled_rounds = 0;
  state.stage.optimizer.reset();
}

}  // namespace pinn
