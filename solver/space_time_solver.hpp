/// @file solver/space_time_solver.hpp
/// @brief Time-dependent obstacle problems by the space–time method: one network of (x, t) trained
/// over Ω × (0, T) (README.md, "Time-dependent problems"; physics/space_time_problem.hpp).
///
/// The parabolic problem becomes one ObstacleProblem in dim + 1 whose operator has the time axis
/// (u_t as a convection along t, no diffusion along it), with u = u₀ on the face t = 0. ObstacleSolver
/// trains it with the strong form (smooth networks; Δ over x) or the first-order form (σ = Â∇u;
/// piecewise-linear networks) and the case's stages, or, for a case without [[stage]], the default
/// pipeline of a (dim + 1)-dimensional problem. The trained network
/// is then read at the output times t_n = n·T/steps like Rothe's levels: the same time series files,
/// measured against the same reference.
#pragma once

#include "solver/obstacle_solver.hpp"
#include "solver/rothe_outcome.hpp"

namespace pinn {

/// The case over Ω × (0, T) that the space–time network trains: the problem of
/// physics/space_time_problem.hpp, the form the case file names (the energy refused) or by default strong
/// for smooth networks and first_order for piecewise-linear ones,
/// hard or penalty boundary conditions as the faces allow, the default pipeline of dim + 1 where the case
/// file gives no [[stage]] (its 1D or 2D choices undone), checked (solver/case_checks.hpp).
/// Throws pinn::UserError naming the key at fault.
CaseConfig space_time_case(const CaseConfig& config);

class SpaceTimeSolver {
 public:
  /// Checks the case at t = 0 and at every output time, and the space–time case, before anything is
  /// written; config.parabolic must be set and config.time_stepping.method be space_time.
  /// options.resume_from, if set, is the network's checkpoint.bin in the run's space_time.partial/ (a
  /// killed run) or space_time/ (an interrupted one; copied to space_time.partial/ first).
  SpaceTimeSolver(CaseConfig config, RunOptions options = {});

  /// Trains the network (its run in space_time/: solution.vtu over Ω × (0, T), history.csv, summary.json),
  /// reads it at the output times (space_time/time_NNNN.vtu) and writes the time series as Rothe's
  /// method does (solution.pvd, history.csv, probes.csv, free_boundary.csv, solution_xt.vtr in 1D,
  /// summary.json; solver/time_series_output.hpp). result.levels are the output times.
  RotheResult run();

  const CaseConfig& config() const { return config_; }
  const CaseConfig& space_time_config() const { return space_time_; }

  /// After run(): u, ∇_x u, the data (and, for a smooth network, Δ_x u and u_t + L u − f as
  /// `residual`) at the points x of Ω (row-major, dim each) at time t ∈ [0, T], the case's units.
  SolutionFields solution_at(const std::vector<double>& x, double t);

 private:
  CaseConfig config_;
  CaseConfig space_time_;
  RunOptions options_;
  std::unique_ptr<ObstacleSolver> network_;  ///< the network of (x, t), from run() on
};

}  // namespace pinn
