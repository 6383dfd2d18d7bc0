/// @file solver/augmented_lagrangian.hpp
/// @brief The augmented-Lagrangian outer loop every stage runs inside, the same
/// way: a stage's iterations are split into multiplier_updates + 1 rounds;
/// between rounds the multipliers are updated (λ ← max(0, λ + μ(ψ − u))),
/// dead neurons revived, the grid shifted, μ grown (continuation) and points
/// added near the free boundary; each round has its smoothing width
/// (homotopy); a stage may first grow its network (neuron insertion) and may
/// end on the best of its last rounds (round selection).
#pragma once

#include "solver/case_config.hpp"
#include "solver/run_outcome.hpp"
#include "solver/solution_fields.hpp"
#include "solver/training_loss.hpp"
#include "solver/training_state.hpp"

#include <iosfwd>
#include <memory>
#include <vector>

namespace pinn {

/// A copy of `net` (sharing its parameters) as round selection and the
/// convergence stop judge it: the network the stage's result will be. That is
/// the exact activation, unless the stage ends by fitting the exact network
/// to the smoothed one (stage.exact_fit_steps): the fit reproduces the kept
/// round's smoothed network, so that is the one to judge; judged exact, a
/// round whose kinks happen to suit the points wins over a round whose
/// smoothed network is closer (README, "Exact fit").
Mlp network_as_judged(const Mlp& net, const StageConfig& stage);

/// The fixed points round selection and the convergence stop judge on, for
/// a training set built on `grid_cells` (TrainingSet::grid_cells) with
/// `method`: finer per direction than the training points and none of them a
/// training point, so a network that bends where the training points do not
/// look is seen bending. Midpoints of a grid twice as fine per direction; for
/// Gauss training points the Gauss points of a grid twice as fine as theirs
/// (as many points): the energies of the rounds differ by about ½‖u − u*‖²,
/// which only a rule as accurate as the training's can tell apart — on
/// midpoints (O(h²)) a network bent between the Gauss points (O(h⁴)) can
/// measure lower than a better one (README, "Selecting the last rounds' best").
Domain::GridQuadrature validation_rule(const Domain& domain, const std::array<int, 3>& grid_cells,
                                       SamplingMethod method);

class AugmentedLagrangian {
 public:
  /// `config` and `loss` must outlive the object; reports go to `log` unless it is null.
  AugmentedLagrangian(const CaseConfig& config, TrainingLoss& loss, std::ostream* log);

  static int rounds(const StageConfig& stage) { return stage.multiplier_updates + 1; }
  /// Iterations of a round when rounds end by iteration count.
  static int iterations_per_round(const StageConfig& stage);

  /// Before the stage's first iteration: neuron insertion (stage.insert_neurons), once per stage.
  void begin_stage(TrainingState& state, const StageConfig& stage, int stage_index);
  /// At the start of round `round`: the round's smoothing width.
  void begin_round(TrainingState& state, const StageConfig& stage, int round) const;
  /// Between round `next_round − 1` and `next_round`: multipliers, revival,
  /// grid shift, continuation, the next round's smoothing, adaptive refinement.
  void end_round(TrainingState& state, const StageConfig& stage, int next_round);
  /// stage.select_last_rounds: keeps `parameters`, which ended round `round`,
  /// if their validation loss is the lowest of the stage's last rounds so far.
  void consider_round(TrainingState& state, const StageConfig& stage, int round, const std::vector<double>& parameters);
  /// stage.patience: after round `round`, whether stage.patience rounds in a
  /// row have changed u on the validation grid by at most stage.min_change
  /// (relative) — the stage has converged and may end. The change of u, not
  /// the validation loss: across multiplier rounds the loss of the iterates
  /// rises as they become feasible, so it does not say when they settle.
  bool converged(TrainingState& state, const StageConfig& stage, int round);
  /// At the end of a stage that was not interrupted: loads the kept round's
  /// parameters, if any, and says so in `summary`. Returns whether it did.
  bool select_round(TrainingState& state, const StageConfig& stage, StageSummary& summary);
  /// After a stage: the exact activation, and nothing carried into the next stage.
  static void end_stage(TrainingState& state);

 private:
  /// Loss of network_as_judged on the validation points, with zero
  /// multipliers and stage.select_penalty times the case's own μ: energy (or
  /// residuals) plus the obstacle and boundary penalties.
  double validation_loss(const TrainingState& state, const StageConfig& stage);

  /// b·∇ũ of state.lagged_wind written into the points' data (trains_lagged_wind);
  /// returns its relative change there (set_lagged_wind).
  double apply_lagged_wind(const TrainingState& state, const TrainingPoints& points) const;

  /// The validation grid, built at first use.
  const TrainingPoints& validation_points(const TrainingState& state);
  /// u of network_as_judged on the validation grid: what the convergence stop compares.
  std::vector<double> validation_solution(const TrainingState& state, const StageConfig& stage);

  const CaseConfig& config_;
  TrainingLoss& loss_;
  std::ostream* log_;
  /// The points of validation_rule, built at first use.
  TrainingPoints validation_;
  /// The problem's data at the validation grid, sampled at first use.
  std::unique_ptr<SampledProblem> validation_data_;
};

}  // namespace pinn
