/// @file solver/rothe_solver.hpp
/// @brief Time-dependent obstacle problems by Rothe's method: time stepping with one network per
/// time level, each level an elliptic obstacle problem solved by ObstacleSolver with the case's
/// pipeline (README.md, "Time-dependent problems").
///
/// With Δt = T/steps and t_n = nΔt, implicit Euler replaces u_t by (u − u_{n−1})/Δt and BDF2 by
/// (3u − 4u_{n−1} + u_{n−2})/(2Δt) (its first step by implicit Euler, which damps the high
/// frequencies of a non-smooth u₀ rather than passing them on). Either way level n solves
///   L u + (m/Δt) u ≥ f(t_n) + h_n,   ψ(t_n) ≤ u ≤ ψ_hi(t_n),   complementarity,
/// with m = 1 and h_n = u_{n−1}/Δt, or m = 3/2 and h_n = (2u_{n−1} − u_{n−2}/2)/Δt: the operator
/// gains the reaction m/Δt and the source the history. That is an elliptic obstacle problem with
/// energy ½a(u, u) + (m/2Δt)‖u‖² − ⟨f + h_n, u⟩, so every loss form and activation the engine has,
/// the (P)LeakyReLU networks' energy included, applies unchanged.
///
/// The previous levels enter as data: each level's u is sampled on a tensor grid over the domain's
/// box (parabolic.grid_nodes) and interpolated multilinearly (physics/grid_function.hpp), an O(h²)
/// error far below the levels' own. Every level is trained in the same map onto unit size (chosen
/// from the data and u₀), so level n starts from level n−1's network and trains each stage for
/// `later_levels` of its iterations.
#pragma once

#include "solver/obstacle_solver.hpp"
#include "solver/rothe_outcome.hpp"

namespace pinn {

class RotheSolver {
 public:
  /// Checks the case as ObstacleSolver does, and that it is time-dependent (config.parabolic).
  RotheSolver(CaseConfig config, RunOptions options = {});

  /// Solves level after level, writing each level's run into levels/level_NNNN/ and, at the end, the
  /// time series (solution.pvd, history.csv, probes.csv, free_boundary.csv, summary.json,
  /// solution_xt.vtr in 1D; solver/time_series_output.hpp).
  RotheResult run();

  const CaseConfig& config() const { return config_; }

 private:
  CaseConfig config_;
  RunOptions options_;
};

}  // namespace pinn
