/// @file solver/training_state.hpp
/// @brief Everything a run trains and carries, as one value: the network, the
/// loss parameters (μ after continuation), the training points with their
/// multipliers, the counters, the history and what the running stage carries
/// between its rounds. A checkpoint writes it whole and a resume reads it
/// back, so that a resumed run continues bit for bit.
#pragma once

#include "nn/adam.hpp"
#include "nn/mlp.hpp"
#include "physics/obstacle_loss.hpp"
#include "solver/case_config.hpp"
#include "solver/history.hpp"
#include "solver/lagged_wind.hpp"
#include "solver/run_outcome.hpp"
#include "solver/training_set.hpp"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace pinn {

/// Where a run stands: the stage it is in, the iteration within that stage,
/// and the multiplier round of a round-based stage (a Ceres stage resumes at
/// the start of its round).
struct StagePosition {
  int stage = 0;
  int iteration = 0;
  int round = 0;
};

/// The best multiplier round of the running stage so far (stage.select_last_rounds).
struct RoundChoice {
  int round = -1;  ///< −1: none yet
  double validation_loss = 0.0;
  std::vector<double> parameters;
  /// The multipliers in effect during that round (TrainingSet::multipliers),
  /// restored with its network so that the contact set and complementarity
  /// reported describe the kept round.
  std::vector<double> multipliers;
};

/// What the running stage carries between its iterations and rounds.
struct StageCarry {
  double loss_start = 0.0;  ///< the stage's loss when it started
  int round = 0;            ///< multiplier round of a round-based stage
  /// Damping carried from one multiplier round to the next: ceres_lm's
  /// trust-region radius, natural_gradient's damping (a multiple of diag(JᵀJ)).
  double damping = 1e4;
  RoundChoice best;
  /// Convergence stop (stage.patience): u on the validation grid at the end
  /// of the last round (empty before the first), and the rounds in a row
  /// that changed it by at most stage.min_change.
  std::vector<double> last_round_solution;
  int settled_rounds = 0;
  /// Adam/SGD moments of a running gradient stage (null otherwise).
  std::unique_ptr<Adam> optimizer;
};

struct TrainingState {
  std::unique_ptr<Mlp> net;
  ObstacleLossParams loss_params;
  TrainingSet points;
  int total_iterations = 0;  ///< over all stages
  /// Stages (counted from the first) whose neuron insertion has run.
  int insertions_done = 0;
  std::vector<HistoryRow> history;
  std::vector<StageSummary> stages;                    ///< the stages that have ended
  std::vector<std::pair<int, std::string>> snapshots;  ///< (iteration, file relative to the output folder)
  StageCarry stage;
  /// ũ of a lagged wind in the energy form (trains_lagged_wind); empty otherwise.
  LaggedWind lagged_wind;
};

/// checkpoint.bin: the whole state and the position to continue from.
/// Throws pinn::RunError when the file cannot be written.
void save_checkpoint(const std::string& path, const TrainingState& state, const StagePosition& position);

/// Reads what save_checkpoint wrote into `state` (a state built for `config`,
/// whose network is rebuilt with the widths stored when neuron insertion grew
/// it) and returns the position. The optimiser moments stay in the file
/// (nn/checkpoint.hpp reads them into a stage's Adam). Throws pinn::UserError
/// naming the file when it is not a checkpoint of this case.
StagePosition restore_checkpoint(const std::string& path, TrainingState& state, const CaseConfig& config);

}  // namespace pinn
