/// @file solver/obstacle_solver.hpp
/// @brief The driver: reads like deal.II step-41 — run() samples points,
/// computes the reference (exact, or FD/PDAS when the case has no exact
/// solution), runs each stage (solver/stages/) inside the augmented-Lagrangian
/// loop (solver/augmented_lagrangian.hpp), measures and writes the results.
#pragma once

#include "nn/mlp.hpp"
#include "solver/case_config.hpp"
#include "solver/history.hpp"
#include "solver/run_outcome.hpp"
#include "solver/solution_queries.hpp"
#include "solver/training_loss.hpp"
#include "solver/training_observer.hpp"
#include "solver/training_state.hpp"

#include <atomic>
#include <chrono>
#include <iosfwd>
#include <string>
#include <vector>

namespace pinn {

struct RunOptions {
  std::string output_directory;  ///< overrides [output] directory when not empty
  bool quiet = false;            ///< no progress lines
  bool write_files = true;
  std::ostream* log = nullptr;                        ///< progress stream (default std::cout)
  const std::atomic<bool>* stop_requested = nullptr;  ///< set by a signal handler (Ctrl-C)
  /// Continue from this checkpoint.bin (written by an earlier run of the same case).
  std::string resume_from;
  /// Behave as if interrupted once this many iterations are done in total (tests).
  int stop_after = -1;
  /// One more observer of training (solver/training_observer.hpp), called
  /// after the engine's own; not owned.
  TrainingObserver* observer = nullptr;
  /// Train in this map onto unit size rather than the one chosen from the
  /// problem (physics/problem_scaling.hpp); not owned. A time-stepping method
  /// keeps one map for all its levels, so each level's network can start from
  /// the previous one's.
  const ProblemScaling* scaling = nullptr;
  /// Start from these parameters (the same architecture, trained in the same
  /// map) rather than the seed's initialisation; not owned.
  const Mlp* initial_network = nullptr;
  /// The processes that share the run (nn/communicator.hpp; README, "Many
  /// processes: MPI"): every rank constructs the solver with the same case and
  /// options and calls run(); they split the work on the points and end with
  /// bitwise the same network. Rank 0 alone writes files and progress.
  Communicator communicator;
};

/// Rank 0 writes the files and prints the progress of a run that several
/// ranks share: on the others, `options` lose both.
void leave_output_to_rank_zero(RunOptions& options);

class ObstacleSolver {
 public:
  /// Checks the case (solver/case_checks.hpp; throws pinn::UserError), maps
  /// a problem far from unit size onto it (physics/problem_scaling.hpp) and
  /// builds the network, initialised from the seed.
  explicit ObstacleSolver(CaseConfig config, RunOptions options = {});
  ObstacleSolver(const ObstacleSolver&) = delete;
  ObstacleSolver& operator=(const ObstacleSolver&) = delete;

  /// Trains the network, measures it and writes the results.
  RunResult run();

  /// The network, the case, the history's losses and the training points
  /// as the solver trains them: in mapped units when config().scaling is not
  /// the identity (x = c + L·x̂, u = U·û); run()'s metrics and files are in the
  /// case's own units.
  const Mlp& network() const { return *state_.net; }
  const CaseConfig& config() const { return config_; }
  const std::vector<HistoryRow>& history() const { return state_.history; }
  const TrainingPoints& training_points() const { return state_.points.points(); }
  /// The loss parameters as they stand (μ after any continuation).
  const ObstacleLossParams& loss_params() const { return state_.loss_params; }

  /// After run(): u, ∇u, Δu and the problem data at `points` (row-major, one
  /// row per point, the case's own units), from the network with its exact
  /// activation.
  SolutionFields solution_at(const std::vector<double>& points) {
    return pinn::solution_at(config_, loss_, *state_.net, points);
  }
  /// After run(): the interior training points with u and the multipliers
  /// that live on them (the fields of points.vtu), the case's own units.
  TrainingPointContact training_point_contact() { return pinn::training_point_contact(config_, loss_, state_); }

 private:
  CaseConfig config_;
  RunOptions options_;
  TrainingState state_;
  TrainingLoss loss_;
};

}  // namespace pinn
